package dev.dualkey.gateway.console.page;

import java.time.Instant;
import java.util.List;

/**
 * The identity operations behind "My security credentials" and "Users", in the IAM API's terms. The gateway
 * implements it over mfa's identity and device services (the same ones the IAM Query API uses), so a device
 * assigned here is the device the S3 API and sign-in check. Every operation on behalf of {@code actor} is
 * the IAM API's own operation (same target resolution, same authorizer, same root rules): pages never decide
 * or build ARNs themselves; {@link #allowed} only tells them which controls to show. Failures are
 * {@link IdentityException} with a plain-words message.
 *
 * <p>User names: the root user is addressed as {@code null}. {@code actor} is who acts (for the audit log).
 */
public interface IdentityDirectory {
    /** A device as listed. */
    record Device(String serialNumber, boolean virtual, Instant enableDate) {
    }

    /** A new virtual device before it is enabled: the seed is shown once, then only stored encrypted. */
    record NewVirtualDevice(String serialNumber, String base32Seed, byte[] qrPng) {
    }

    /** An access key as listed (never with its secret). */
    record AccessKey(String accessKeyId, boolean active, Instant createDate) {
    }

    /** A new access key; the secret is shown once. */
    record NewAccessKey(String accessKeyId, String secretAccessKey) {
    }

    /**
     * An IAM user as listed.
     *
     * @param hasPassword null when the viewer may not see it (iam:GetLoginProfile)
     * @param deviceCount null when the viewer may not see it (iam:ListMFADevices)
     */
    record User(String userName, Instant createDate, Boolean hasPassword, Integer deviceCount) {
    }

    /** Thrown for a refused identity operation; the message is safe to show. */
    final class IdentityException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean denied;

        public IdentityException(String message) {
            this(message, false);
        }

        /** @param denied the IAM API would have answered AccessDenied (pages answer 403) */
        public IdentityException(String message, boolean denied) {
            super(message);
            this.denied = denied;
        }

        public boolean denied() {
            return denied;
        }
    }

    /**
     * Whether {@code actor} may perform {@code iamAction} (e.g. {@code iam:DeactivateMFADevice}) on user
     * {@code userName} ({@code null}: on itself; {@code "*"}: account-level actions such as ListUsers), decided
     * as the IAM API decides it. Only for showing controls: the operation decides again.
     */
    boolean allowed(ConsoleUser actor, String iamAction, String userName);

    /** ListMFADevices of another user, authorized as the API does. */
    List<Device> devicesOf(ConsoleUser actor, String userName);

    /**
     * Whether changing {@code actor}'s own devices needs a fresh code now: the root user with an enabled device
     * whose session has not proved a code within the last 15 minutes.
     */
    boolean freshCodeNeeded(ConsoleUser actor);

    /** Checks a current code of one of the actor's enabled devices (spent once) and records it in the session. */
    boolean proveFreshCode(ConsoleUser actor, String code);

    /** Enabled devices of a user. */
    List<Device> devices(String accountId, String userName);

    /** CreateVirtualMFADevice with a generated name for the user; not yet enabled. */
    NewVirtualDevice createVirtualDevice(ConsoleUser actor, String accountId, String userName);

    /** EnableMFADevice with two consecutive codes. */
    void enableDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1, String code2);

    /** ResyncMFADevice with two consecutive codes. */
    void resyncDevice(ConsoleUser actor, String accountId, String userName, String serial, String code1, String code2);

    /** DeactivateMFADevice (a virtual device is then deleted as well, like the AWS console's "Remove"). */
    void deactivateDevice(ConsoleUser actor, String accountId, String userName, String serial);

    /** Forgets a virtual device that was created but never enabled (abandoned QR page). */
    void discardPendingDevice(ConsoleUser actor, String accountId, String serial);

    /**
     * ChangePassword (own password; the old one must match). Every session of the user ends; the current one
     * is re-issued: returns its new token (for a fresh cookie), or null when it could not be.
     */
    String changePassword(ConsoleUser actor, String accountId, String userName, String oldPassword, String newPassword);

    /** ListAccessKeys of the actor itself. */
    List<AccessKey> accessKeys(ConsoleUser actor);

    /** CreateAccessKey. */
    NewAccessKey createAccessKey(ConsoleUser actor, String accountId, String userName);

    /** DeleteAccessKey. */
    void deleteAccessKey(ConsoleUser actor, String accountId, String userName, String accessKeyId);

    /** ListUsers. */
    List<User> users(ConsoleUser actor);

    /** CreateUser + CreateLoginProfile. */
    void createUser(ConsoleUser actor, String accountId, String userName, String password);
}
