package dev.dualkey.gateway.console.page;

import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;

/**
 * The MFA Delete check the console shares with the S3 API. The gateway implements it with the same gate the
 * S3 handlers call for {@code x-amz-mfa}, so a code typed into the console is verified, consumed (one use),
 * throttled and audited exactly like the header.
 */
public interface MfaDeleteCheck {
    /** What is being attempted. */
    enum Operation {
        /** DeleteObject with a version id. */
        DELETE_VERSION,
        /** DeleteObject without a version id (needs MFA only where it destroys a null version, D2). */
        DELETE_OBJECT,
        /** PutBucketVersioning. */
        PUT_VERSIONING
    }

    /**
     * Whether the operation needs a code on this bucket in this state (the page then shows a code field).
     *
     * @param requestedMfaDelete for PUT_VERSIONING, the MfaDelete value being set, or null when it is unchanged
     */
    boolean required(BucketInfo bucket, Operation op, MfaDeleteState requestedMfaDelete);

    /**
     * Checks {@code "serial code"} for the user when {@link #required} says so.
     *
     * @param key       object key (DELETE_*), or null; for the audit record
     * @param versionId version id (DELETE_VERSION), or null; for the audit record
     * @return {@code null} when the request may proceed, otherwise the refusal in plain words (missing code,
     *         invalid or reused code, not the bucket owner's root user)
     */
    String check(ConsoleUser user, BucketInfo bucket, Operation op, MfaDeleteState requestedMfaDelete, String key,
                 String versionId, String serial, String code);
}
