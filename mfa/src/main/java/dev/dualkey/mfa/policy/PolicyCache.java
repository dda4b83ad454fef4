package dev.dualkey.mfa.policy;

import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed policies by content, so that a stored policy is parsed once, not on every request. Keyed by the
 * SHA-256 of the document (not the text: whitespace, which IAM's quota does not count, could make a document
 * 128 KiB long), bounded to {@code capacity} entries, least recently used first out; a parsed policy holds
 * only the document's non-whitespace content. A document that does not parse is cached as such: the caller
 * decides what an unreadable stored policy means (the authorizer denies, it never skips it).
 */
public final class PolicyCache {
    /** Entries kept by default: well above the policies of the users active at one time. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final Map<ByteBuffer, Object> entries;

    public PolicyCache(int capacity) {
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The parsed {@code document}; throws MalformedPolicyDocumentException when it does not parse. */
    public Policy parse(String document) {
        ByteBuffer key = digest(document);
        Object cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached == null) {
            try {
                cached = PolicyParser.parse(document);
            } catch (MalformedPolicyDocumentException e) {
                cached = e;
            }
            synchronized (entries) {
                entries.put(key, cached);
            }
        }
        if (cached instanceof MalformedPolicyDocumentException e) {
            throw new MalformedPolicyDocumentException(e.getMessage());
        }
        return (Policy) cached;
    }

    private static ByteBuffer digest(String document) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(document.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Number of cached documents (for tests). */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
