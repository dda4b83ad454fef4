package dev.dualkey.storage.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
 * @param subresources      further configuration documents by S3 sub-resource name ({@code acl}, {@code cors},
 *                          {@code lifecycle}, {@code object-lock}, {@code ownershipControls},
 *                          {@code publicAccessBlock}, {@code encryption}, {@code logging}, ...), each stored as the
 *                          gateway validated and canonicalised it; absent when not configured. The store keeps
 *                          them opaque: the gateway parses them (and caches the parse), so a new sub-resource needs
 *                          no storage change.
 */
public record BucketConfig(VersioningState versioning, MfaDeleteState mfaDelete, boolean objectLockEnabled,
                           Map<String, String> tags, String policyJson, Map<String, String> subresources) {
    public BucketConfig {
        Objects.requireNonNull(versioning, "versioning");
        Objects.requireNonNull(mfaDelete, "mfaDelete");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tags, "tags")));
        subresources = Collections.unmodifiableMap(new TreeMap<>(
                Objects.requireNonNull(subresources, "subresources")));
    }

    /** The configuration without sub-resource documents (the layout before they existed). */
    public BucketConfig(VersioningState versioning, MfaDeleteState mfaDelete, boolean objectLockEnabled,
                        Map<String, String> tags, String policyJson) {
        this(versioning, mfaDelete, objectLockEnabled, tags, policyJson, Map.of());
    }

    /** The document stored for sub-resource {@code name}, or null when it is not configured. */
    public String subresource(String name) {
        return subresources.get(name);
    }

    /** This configuration with sub-resource {@code name} set to {@code document}, or removed when it is null. */
    public BucketConfig withSubresource(String name, String document) {
        Map<String, String> m = new TreeMap<>(subresources);
        if (document == null) {
            m.remove(name);
        } else {
            m.put(name, document);
        }
        return new BucketConfig(versioning, mfaDelete, objectLockEnabled, tags, policyJson, m);
    }

    /** The configuration of a new bucket: unversioned, MFA Delete never configured, no lock, no tags, no policy. */
    public static BucketConfig initial() {
        return new BucketConfig(VersioningState.UNVERSIONED, MfaDeleteState.NEVER_CONFIGURED, false, Map.of(), null,
                Map.of());
    }

    public BucketConfig withVersioning(VersioningState v) {
        return new BucketConfig(v, mfaDelete, objectLockEnabled, tags, policyJson, subresources);
    }

    public BucketConfig withMfaDelete(MfaDeleteState m) {
        return new BucketConfig(versioning, m, objectLockEnabled, tags, policyJson, subresources);
    }

    public BucketConfig withObjectLockEnabled(boolean enabled) {
        return new BucketConfig(versioning, mfaDelete, enabled, tags, policyJson, subresources);
    }

    public BucketConfig withTags(Map<String, String> t) {
        return new BucketConfig(versioning, mfaDelete, objectLockEnabled, t, policyJson, subresources);
    }

    public BucketConfig withPolicyJson(String p) {
        return new BucketConfig(versioning, mfaDelete, objectLockEnabled, tags, p, subresources);
    }
}
