package dev.dualkey.gateway.iam.action;

import dev.dualkey.gateway.iam.IamArns;
import dev.dualkey.gateway.iam.directory.Actor;
import dev.dualkey.gateway.iam.directory.IamAccessKey;
import dev.dualkey.gateway.iam.directory.IamAccessKeyMetadata;
import dev.dualkey.gateway.iam.directory.IamDirectory;
import dev.dualkey.gateway.iam.directory.IamLoginProfile;
import dev.dualkey.gateway.iam.directory.IamMfaDevice;
import dev.dualkey.gateway.iam.directory.IamUser;
import dev.dualkey.gateway.iam.directory.IamVirtualMfaDevice;
import dev.dualkey.gateway.iam.directory.NewVirtualMfaDevice;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.validate.IamTag;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * In-memory directory for the action tests: users, policies and virtual devices with just enough behaviour
 * to check wire shapes and authorization targets. Codes are accepted when they are "111111"/"222222".
 * The real behaviour (TOTP, replay, limits) is the mfa module's and is tested there and in compat-tests.
 */
final class FakeDirectory implements IamDirectory {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    /** Case-insensitive as IAM's (and the real store's) user names. */
    final Map<String, IamUser> users = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final Map<String, String> policies = new TreeMap<>();
    final Map<String, String> deviceOwner = new TreeMap<>();
    final List<String> calls = new ArrayList<>();

    private static IamException noSuchUser(String name) {
        return new IamException(IamErrorCode.NO_SUCH_ENTITY, "The user with name " + name + " cannot be found.");
    }

    @Override
    public IamUser createUser(Actor actor, String path, String userName, List<IamTag> tags) {
        if (users.containsKey(userName)) {
            throw new IamException(IamErrorCode.ENTITY_ALREADY_EXISTS, "User with name " + userName
                    + " already exists.");
        }
        IamUser u = new IamUser(path, userName, "AIDA" + String.format("%016d", users.size()),
                IamArns.user(actor.accountId(), path, userName), T0, null, tags);
        users.put(userName, u);
        return u;
    }

    @Override
    public Optional<IamUser> findUser(Actor actor, String userName) {
        return Optional.ofNullable(users.get(userName));
    }

    @Override
    public IamUser getUser(Actor actor, String userName) {
        if (userName.equals("root")) {
            return new IamUser(null, null, actor.accountId(), IamArns.root(actor.accountId()), T0, null, null);
        }
        return findUser(actor, userName).orElseThrow(() -> noSuchUser(userName));
    }

    @Override
    public List<IamUser> listUsers(Actor actor, String pathPrefix) {
        return users.values().stream().filter(u -> u.path().startsWith(pathPrefix)).toList();
    }

    @Override
    public void deleteUser(Actor actor, String userName) {
        if (users.remove(userName) == null) {
            throw noSuchUser(userName);
        }
    }

    @Override
    public IamAccessKey createAccessKey(Actor actor, String userName) {
        calls.add("createAccessKey " + userName);
        return new IamAccessKey(userName, "AKIAFAKEFAKEFAKE0001", "Active", "secret/secret", T0);
    }

    @Override
    public List<IamAccessKeyMetadata> listAccessKeys(Actor actor, String userName) {
        return List.of(new IamAccessKeyMetadata(userName, "AKIAFAKEFAKEFAKE0001", "Active", T0));
    }

    @Override
    public void updateAccessKey(Actor actor, String userName, String accessKeyId, String status) {
        calls.add("updateAccessKey " + userName + " " + accessKeyId + " " + status);
    }

    @Override
    public void deleteAccessKey(Actor actor, String userName, String accessKeyId) {
        calls.add("deleteAccessKey " + userName + " " + accessKeyId);
    }

    @Override
    public IamLoginProfile createLoginProfile(Actor actor, String userName, String password, boolean reset) {
        calls.add("createLoginProfile " + userName + " " + reset);
        return new IamLoginProfile(userName, T0, reset);
    }

    @Override
    public IamLoginProfile getLoginProfile(Actor actor, String userName) {
        return new IamLoginProfile(userName, T0, false);
    }

    @Override
    public void updateLoginProfile(Actor actor, String userName, String password, Boolean reset) {
        calls.add("updateLoginProfile " + userName + " " + (password != null) + " " + reset);
    }

    @Override
    public void deleteLoginProfile(Actor actor, String userName) {
        calls.add("deleteLoginProfile " + userName);
    }

    @Override
    public void changePassword(Actor actor, String userName, String oldPassword, String newPassword) {
        calls.add("changePassword " + userName);
    }

    @Override
    public void putUserPolicy(Actor actor, String userName, String policyName, String policyDocument) {
        getUser(actor, userName);
        policies.put(userName + "/" + policyName, policyDocument);
    }

    @Override
    public String getUserPolicy(Actor actor, String userName, String policyName) {
        String doc = policies.get(userName + "/" + policyName);
        if (doc == null) {
            throw new IamException(IamErrorCode.NO_SUCH_ENTITY, "The user policy with name " + policyName
                    + " cannot be found.");
        }
        return doc;
    }

    @Override
    public List<String> listUserPolicies(Actor actor, String userName) {
        return policies.keySet().stream().filter(k -> k.startsWith(userName + "/"))
                .map(k -> k.substring(userName.length() + 1)).toList();
    }

    @Override
    public void deleteUserPolicy(Actor actor, String userName, String policyName) {
        policies.remove(userName + "/" + policyName);
    }

    @Override
    public Map<String, Integer> accountSummary(Actor actor) {
        return Map.of("Users", users.size(), "MFADevices", deviceOwner.size(), "AccountMFAEnabled", 0);
    }

    @Override
    public NewVirtualMfaDevice createVirtualMfaDevice(Actor actor, String path, String deviceName,
                                                      List<IamTag> tags) {
        String serial = IamArns.virtualMfa(actor.accountId(), path, deviceName);
        deviceOwner.put(serial, "");
        return new NewVirtualMfaDevice(serial, "JBSWY3DPEHPK3PXP".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }

    @Override
    public void enableMfaDevice(Actor actor, String userName, String serial, String code1, String code2) {
        if (!deviceOwner.containsKey(serial)) {
            throw new IamException(IamErrorCode.NO_SUCH_ENTITY, "VirtualMFADevice with serial number " + serial
                    + " does not exist.");
        }
        if (!code1.equals("111111") || !code2.equals("222222")) {
            throw new IamException(IamErrorCode.INVALID_AUTHENTICATION_CODE,
                    "Authentication code for device is not valid.");
        }
        deviceOwner.put(serial, userName);
    }

    @Override
    public void resyncMfaDevice(Actor actor, String userName, String serial, String code1, String code2) {
        calls.add("resync " + userName + " " + serial);
    }

    @Override
    public void deactivateMfaDevice(Actor actor, String userName, String serial) {
        deviceOwner.put(serial, "");
    }

    @Override
    public void deleteVirtualMfaDevice(Actor actor, String serial) {
        if (!deviceOwner.get(serial).isEmpty()) {
            throw new IamException(IamErrorCode.DELETE_CONFLICT, "MFA VirtualDevice in use. Must deactivate first.");
        }
        deviceOwner.remove(serial);
    }

    @Override
    public List<IamMfaDevice> listMfaDevices(Actor actor, String userName) {
        return deviceOwner.entrySet().stream().filter(e -> e.getValue().equals(userName))
                .map(e -> new IamMfaDevice(e.getKey(), userName, T0)).toList();
    }

    @Override
    public List<IamVirtualMfaDevice> listVirtualMfaDevices(Actor actor, String assignmentStatus) {
        return deviceOwner.entrySet().stream()
                .filter(e -> assignmentStatus.equals("Any")
                        || assignmentStatus.equals("Assigned") != e.getValue().isEmpty())
                .map(e -> e.getValue().isEmpty() ? new IamVirtualMfaDevice(e.getKey(), null, null)
                        : new IamVirtualMfaDevice(e.getKey(), getUser(actor, e.getValue()), T0))
                .toList();
    }

    @Override
    public IamMfaDevice getMfaDevice(Actor actor, String serial, String userName) {
        return new IamMfaDevice(serial, deviceOwner.get(serial), T0);
    }

    @Override
    public Optional<String> mfaDeviceUser(Actor actor, String serial) {
        return Optional.ofNullable(deviceOwner.get(serial)).filter(u -> !u.isEmpty());
    }

    @Override
    public void tagMfaDevice(Actor actor, String serial, List<IamTag> tags) {
        calls.add("tag " + serial + " " + tags);
    }

    @Override
    public void untagMfaDevice(Actor actor, String serial, List<String> tagKeys) {
        calls.add("untag " + serial + " " + tagKeys);
    }

    @Override
    public List<IamTag> listMfaDeviceTags(Actor actor, String serial) {
        return List.of(new IamTag("a", "1"), new IamTag("b", ""));
    }
}
