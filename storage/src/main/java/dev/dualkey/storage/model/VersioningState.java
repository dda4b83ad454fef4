package dev.dualkey.storage.model;

/** A bucket's versioning state. Once ENABLED a bucket can only move between ENABLED and SUSPENDED. */
public enum VersioningState {
    /** Never configured: one {@code null} version per key; GetBucketVersioning returns no Status. */
    UNVERSIONED,
    /** Every PUT creates a new version id. */
    ENABLED,
    /** PUTs write the {@code null} version, older version ids are kept. */
    SUSPENDED
}
