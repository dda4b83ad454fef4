package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.iam.directory.Actor;
import dev.dualkey.gateway.iam.directory.IamAccessKey;
import dev.dualkey.gateway.iam.directory.IamAccessKeyMetadata;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamLoginProfile;
import dev.dualkey.gateway.iam.directory.IamMfaDevice;
import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.directory.IamVirtualMfaDevice;
import dev.dualkey.gateway.iam.directory.NewVirtualMfaDevice;
import dev.dualkey.gateway.iam.validate.IamTag;
import dev.dualkey.mfa.device.AssignmentStatus;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.MfaDevice;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.identity.LoginProfile;
import dev.dualkey.mfa.identity.NewAccessKey;
import dev.dualkey.mfa.validate.Page;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The IAM API's {@link IamDirectory} over the mfa module's {@link IdentityService} and
 * {@link MfaDeviceService}. Domain exceptions pass through untouched (the IAM handler translates them once);
 * every change carries the caller for mfa's audit log.
 */
public final class MfaIamDirectory implements IamDirectory {
    /** IAM's largest page; lists are read whole, following markers, and paged again by the API. */
    private static final int PAGE = 1000;

    private final IdentityService identity;
    private final MfaDeviceService devices;

    public MfaIamDirectory(IdentityService identity, MfaDeviceService devices) {
        this.identity = identity;
        this.devices = devices;
    }

    private static dev.dualkey.mfa.audit.Actor audit(Actor a) {
        return new dev.dualkey.mfa.audit.Actor(a.principalArn(), a.accessKeyId(), a.clientAddress());
    }

    /** Reads every page of an mfa listing. */
    private static <T> List<T> all(Function<String, Page<T>> page) {
        List<T> out = new ArrayList<>();
        String marker = null;
        do {
            Page<T> p = page.apply(marker);
            out.addAll(p.items());
            marker = p.truncated() ? p.marker() : null;
        } while (marker != null);
        return out;
    }

    private static Map<String, String> tagMap(List<IamTag> tags) {
        Map<String, String> m = new LinkedHashMap<>();
        tags.forEach(t -> m.put(t.key(), t.value()));
        return m;
    }

    private static List<IamTag> tagList(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new IamTag(e.getKey(), e.getValue())).toList();
    }

    static IamUser user(dev.dualkey.mfa.identity.IamUser u) {
        if (u.isRoot()) {
            // IAM shows the root user without path or name, with the account id as its id.
            return new IamUser(null, null, u.accountId(), u.arn(), u.createDate(), u.passwordLastUsed(), List.of());
        }
        return new IamUser(u.path(), u.userName(), u.userId(), u.arn(), u.createDate(), u.passwordLastUsed(),
                tagList(u.tags()));
    }

    private static IamMfaDevice device(MfaDevice d) {
        return new IamMfaDevice(d.serialNumber(), d.userName(), d.enableDate());
    }

    @Override
    public IamUser createUser(Actor actor, String path, String userName, List<IamTag> tags) {
        return user(identity.createUser(audit(actor), actor.accountId(), path, userName, tagMap(tags)));
    }

    @Override
    public Optional<IamUser> findUser(Actor actor, String userName) {
        return identity.findUser(actor.accountId(), userName).map(MfaIamDirectory::user);
    }

    @Override
    public IamUser getUser(Actor actor, String userName) {
        return user(identity.getUser(actor.accountId(), userName));
    }

    @Override
    public List<IamUser> listUsers(Actor actor, String pathPrefix) {
        return all(m -> identity.listUsers(actor.accountId(), pathPrefix, m, PAGE)).stream()
                .map(MfaIamDirectory::user).toList();
    }

    @Override
    public void deleteUser(Actor actor, String userName) {
        identity.deleteUser(audit(actor), actor.accountId(), userName);
    }

    @Override
    public IamAccessKey createAccessKey(Actor actor, String userName) {
        NewAccessKey k = identity.createAccessKey(audit(actor), actor.accountId(), userName);
        return new IamAccessKey(k.userName(), k.accessKeyId(), k.status().name(), k.secretAccessKey(), k.createDate());
    }

    @Override
    public List<IamAccessKeyMetadata> listAccessKeys(Actor actor, String userName) {
        return all(m -> identity.listAccessKeys(actor.accountId(), userName, m, PAGE)).stream()
                .map(k -> new IamAccessKeyMetadata(k.userName(), k.accessKeyId(), k.status().name(), k.createDate()))
                .toList();
    }

    @Override
    public void updateAccessKey(Actor actor, String userName, String accessKeyId, String status) {
        if (status.equals("Expired")) {
            // In the model's enum but not a state a caller can set; IAM refuses it the same way.
            throw new dev.dualkey.mfa.error.InvalidInputException("Status Expired cannot be set.");
        }
        identity.updateAccessKey(audit(actor), actor.accountId(), userName, accessKeyId,
                AccessKeyStatus.valueOf(status));
    }

    @Override
    public void deleteAccessKey(Actor actor, String userName, String accessKeyId) {
        identity.deleteAccessKey(audit(actor), actor.accountId(), userName, accessKeyId);
    }

    private static IamLoginProfile profile(LoginProfile p) {
        return new IamLoginProfile(p.userName(), p.createDate(), p.passwordResetRequired());
    }

    @Override
    public IamLoginProfile createLoginProfile(Actor actor, String userName, String password, boolean reset) {
        return profile(identity.createLoginProfile(audit(actor), actor.accountId(), userName, password, reset));
    }

    @Override
    public IamLoginProfile getLoginProfile(Actor actor, String userName) {
        return profile(identity.getLoginProfile(actor.accountId(), userName));
    }

    @Override
    public void updateLoginProfile(Actor actor, String userName, String password, Boolean reset) {
        identity.updateLoginProfile(audit(actor), actor.accountId(), userName, password, reset);
    }

    @Override
    public void deleteLoginProfile(Actor actor, String userName) {
        identity.deleteLoginProfile(audit(actor), actor.accountId(), userName);
    }

    @Override
    public void changePassword(Actor actor, String userName, String oldPassword, String newPassword) {
        identity.changePassword(audit(actor), actor.accountId(), userName, oldPassword, newPassword);
    }

    @Override
    public void putUserPolicy(Actor actor, String userName, String policyName, String policyDocument) {
        identity.putUserPolicy(audit(actor), actor.accountId(), userName, policyName, policyDocument);
    }

    @Override
    public String getUserPolicy(Actor actor, String userName, String policyName) {
        return identity.getUserPolicy(actor.accountId(), userName, policyName);
    }

    @Override
    public List<String> listUserPolicies(Actor actor, String userName) {
        return all(m -> identity.listUserPolicies(actor.accountId(), userName, m, PAGE));
    }

    @Override
    public void deleteUserPolicy(Actor actor, String userName, String policyName) {
        identity.deleteUserPolicy(audit(actor), actor.accountId(), userName, policyName);
    }

    @Override
    public Map<String, Integer> accountSummary(Actor actor) {
        return identity.accountSummary(actor.accountId());
    }

    @Override
    public NewVirtualMfaDevice createVirtualMfaDevice(Actor actor, String path, String deviceName,
                                                      List<IamTag> tags) {
        // The authenticator label is name@user, or name@account-id for the root user, as IAM's QR code.
        String label = dev.dualkey.mfa.identity.IamUser.ROOT.equals(actor.userName()) ? null : actor.userName();
        CreatedVirtualDevice d = devices.createVirtualDevice(audit(actor), actor.accountId(), path, deviceName,
                tagMap(tags), label);
        return new NewVirtualMfaDevice(d.device().serialNumber(),
                d.base32StringSeed().getBytes(StandardCharsets.US_ASCII), d.qrCodePng());
    }

    @Override
    public void enableMfaDevice(Actor actor, String userName, String serial, String code1, String code2) {
        devices.enable(audit(actor), actor.accountId(), userName, serial, code1, code2);
    }

    @Override
    public void resyncMfaDevice(Actor actor, String userName, String serial, String code1, String code2) {
        devices.resync(audit(actor), actor.accountId(), userName, serial, code1, code2);
    }

    @Override
    public void deactivateMfaDevice(Actor actor, String userName, String serial) {
        devices.deactivate(audit(actor), actor.accountId(), userName, serial);
    }

    @Override
    public void deleteVirtualMfaDevice(Actor actor, String serial) {
        devices.deleteVirtualDevice(audit(actor), actor.accountId(), serial);
    }

    @Override
    public List<IamMfaDevice> listMfaDevices(Actor actor, String userName) {
        return all(m -> devices.listDevices(actor.accountId(), userName, m, PAGE)).stream()
                .map(MfaIamDirectory::device).toList();
    }

    @Override
    public List<IamVirtualMfaDevice> listVirtualMfaDevices(Actor actor, String assignmentStatus) {
        AssignmentStatus status = AssignmentStatus.valueOf(assignmentStatus);
        return all(m -> devices.listVirtualDevices(actor.accountId(), status, m, PAGE)).stream()
                .map(e -> new IamVirtualMfaDevice(e.device().serialNumber(),
                        e.user() == null ? null : user(e.user()), e.device().enableDate()))
                .toList();
    }

    @Override
    public IamMfaDevice getMfaDevice(Actor actor, String serialNumber, String userName) {
        return device(devices.getDevice(actor.accountId(), userName, serialNumber));
    }

    @Override
    public Optional<String> mfaDeviceUser(Actor actor, String serialNumber) {
        return devices.assignedUser(actor.accountId(), serialNumber);
    }

    @Override
    public void tagMfaDevice(Actor actor, String serialNumber, List<IamTag> tags) {
        devices.tagDevice(audit(actor), actor.accountId(), serialNumber, tagMap(tags));
    }

    @Override
    public void untagMfaDevice(Actor actor, String serialNumber, List<String> tagKeys) {
        devices.untagDevice(audit(actor), actor.accountId(), serialNumber, tagKeys);
    }

    @Override
    public List<IamTag> listMfaDeviceTags(Actor actor, String serialNumber) {
        return all(m -> devices.listDeviceTags(actor.accountId(), serialNumber, m, PAGE)).stream()
                .map(e -> new IamTag(e.getKey(), e.getValue())).toList();
    }
}
