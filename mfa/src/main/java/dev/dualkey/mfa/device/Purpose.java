package dev.dualkey.mfa.device;

/** Why a one-time code is checked (audited). Codes are single-use across all purposes. */
public enum Purpose {
    /** {@code x-amz-mfa} on PutBucketVersioning / DeleteObject(s) with a version. */
    S3_MFA_DELETE("s3:MfaCheck"),
    /** Console sign-in, second step. */
    CONSOLE_SIGN_IN("console:SignInMfa"),
    /** STS GetSessionToken with SerialNumber and TokenCode: the proof behind an MFA session. */
    STS_SESSION("sts:GetSessionToken"),
    /** Any other MFA proof (e.g. a console action that re-asks for a code). */
    OTHER("mfa:Check");

    private final String auditAction;

    Purpose(String auditAction) {
        this.auditAction = auditAction;
    }

    /** Audit action used when the caller's context names none. */
    public String auditAction() {
        return auditAction;
    }
}
