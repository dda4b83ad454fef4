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
}
