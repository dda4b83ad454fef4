package dev.dualkey.mfa.policy;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed policies by document text, so that a stored policy is parsed once, not on every request. Bounded:
 * the least recently used entries go past {@code capacity} (documents are at most a few KiB, so memory stays
 * bounded by capacity x document size). A document that does not parse is cached as such: the caller decides
 * what an unreadable stored policy means (the authorizer denies, it never skips it).
 */
public final class PolicyCache {
    /** Entries kept by default: well above the policies of the users active at one time. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final Map<String, Object> entries;

    public PolicyCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The parsed {@code document}; throws MalformedPolicyDocumentException when it does not parse. */
    public Policy parse(String document) {
        Object cached;
        synchronized (entries) {
            cached = entries.get(document);
        }
        if (cached == null) {
            try {
                cached = PolicyParser.parse(document);
            } catch (MalformedPolicyDocumentException e) {
                cached = e;
            }
            synchronized (entries) {
                entries.put(document, cached);
            }
        }
        if (cached instanceof MalformedPolicyDocumentException e) {
            throw new MalformedPolicyDocumentException(e.getMessage());
        }
        return (Policy) cached;
    }

    /** Number of cached documents (for tests). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
