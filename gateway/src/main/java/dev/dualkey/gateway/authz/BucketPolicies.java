package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.policy.BucketPolicyParser;
import dev.dualkey.mfa.policy.ResourcePolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parsed bucket policies by content (mfa's {@code PolicyCache} pattern): a stored policy is parsed once, not on
 * every request. Keyed by the SHA-256 of bucket name and document (a policy's validity depends on its bucket),
 * bounded, least recently used first out. A stored document was validated when it was put; one that no longer
 * parses (a future parser stricter than the one that accepted it) yields empty, and the authorizer then denies
 * everything but the owner's root managing the policy (fail closed).
 */
public final class BucketPolicies {
    /** Entries kept: well above the buckets active at one time. */
    public static final int DEFAULT_CAPACITY = 1024;

    private static final Object UNREADABLE = new Object();
    private final Map<String, Object> entries;

    public BucketPolicies(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The parsed stored policy {@code document} of {@code bucket}; empty when it does not parse. */
    public Optional<ResourcePolicy> parse(String bucket, String document) {
        String key = digest(bucket + "\u0000" + document);
        Object cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached == null) {
            try {
                cached = BucketPolicyParser.parse(document, bucket, BucketPolicyParser.KnownPrincipals.ANY);
            } catch (MalformedPolicyDocumentException e) {
                cached = UNREADABLE;
            }
            synchronized (entries) {
                entries.put(key, cached);
            }
        }
        return cached == UNREADABLE ? Optional.empty() : Optional.of((ResourcePolicy) cached);
    }

    private static String digest(String s) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
