package dev.dualkey.mfa.identity;

import dev.dualkey.mfa.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decrypted secret access keys, remembered per sealed value so that SigV4 does not run AES-GCM (and a JCE
 * provider lookup) on every request.
 *
 * <p>Why this cannot outlive a key: the cache is consulted only after the access-key record was read from the
 * store on this very request, and an entry is used only when its sealed bytes equal the record's. A deleted key
 * has no record, so it is never looked up here; a deactivated key still resolves (its status comes from the
 * record, not from here); a key re-created under the same id has a new random nonce, so its sealed bytes differ
 * and the stale entry is replaced. Nothing here decides who may do what.
 *
 * <p>Bounded: when {@value #DEFAULT_CAPACITY} entries are exceeded the map is cleared (keys in use come back on
 * their next request); a few thousand access keys in active use is the expected scale.
 */
final class OpenedSecretCache {
    static final int DEFAULT_CAPACITY = 4096;

    private record Entry(byte[] sealed, String secret) {
    }

    private final SecretBox box;
    private final int capacity;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    OpenedSecretCache(SecretBox box, int capacity) {
        this.box = box;
        this.capacity = capacity;
    }

    /**
     * The secret sealed in {@code sealed} for {@code accessKeyId}: from the cache when the same sealed bytes were
     * opened before, else opened (and authenticated) now.
     */
    String open(String accessKeyId, byte[] sealed, String aad) {
        Entry e = entries.get(accessKeyId);
        // Comparing ciphertexts leaks nothing about the secret, so a plain equals is fine here.
        if (e != null && Arrays.equals(e.sealed, sealed)) {
            return e.secret;
        }
        String secret = new String(box.open(sealed, aad), StandardCharsets.UTF_8);
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(accessKeyId, new Entry(sealed.clone(), secret));
        return secret;
    }

    /** Forgets a key's secret (deleted keys; also keeps the cache from holding secrets nobody can use). */
    void forget(String accessKeyId) {
        entries.remove(accessKeyId);
    }

    int size() {
        return entries.size();
    }
}
