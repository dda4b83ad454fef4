package dev.dualkey.storage.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The mutable configuration of a bucket, changed only through
 * {@code ObjectStore.updateBucket(name, UnaryOperator<BucketConfig>)} (atomic read-modify-write). Use the
 * {@code withXxx} methods; new configuration (object lock rules, policy, ACLs...) will be added as further fields
 * with withers, keeping existing callers source-compatible.
 *
 * @param versioning        versioning state
 * @param mfaDelete         MFA Delete state
 * @param objectLockEnabled whether Object Lock was enabled at creation (it can never be disabled)
 * @param tags              bucket tags in insertion order (empty when none)
 * @param policyJson        bucket policy document, or null when none
 */
public record BucketConfig(VersioningState versioning, MfaDeleteState mfaDelete, boolean objectLockEnabled,
                           Map<String, String> tags, String policyJson) {
    public BucketConfig {
        Objects.requireNonNull(versioning, "versioning");
        Objects.requireNonNull(mfaDelete, "mfaDelete");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tags, "tags")));
    }

    /** The configuration of a new bucket: unversioned, MFA Delete never configured, no lock, no tags, no policy. */
    public static BucketConfig initial() {
        return new BucketConfig(VersioningState.UNVERSIONED, MfaDeleteState.NEVER_CONFIGURED, false, Map.of(), null);
    }

    public BucketConfig withVersioning(VersioningState v) {
        return new BucketConfig(v, mfaDelete, objectLockEnabled, tags, policyJson);
    }

    public BucketConfig withMfaDelete(MfaDeleteState m) {
        return new BucketConfig(versioning, m, objectLockEnabled, tags, policyJson);
    }

    public BucketConfig withObjectLockEnabled(boolean enabled) {
        return new BucketConfig(versioning, mfaDelete, enabled, tags, policyJson);
    }

    public BucketConfig withTags(Map<String, String> t) {
        return new BucketConfig(versioning, mfaDelete, objectLockEnabled, t, policyJson);
    }

    public BucketConfig withPolicyJson(String p) {
        return new BucketConfig(versioning, mfaDelete, objectLockEnabled, tags, p);
    }
}
