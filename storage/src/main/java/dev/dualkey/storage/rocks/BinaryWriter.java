package dev.dualkey.storage.rocks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Appends fields to a compact binary record. Layout of each field:
 * <pre>
 *   byte / boolean      1 byte (boolean: 0 or 1)
 *   int                 4 bytes big-endian
 *   long                8 bytes big-endian
 *   bytes               int length, then the bytes; length -1 means null
 *   string              bytes of its UTF-8 form (so also nullable)
 *   instant             long epoch second, int nano
 *   string map          int count (-1 = null), then count x (string key, string value), insertion order kept
 * </pre>
 * Not thread-safe; one writer per record.
 */
public final class BinaryWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

    private BinaryWriter() {
    }

    /** A writer without a version byte (e.g. for composite keys built from fixed-width fields). */
    public static BinaryWriter plain() {
        return new BinaryWriter();
    }

    /** A writer whose first byte is the record layout {@code version} (0..255). */
    public static BinaryWriter withVersion(int version) {
        BinaryWriter w = new BinaryWriter();
        w.writeByte(version);
        return w;
    }

    public BinaryWriter writeByte(int b) {
        out.write(b);
        return this;
    }

    public BinaryWriter writeBoolean(boolean b) {
        out.write(b ? 1 : 0);
        return this;
    }

    public BinaryWriter writeInt(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public BinaryWriter writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
        return this;
    }

    /** Length-prefixed bytes; {@code null} is written as length -1. */
    public BinaryWriter writeBytes(byte[] bytes) {
        if (bytes == null) {
            return writeInt(-1);
        }
        writeInt(bytes.length);
        out.write(bytes, 0, bytes.length);
        return this;
    }

    /** Length-prefixed UTF-8; {@code null} is written as length -1. */
    public BinaryWriter writeString(String s) {
        return writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** Epoch second + nano; {@code null} is not allowed (use a boolean flag first if optional). */
    public BinaryWriter writeInstant(Instant t) {
        writeLong(t.getEpochSecond());
        return writeInt(t.getNano());
    }

    /** A string-to-string map in iteration order; {@code null} is written as count -1. */
    public BinaryWriter writeStringMap(Map<String, String> map) {
        if (map == null) {
            return writeInt(-1);
        }
        writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(e.getKey());
            writeString(e.getValue());
        }
        return this;
    }

    /** Raw bytes without a length prefix (only for fixed-width or self-delimiting content). */
    public BinaryWriter writeRaw(byte[] bytes) {
        out.write(bytes, 0, bytes.length);
        return this;
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
