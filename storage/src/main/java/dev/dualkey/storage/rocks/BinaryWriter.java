package dev.dualkey.storage.rocks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
 * Not thread-safe; one writer per record. It appends to a plain growable array (not a synchronized
 * {@code ByteArrayOutputStream}, whose per-byte locking showed in put profiles).
 */
public final class BinaryWriter {
    private byte[] buf = new byte[64];
    private int size;

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
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    public BinaryWriter writeBoolean(boolean b) {
        return writeByte(b ? 1 : 0);
    }

    public BinaryWriter writeInt(int v) {
        ensure(4);
        buf[size] = (byte) (v >>> 24);
        buf[size + 1] = (byte) (v >>> 16);
        buf[size + 2] = (byte) (v >>> 8);
        buf[size + 3] = (byte) v;
        size += 4;
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
        return writeRaw(bytes);
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
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
