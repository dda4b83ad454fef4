package dev.dualkey.compat.mfadelete;

/**
 * The error texts a client sees, as the spec (§1.2, §2.7, D3, D4, D8) fixes them. Written out here rather than
 * read from the gateway, so a changed text fails these tests.
 */
public final class Messages {
    /** 403 AccessDenied: header missing. */
    public static final String MFA_REQUIRED = "Mfa Authentication must be used for this request";
    /** 403 AccessDenied: caller is not the bucket owner's root user. */
    public static final String OWNER_ONLY = "This operation may only be performed by the bucket owner";
    /** 400 InvalidArgument: malformed, wrong, replayed or unknown-serial header (which one is never said). */
    public static final String HEADER_INVALID =
            "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}";
    /** 400 InvalidRequest: x-amz-mfa over plain HTTP on a non-loopback listener (D4, our text). */
    static final String HTTPS_REQUIRED = "Requests that include x-amz-mfa must use HTTPS";

    private Messages() {
    }
}
