package dev.dualkey.storage.model;

/** A bucket's MFA Delete state as GetBucketVersioning reports it ({@code MfaDelete} element absent when never set). */
public enum MfaDeleteState {
    NEVER_CONFIGURED,
    ENABLED,
    DISABLED
}
