/**
 * Encryption at rest of object data (SSE-S3 semantics, on by default): envelope encryption with a random data key
 * per blob or inline value, AES-256-GCM in fixed-size chunks so that range reads decrypt only the chunks they
 * touch, the data key wrapped by a key-encryption key derived from the server's master key.
 *
 * <p>{@link dev.dualkey.storage.crypto.SealedLayout} documents the byte layout; {@link
 * dev.dualkey.storage.crypto.Sealer} writes it as bytes stream in, {@link dev.dualkey.storage.crypto.SealedReader}
 * reads ranges of it. The master key lives in the {@code mfa} module (storage cannot depend on it): the gateway
 * wiring hands a {@link dev.dualkey.storage.crypto.KeyWrapper} down to the store.
 *
 * <p>The GCM tags double as the integrity check of every stored body (bit rot, issue 17): a flipped byte fails its
 * chunk's tag and the read with {@link dev.dualkey.storage.error.DataCorruptionException}.
 */
package dev.dualkey.storage.crypto;
