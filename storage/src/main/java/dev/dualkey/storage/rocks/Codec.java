package dev.dualkey.storage.rocks;

/**
 * Converts a typed value to and from the bytes stored in RocksDB. For keys the encoding defines the scan order
 * (RocksDB compares keys as unsigned bytes), so key codecs must be order-preserving where ranges matter:
 * big-endian fixed-width numbers, escaped or length-prefixed strings.
 *
 * <p>Record values should use {@link BinaryWriter}/{@link BinaryReader} with a leading version byte so fields
 * can be appended later; see {@link Codecs#record}.
 *
 * @param <T> the value type
 */
public interface Codec<T> {
    /** Encodes {@code value}; never returns null. The returned array is owned by the caller. */
    byte[] encode(T value);

    /** Decodes bytes produced by {@link #encode}; throws {@code StorageIoException} when they are corrupt. */
    T decode(byte[] bytes);
}
