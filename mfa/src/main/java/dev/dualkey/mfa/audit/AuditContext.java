package dev.dualkey.mfa.audit;

/**
 * What the caller knows about the request that needs an MFA check, so the check's audit record is complete.
 * Any field may be null.
 *
 * @param principal   caller ARN
 * @param accessKeyId access key that signed the request
 * @param action      e.g. {@code s3:DeleteObjectVersion}, {@code s3:PutBucketVersioning}
 */
public record AuditContext(String principal, String accessKeyId, String action, String bucket, String key,
                           String versionId, String clientAddress) {
    /** A context with no request details (sign-in and IAM callers fill what they have). */
    public static AuditContext none() {
        return new AuditContext(null, null, null, null, null, null, null);
    }
}
