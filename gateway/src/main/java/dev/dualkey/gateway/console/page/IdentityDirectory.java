package dev.dualkey.gateway.console.page;

import java.time.Instant;
import java.util.List;

/**
 * The identity operations behind "My security credentials" and "Users", in the IAM API's terms. The gateway
 * implements it over mfa's identity and device services (the same ones the IAM Query API uses), so a device
 * assigned here is the device the S3 API and sign-in check. Authorization is the caller's job (pages check
 * the IAM action first); failures are {@link IdentityException} with a plain-words message.
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

    /** An IAM user as listed. */
    record User(String userName, Instant createDate, boolean hasPassword, int deviceCount) {
    }

    /** Thrown for a refused identity operation; the message is safe to show. */
    final class IdentityException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public IdentityException(String message) {
            super(message);
        }
    }

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

    /** ChangePassword (own password; the old one must match). */
    void changePassword(ConsoleUser actor, String accountId, String userName, String oldPassword, String newPassword);

    /** ListAccessKeys. */
    List<AccessKey> accessKeys(String accountId, String userName);

    /** CreateAccessKey. */
    NewAccessKey createAccessKey(ConsoleUser actor, String accountId, String userName);

    /** DeleteAccessKey. */
    void deleteAccessKey(ConsoleUser actor, String accountId, String userName, String accessKeyId);

    /** ListUsers. */
    List<User> users(String accountId);

    /** CreateUser + CreateLoginProfile. */
    void createUser(ConsoleUser actor, String accountId, String userName, String password);
}
