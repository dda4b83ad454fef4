package dev.dualkey.gateway.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.gateway.console.page.IdentityDirectory;
import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamContext;
import dev.dualkey.gateway.iam.action.IamOperations;
import dev.dualkey.gateway.iam.directory.IamAccessKey;
import dev.dualkey.gateway.iam.directory.IamAccessKeyMetadata;
import dev.dualkey.gateway.iam.directory.IamMfaDevice;
import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.directory.NewVirtualMfaDevice;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.mfa.device.DeviceType;
import dev.dualkey.mfa.device.MfaDevice;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.signin.Session;
import dev.dualkey.mfa.signin.SignInService;

/**
 * {@link IdentityDirectory} over the IAM API's own operations ({@link IamOperations}): the console's user and
 * credential pages call the very handlers, target resolution, authorizer and root rules the IAM Query API uses,
 * so a page can neither decide differently from the API nor act on root for an IAM user.
 *
 * <p>The signed-in user is an {@link IamCaller} with temporary credentials (the console session) whose MFA time
 * is the session's last proved code ({@link Session#mfaAuthenticatedAt()}): root's device changes then follow
 * the API's rule of an MFA proof at most {@link IamContext#RECENT_MFA} old, and the pages ask for a fresh code
 * when it is older ({@link #freshCodeNeeded}).
 */
public final class MfaIdentityDirectory implements IdentityDirectory {
    /** AWS's name for the root user's virtual device. */
    static final String ROOT_DEVICE_NAME = "root-account-mfa-device";
    private static final String CODES_REFUSED = "The MFA codes were not accepted. Type two codes that follow each "
            + "other: the one shown now, then the next one.";

    private final IdentityService identity;
    private final MfaDeviceService devices;
    private final IamOperations iam;
    private final SignInService signIn;
    private final Clock clock;

    public MfaIdentityDirectory(IdentityService identity, MfaDeviceService devices, IamOperations iam,
                                SignInService signIn, Clock clock) {
        this.identity = identity;
        this.devices = devices;
        this.iam = iam;
        this.signIn = signIn;
        this.clock = clock;
    }

    static String mfaName(String userName) {
        return userName == null ? IamCaller.ROOT : userName;
    }

    /** The console user as the IAM operations see it: a session (temporary) caller with its MFA time. */
    private IamCaller caller(ConsoleUser user) {
        Instant mfaAt = signIn.session(user.sessionToken()).map(Session::mfaAuthenticatedAt).orElse(null);
        if (user.isRoot()) {
            return new IamCaller(user.accountId(), IamCaller.ROOT, "/", true, mfaAt);
        }
        dev.dualkey.mfa.identity.IamUser stored = identity.findUser(user.accountId(), user.userName())
                .filter(u -> !u.isRoot())
                .orElseThrow(() -> new IdentityException("Your user no longer exists.", true));
        return new IamCaller(user.accountId(), stored.userName(), stored.path(), true, mfaAt);
    }

    private static <T> T call(Supplier<T> op) {
        try {
            return op.get();
        } catch (IamException e) {
            if (e.errorCode() == IamErrorCode.INVALID_AUTHENTICATION_CODE) {
                throw new IdentityException(CODES_REFUSED);
            }
            throw new IdentityException(e.getMessage(), e.errorCode() == IamErrorCode.ACCESS_DENIED);
        }
    }

    private static void run(Runnable op) {
        call(() -> {
            op.run();
            return null;
        });
    }

    @Override
    public boolean allowed(ConsoleUser actor, String iamAction, String userName) {
        IamAction action = IamAction.fromName(iamAction.startsWith("iam:") ? iamAction.substring(4) : iamAction);
        if (action == null) {
            return false;
        }
        IamCaller caller;
        try {
            caller = caller(actor);
        } catch (IdentityException e) {
            return false;
        }
        return "*".equals(userName) ? iam.allowedOnAccount(caller, action)
                : iam.allowedOnUser(caller, action, userName);
    }

    @Override
    public List<Device> devices(String accountId, String userName) {
        // The signed-in user's own devices (its own pages): what sign-in and MFA Delete will ask a code of.
        List<Device> out = new ArrayList<>();
        for (MfaDevice d : devices.devicesOf(accountId, mfaName(userName))) {
            out.add(new Device(d.serialNumber(), d.type() == DeviceType.VIRTUAL, d.enableDate()));
        }
        return out;
    }

    @Override
    public List<Device> devicesOf(ConsoleUser actor, String userName) {
        List<Device> out = new ArrayList<>();
        for (IamMfaDevice d : call(() -> iam.listMfaDevices(caller(actor), userName))) {
            out.add(new Device(d.serialNumber(), d.serialNumber().startsWith("arn:"), d.enableDate()));
        }
        return out;
    }

    @Override
    public boolean freshCodeNeeded(ConsoleUser actor) {
        if (!actor.isRoot() || !devices.hasDevice(actor.accountId(), IamCaller.ROOT)) {
            return false;
        }
        Optional<Instant> at = signIn.session(actor.sessionToken()).map(Session::mfaAuthenticatedAt);
        return at.isEmpty() || at.get().isBefore(clock.instant().minus(IamContext.RECENT_MFA));
    }

    @Override
    public boolean proveFreshCode(ConsoleUser actor, String code) {
        return code != null && !code.isBlank() && signIn.proveMfa(actor.sessionToken(), code.strip(), "console");
    }

    @Override
    public NewVirtualDevice createVirtualDevice(ConsoleUser actor, String accountId, String userName) {
        String base = userName == null ? ROOT_DEVICE_NAME : userName;
        int existing = devices(accountId, userName).size();
        String name = existing == 0 ? base : base + "-" + (existing + 1);
        String serial = MfaDeviceService.virtualSerial(accountId, "/", name);
        NewVirtualMfaDevice created;
        try {
            created = iam.createVirtualMfaDevice(caller(actor), name);
        } catch (IamException e) {
            if (e.errorCode() != IamErrorCode.ENTITY_ALREADY_EXISTS) {
                throw new IdentityException(e.getMessage(), e.errorCode() == IamErrorCode.ACCESS_DENIED);
            }
            // A device of that name that was never enabled is an abandoned setup page: replace it, if the user
            // may delete devices (the API's DeleteVirtualMFADevice decides).
            run(() -> iam.deleteVirtualMfaDevice(caller(actor), serial));
            created = call(() -> iam.createVirtualMfaDevice(caller(actor), name));
        }
        return new NewVirtualDevice(created.serialNumber(),
                new String(created.base32StringSeed(), java.nio.charset.StandardCharsets.US_ASCII),
                created.qrCodePng());
    }

    @Override
    public void enableDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1,
                             String code2) {
        run(() -> iam.enableMfaDevice(caller(actor), mfaName(userName), serial, code1, code2));
    }

    @Override
    public void resyncDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1,
                             String code2) {
        run(() -> iam.resyncMfaDevice(caller(actor), mfaName(userName), serial, code1, code2));
    }

    @Override
    public void deactivateDevice(ConsoleUser actor, String accountId, String userName, String serial) {
        IamCaller caller = call(() -> caller(actor));
        run(() -> iam.deactivateMfaDevice(caller, mfaName(userName), serial));
        if (serial != null && serial.startsWith("arn:")) {
            // Like the AWS console's "Remove": the virtual device goes too, when the API allows it.
            try {
                iam.deleteVirtualMfaDevice(caller, serial);
            } catch (IamException e) {
                // not allowed (iam:DeleteVirtualMFADevice) or already gone: it stays, unassigned
            }
        }
    }

    @Override
    public void discardPendingDevice(ConsoleUser actor, String accountId, String serial) {
        try {
            iam.deleteVirtualMfaDevice(caller(actor), serial);
        } catch (IamException | IdentityException e) {
            // not allowed (iam:DeleteVirtualMFADevice), already gone, or assigned meanwhile: nothing to discard
        }
    }

    @Override
    public String changePassword(ConsoleUser actor, String accountId, String userName, String oldPassword,
                                 String newPassword) {
        run(() -> iam.changePassword(caller(actor), oldPassword, newPassword));
        // The change ended every session of the user (sessions are bound to the password); keep this one.
        return signIn.reissue(actor.sessionToken()).orElse(null);
    }

    @Override
    public List<AccessKey> accessKeys(ConsoleUser actor) {
        List<AccessKey> out = new ArrayList<>();
        for (IamAccessKeyMetadata k : call(() -> iam.listAccessKeys(caller(actor), null))) {
            out.add(new AccessKey(k.accessKeyId(), "Active".equals(k.status()), k.createDate()));
        }
        return out;
    }

    @Override
    public NewAccessKey createAccessKey(ConsoleUser actor, String accountId, String userName) {
        IamAccessKey k = call(() -> iam.createAccessKey(caller(actor), null));
        return new NewAccessKey(k.accessKeyId(), k.secretAccessKey());
    }

    @Override
    public void deleteAccessKey(ConsoleUser actor, String accountId, String userName, String accessKeyId) {
        run(() -> iam.deleteAccessKey(caller(actor), null, accessKeyId));
    }

    @Override
    public List<User> users(ConsoleUser actor) {
        IamCaller caller = call(() -> caller(actor));
        List<User> out = new ArrayList<>();
        for (IamUser u : call(() -> iam.listUsers(caller))) {
            if (u.userName() == null) {
                continue;
            }
            Boolean hasPassword;
            try {
                hasPassword = iam.hasLoginProfile(caller, u.userName());
            } catch (IamException e) {
                hasPassword = null; // the viewer may not see it (iam:GetLoginProfile)
            }
            Integer deviceCount;
            try {
                deviceCount = iam.listMfaDevices(caller, u.userName()).size();
            } catch (IamException e) {
                deviceCount = null; // the viewer may not see it (iam:ListMFADevices)
            }
            out.add(new User(u.userName(), u.createDate(), hasPassword, deviceCount));
        }
        return out;
    }

    @Override
    public void createUser(ConsoleUser actor, String accountId, String userName, String password) {
        run(() -> iam.createUserWithPassword(caller(actor), userName, password));
    }
}
