package dev.dualkey.gateway.iam.directory;

import dev.dualkey.gateway.iam.validate.IamTag;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the IAM Query API needs from the identity store, one method per IAM operation, confined to the
 * actor's account. The gateway's implementation sits over the mfa module
 * ({@code dev.dualkey.gateway.identity}); keeping this seam lets the IAM actions stay free of storage
 * details. Failures are the mfa module's domain exceptions (or {@link dev.dualkey.gateway.iam.error.IamException}),
 * translated once by {@link dev.dualkey.gateway.iam.IamQueryHandler}. Inputs arrive validated against the IAM
 * model. The user name {@code root} designates the account's root user where IAM allows it (MFA devices,
 * access keys, GetUser).
 *
 * <p>Lists are returned whole and sorted (users and policies by name, keys by id, devices by serial, tags by
 * key); the API pages them.
 */
public interface IamDirectory {

    IamUser createUser(Actor actor, String path, String userName, List<IamTag> tags);

    /** The user, or empty; used to build the resource ARN (with its path) before authorizing. */
    Optional<IamUser> findUser(Actor actor, String userName);

    IamUser getUser(Actor actor, String userName);

    List<IamUser> listUsers(Actor actor, String pathPrefix);

    void deleteUser(Actor actor, String userName);

    IamAccessKey createAccessKey(Actor actor, String userName);

    List<IamAccessKeyMetadata> listAccessKeys(Actor actor, String userName);

    void updateAccessKey(Actor actor, String userName, String accessKeyId, String status);

    void deleteAccessKey(Actor actor, String userName, String accessKeyId);

    IamLoginProfile createLoginProfile(Actor actor, String userName, String password, boolean passwordResetRequired);

    IamLoginProfile getLoginProfile(Actor actor, String userName);

    /** {@code password} and {@code passwordResetRequired} may each be {@code null} (unchanged). */
    void updateLoginProfile(Actor actor, String userName, String password, Boolean passwordResetRequired);

    void deleteLoginProfile(Actor actor, String userName);

    void changePassword(Actor actor, String userName, String oldPassword, String newPassword);

    void putUserPolicy(Actor actor, String userName, String policyName, String policyDocument);

    String getUserPolicy(Actor actor, String userName, String policyName);

    List<String> listUserPolicies(Actor actor, String userName);

    void deleteUserPolicy(Actor actor, String userName, String policyName);

    /** GetAccountSummary's map, keys from IAM's {@code summaryKeyType}. */
    Map<String, Integer> accountSummary(Actor actor);

    NewVirtualMfaDevice createVirtualMfaDevice(Actor actor, String path, String deviceName, List<IamTag> tags);

    void enableMfaDevice(Actor actor, String userName, String serialNumber, String code1, String code2);

    void resyncMfaDevice(Actor actor, String userName, String serialNumber, String code1, String code2);

    void deactivateMfaDevice(Actor actor, String userName, String serialNumber);

    void deleteVirtualMfaDevice(Actor actor, String serialNumber);

    List<IamMfaDevice> listMfaDevices(Actor actor, String userName);

    /** @param assignmentStatus {@code Assigned}, {@code Unassigned} or {@code Any} */
    List<IamVirtualMfaDevice> listVirtualMfaDevices(Actor actor, String assignmentStatus);

    /** @param userName the expected owner, or {@code null} */
    IamMfaDevice getMfaDevice(Actor actor, String serialNumber, String userName);

    /**
     * The name of the user the device {@code serialNumber} is assigned to (stored case; {@code root} for the
     * root user), or empty when no such device exists in the account or it is unassigned. Used to refuse
     * serial-addressed actions on root's devices before anything else is looked at.
     */
    Optional<String> mfaDeviceUser(Actor actor, String serialNumber);

    void tagMfaDevice(Actor actor, String serialNumber, List<IamTag> tags);

    void untagMfaDevice(Actor actor, String serialNumber, List<String> tagKeys);

    List<IamTag> listMfaDeviceTags(Actor actor, String serialNumber);
}
