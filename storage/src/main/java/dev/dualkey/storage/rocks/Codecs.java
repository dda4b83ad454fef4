package dev.dualkey.storage.rocks;

import dev.dualkey.storage.error.StorageIoException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Ready-made codecs and a factory for versioned record codecs. */
public final class Codecs {
    private Codecs() {
    }

    /**
     * UTF-8 string, no terminator. Fine as a whole key or a value; as a key it sorts in UTF-8 byte order, which is
     * also Unicode code point order. Do not concatenate it with other fields in a composite key: use
     * {@link BinaryWriter#writeString} or an escaped form there.
     */
    public static final Codec<String> UTF8 = new Codec<>() {
        @Override
        public byte[] encode(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    };

    /**
     * 8-byte big-endian two's complement long. Non-negative values sort numerically; negative values sort after
     * all non-negative ones (keys should be ids, counters or epoch values, which are non-negative).
     */
    public static final Codec<Long> LONG = new Codec<>() {
        @Override
        public byte[] encode(Long value) {
            byte[] out = new byte[8];
            long v = value;
            for (int i = 7; i >= 0; i--) {
                out[i] = (byte) v;
                v >>>= 8;
            }
            return out;
        }

        @Override
        public Long decode(byte[] bytes) {
            if (bytes.length != 8) {
                throw new StorageIoException("corrupt long: " + bytes.length + " bytes");
            }
            long v = 0;
            for (byte b : bytes) {
                v = (v << 8) | (b & 0xff);
            }
            return v;
        }
    };

    /** Raw bytes, copied on neither side (callers must not mutate arrays they pass in or get back). */
    public static final Codec<byte[]> BYTES = new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
            return value;
        }

        @Override
        public byte[] decode(byte[] bytes) {
            return bytes;
        }
    };

    /**
     * Builds a record codec: the value is written as {@code [version byte][fields...]} by {@code writer} and read
     * back by {@code reader}, which gets a {@link BinaryReader} positioned after the version byte
     * ({@link BinaryReader#version()} tells which layout was written). To evolve a record, append fields and
     * read them only when {@link BinaryReader#hasRemaining()} or when the version says so.
     *
     * @param version the layout version written now (0..255)
     */
    public static <T> Codec<T> record(int version, BiConsumer<BinaryWriter, T> writer,
                                      Function<BinaryReader, T> reader) {
        if (version < 0 || version > 255) {
            throw new IllegalArgumentException("version must fit in one byte: " + version);
        }
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                BinaryWriter w = BinaryWriter.withVersion(version);
                writer.accept(w, value);
                return w.toByteArray();
            }

            @Override
            public T decode(byte[] bytes) {
                BinaryReader r = BinaryReader.versioned(bytes);
                if (r.version() > version) {
                    throw new StorageIoException("record layout version " + r.version()
                            + " is newer than this software understands (" + version + ")");
                }
                return reader.apply(r);
            }
        };
    }
}
