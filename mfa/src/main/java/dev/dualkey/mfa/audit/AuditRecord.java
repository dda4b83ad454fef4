package dev.dualkey.mfa.audit;

import java.time.Instant;

/**
 * One audit event. Any field but {@code time}, {@code action} and {@code outcome} may be null. Never carries a
 * one-time code, a password, a seed or a secret key: only identifiers and outcomes.
 *
 * @param principal     caller ARN (or user name for sign-in attempts, or {@code operator} for admin commands)
 * @param action        e.g. {@code s3:DeleteObjectVersion}, {@code iam:EnableMFADevice}, {@code console:SignIn}
 * @param outcome       e.g. {@code ACCEPTED}, {@code INVALID}, {@code THROTTLED}, {@code OK}, {@code DENIED}
 * @param reason        short machine-ish explanation of a refusal (for the operator, never sent to clients)
 */
public record AuditRecord(Instant time, String accountId, String principal, String accessKeyId, String action,
                          String bucket, String key, String versionId, String deviceSerial, String outcome,
                          String clientAddress, String reason) {

    /** Builder-style start for records that only need a few fields. */
    public static AuditRecord of(Instant time, String accountId, String principal, String action, String outcome) {
        return new AuditRecord(time, accountId, principal, null, action, null, null, null, null, outcome, null,
                null);
    }

    public AuditRecord withSerial(String serial) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId, serial,
                outcome, clientAddress, reason);
    }

    public AuditRecord withReason(String why) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId,
                deviceSerial, outcome, clientAddress, why);
    }

    public AuditRecord withClient(String address) {
        return new AuditRecord(time, accountId, principal, accessKeyId, action, bucket, key, versionId,
                deviceSerial, outcome, address, reason);
    }
}
