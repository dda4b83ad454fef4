package dev.dualkey.gateway.protect;

/**
 * Why a protected change was refused. Each protocol words it once: the S3 API as the error codes of the spec's
 * decisions D1-D9 (see {@code s3.protect.S3Refusals}), the console in plain words.
 */
public enum Refusal {
    /** A code was needed and none was given (S3: 403 AccessDenied "Mfa Authentication must be used ..."). */
    MFA_REQUIRED,
    /** A session (temporary credentials) carried a code: only long-term root keys may (D8; S3: 400 InvalidRequest). */
    MFA_WITH_SESSION_CREDENTIALS,
    /** The caller is not the bucket owner's root user (D8; S3: 403 AccessDenied "... only ... the bucket owner"). */
    NOT_BUCKET_OWNER,
    /** The header is not {@code SERIAL CODE} with a six-digit code (D7; S3: 400 InvalidArgument). */
    MFA_MALFORMED,
    /** A code over plain HTTP on a listener that is not loopback-only (D4; S3: 400 InvalidRequest). */
    MFA_OVER_HTTP,
    /** Wrong, replayed, unknown-serial or throttled code, never saying which (D3; S3: 400 InvalidArgument). */
    MFA_INVALID,
    /**
     * MFA Delete cannot be enabled while the bucket has a lifecycle configuration (D6, as AWS: lifecycle deletes
     * without a code; S3: 400 InvalidRequest). Checked before any code is spent.
     */
    LIFECYCLE_CONFIGURED
}
