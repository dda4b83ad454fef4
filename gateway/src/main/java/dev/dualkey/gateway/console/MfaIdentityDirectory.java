package dev.dualkey.gateway.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.gateway.console.page.IdentityDirectory;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.DeviceType;
import dev.dualkey.mfa.device.MfaDevice;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.error.EntityAlreadyExistsException;
import dev.dualkey.mfa.error.IamException;
import dev.dualkey.mfa.error.InvalidAuthenticationCodeException;
import dev.dualkey.mfa.identity.AccessKeyMetadata;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;

/**
 * {@link IdentityDirectory} over mfa's {@link IdentityService} and {@link MfaDeviceService}: the same services
 * as the IAM Query API, so the console and the API see and change the same users, keys and devices, with the
 * same validation and audit records. IAM errors become {@link IdentityDirectory.IdentityException} with the
 * service's message (AWS wording, safe to show).
 */
public final class MfaIdentityDirectory implements IdentityDirectory {
    /** AWS's name for the root user's virtual device. */
    static final String ROOT_DEVICE_NAME = "root-account-mfa-device";

    private final IdentityService identity;
    private final MfaDeviceService devices;

    public MfaIdentityDirectory(IdentityService identity, MfaDeviceService devices) {
        this.identity = identity;
        this.devices = devices;
    }

    static String mfaName(String userName) {
        return userName == null ? IamUser.ROOT : userName;
    }

    private static Actor actor(ConsoleUser user) {
        return new Actor(user.arn(), null, "console");
    }

    private static <T> T call(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (InvalidAuthenticationCodeException e) {
            throw new IdentityException("The MFA codes were not accepted. Type two codes that follow each other: "
                    + "the one shown now, then the next one.");
        } catch (IamException e) {
            throw new IdentityException(e.getMessage());
        }
    }

    private static void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    @Override
    public List<Device> devices(String accountId, String userName) {
        List<Device> out = new ArrayList<>();
        for (MfaDevice d : call(() -> devices.devicesOf(accountId, mfaName(userName)))) {
            out.add(new Device(d.serialNumber(), d.type() == DeviceType.VIRTUAL, d.enableDate()));
        }
        return out;
    }

    @Override
    public NewVirtualDevice createVirtualDevice(ConsoleUser actor, String accountId, String userName) {
        String base = userName == null ? ROOT_DEVICE_NAME : userName;
        int existing = devices(accountId, userName).size();
        String name = existing == 0 ? base : base + "-" + (existing + 1);
        String serial = MfaDeviceService.virtualSerial(accountId, "/", name);
        // The label authenticator apps show after "name@": the user, or for root the account alias or id.
        String label = userName != null ? userName : actor.accountAlias() != null ? actor.accountAlias() : accountId;
        CreatedVirtualDevice created;
        try {
            created = devices.createVirtualDevice(actor(actor), accountId, "/", name, Map.of(), label);
        } catch (EntityAlreadyExistsException e) {
            // A device of that name that was never enabled is an abandoned setup page: replace it.
            run(() -> devices.deleteVirtualDevice(actor(actor), accountId, serial));
            created = call(() -> devices.createVirtualDevice(actor(actor), accountId, "/", name, Map.of(), label));
        } catch (IamException e) {
            throw new IdentityException(e.getMessage());
        }
        return new NewVirtualDevice(created.device().serialNumber(), created.base32StringSeed(), created.qrCodePng());
    }

    @Override
    public void enableDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1,
                             String code2) {
        run(() -> devices.enable(actor(actor), accountId, mfaName(userName), serial, code1, code2));
    }

    @Override
    public void resyncDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1,
                             String code2) {
        run(() -> devices.resync(actor(actor), accountId, mfaName(userName), serial, code1, code2));
    }

    @Override
    public void deactivateDevice(ConsoleUser actor, String accountId, String userName, String serial) {
        boolean virtual = devices(accountId, userName).stream()
                .anyMatch(d -> d.serialNumber().equals(serial) && d.virtual());
        run(() -> devices.deactivate(actor(actor), accountId, mfaName(userName), serial));
        if (virtual) {
            run(() -> devices.deleteVirtualDevice(actor(actor), accountId, serial));
        }
    }

    @Override
    public void discardPendingDevice(ConsoleUser actor, String accountId, String serial) {
        try {
            devices.deleteVirtualDevice(actor(actor), accountId, serial);
        } catch (IamException e) {
            // already gone or assigned meanwhile: nothing to discard
        }
    }

    @Override
    public void changePassword(ConsoleUser actor, String accountId, String userName, String oldPassword,
                               String newPassword) {
        run(() -> identity.changePassword(actor(actor), accountId, mfaName(userName), oldPassword, newPassword));
    }

    @Override
    public List<AccessKey> accessKeys(String accountId, String userName) {
        List<AccessKey> out = new ArrayList<>();
        for (AccessKeyMetadata k : call(() -> identity.listAccessKeys(accountId, mfaName(userName), null, 100)).items()) {
            out.add(new AccessKey(k.accessKeyId(), k.status() == AccessKeyStatus.Active, k.createDate()));
        }
        return out;
    }

    @Override
    public NewAccessKey createAccessKey(ConsoleUser actor, String accountId, String userName) {
        dev.dualkey.mfa.identity.NewAccessKey k = call(() -> identity.createAccessKey(actor(actor), accountId,
                mfaName(userName)));
        return new NewAccessKey(k.accessKeyId(), k.secretAccessKey());
    }

    @Override
    public void deleteAccessKey(ConsoleUser actor, String accountId, String userName, String accessKeyId) {
        run(() -> identity.deleteAccessKey(actor(actor), accountId, mfaName(userName), accessKeyId));
    }

    @Override
    public List<User> users(String accountId) {
        List<User> out = new ArrayList<>();
        for (IamUser u : call(() -> identity.listUsers(accountId, null, null, 1000)).items()) {
            if (u.isRoot()) {
                continue;
            }
            boolean hasPassword;
            try {
                identity.getLoginProfile(accountId, u.userName());
                hasPassword = true;
            } catch (IamException e) {
                hasPassword = false;
            }
            out.add(new User(u.userName(), u.createDate(), hasPassword,
                    devices.devicesOf(accountId, u.userName()).size()));
        }
        return out;
    }

    @Override
    public void createUser(ConsoleUser actor, String accountId, String userName, String password) {
        run(() -> {
            identity.createUser(actor(actor), accountId, "/", userName, Map.of());
            try {
                identity.createLoginProfile(actor(actor), accountId, userName, password, false);
            } catch (IamException e) {
                // A user without the password they asked for is not what the form meant: undo.
                identity.deleteUser(actor(actor), accountId, userName);
                throw e;
            }
        });
    }
}
