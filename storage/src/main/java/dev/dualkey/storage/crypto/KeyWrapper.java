package dev.dualkey.storage.crypto;

/**
 * Wraps and unwraps 256-bit data keys with a key-encryption key the store never sees. Implementations must be
 * thread-safe. A wrapped key is exactly {@link #WRAPPED_BYTES} long and self-describing enough (a KEK fingerprint)
 * for an implementation holding several KEKs (master key rotation) to pick the right one.
 */
public interface KeyWrapper {
    /** Length of a wrapped data key: KEK fingerprint (4) + nonce (12) + encrypted key (32) + GCM tag (16). */
    int WRAPPED_BYTES = 64;

    /**
     * @param dataKey 32 bytes
     * @param aad     bound to the wrapped key: unwrapping with other bytes fails
     * @return {@link #WRAPPED_BYTES} bytes
     */
    byte[] wrap(byte[] dataKey, byte[] aad);

    /**
     * @return the 32-byte data key
     * @throws dev.dualkey.storage.error.DataCorruptionException when the wrapped key or {@code aad} was altered
     * @throws dev.dualkey.storage.error.StorageIoException when no known KEK made {@code wrapped}
     */
    byte[] unwrap(byte[] wrapped, byte[] aad);

    /**
     * The ETag of a body with this MD5. The store's own wrapper (SSE-S3): the MD5 in hex, as S3. A customer key's
     * wrapper (SSE-C): a keyed digest, so that the plaintext's MD5 is neither stored nor shown (S3: "not an MD5
     * digest of their object data").
     */
    default String etag(byte[] md5) {
        return java.util.HexFormat.of().formatHex(md5);
    }

    /** True when this wrapper can unwrap keys with fingerprint {@code fingerprint} (first 4 bytes of a wrapped key). */
    default boolean knows(int fingerprint) {
        return true;
    }

    /** A wrapper that wraps with {@code first} and unwraps with whichever of the two knows the key's fingerprint. */
    static KeyWrapper either(KeyWrapper first, KeyWrapper second) {
        if (second == null) {
            return first;
        }
        return new KeyWrapper() {
            @Override
            public byte[] wrap(byte[] dataKey, byte[] aad) {
                return first.wrap(dataKey, aad);
            }

            @Override
            public byte[] unwrap(byte[] wrapped, byte[] aad) {
                int fp = java.nio.ByteBuffer.wrap(wrapped).getInt();
                return (first.knows(fp) || !second.knows(fp) ? first : second).unwrap(wrapped, aad);
            }

            @Override
            public String etag(byte[] md5) {
                return first.etag(md5);
            }

            @Override
            public boolean knows(int fingerprint) {
                return first.knows(fingerprint) || second.knows(fingerprint);
            }
        };
    }
}
