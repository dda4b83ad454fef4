package dev.dualkey.storage.rocks;

import dev.dualkey.storage.error.StorageIoException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads fields written by {@link BinaryWriter}, in the same order. Any truncation or impossible length raises
 * {@link StorageIoException} (a corrupt record), never an index exception.
 */
public final class BinaryReader {
    private final byte[] buf;
    private int pos;
    private final int version;

    private BinaryReader(byte[] buf, boolean versioned) {
        this.buf = buf;
        this.version = versioned ? readByte() : -1;
    }

    /** Reader over a record without a version byte. */
    public static BinaryReader plain(byte[] bytes) {
        return new BinaryReader(bytes, false);
    }

    /** Reader over a record written by {@link BinaryWriter#withVersion}; consumes the version byte. */
    public static BinaryReader versioned(byte[] bytes) {
        return new BinaryReader(bytes, true);
    }

    /** The layout version byte (0..255), or -1 for a plain reader. */
    public int version() {
        return version;
    }

    /** True when unread bytes remain: lets newer fields be appended to old layouts. */
    public boolean hasRemaining() {
        return pos < buf.length;
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xff;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new StorageIoException("corrupt record: boolean byte " + b);
        }
        return b == 1;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xffffffffL;
        long lo = readInt() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    /**
     * A length prefix: -1 (written as null), or a length whose bytes the record holds; any other negative length
     * is a corrupt record.
     */
    private int readLength() {
        int len = readInt();
        if (len < -1) {
            throw new StorageIoException("corrupt record: negative length " + len);
        }
        if (len >= 0) {
            need(len);
        }
        return len;
    }

    /** Length-prefixed bytes, or null when written as null. */
    public byte[] readBytes() {
        int len = readLength();
        if (len == -1) {
            return null;
        }
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    /**
     * Length-prefixed UTF-8 string, or null when written as null. Decoded straight from the record's bytes, without
     * the copy {@link #readBytes} makes (issue 19: a listing page decodes several strings per entry).
     */
    public String readString() {
        int len = readLength();
        if (len == -1) {
            return null;
        }
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    public Instant readInstant() {
        long sec = readLong();
        int nano = readInt();
        if (nano < 0 || nano > 999_999_999) {
            throw new StorageIoException("corrupt record: nano " + nano);
        }
        return Instant.ofEpochSecond(sec, nano);
    }

    /** A map written by {@link BinaryWriter#writeStringMap}, insertion order kept; null when written as null. */
    public Map<String, String> readStringMap() {
        int n = readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > buf.length - pos) {
            throw new StorageIoException("corrupt record: map size " + n);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(readString(), readString());
        }
        return m;
    }

    /** Exactly {@code n} raw bytes. */
    public byte[] readRaw(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    private void need(int n) {
        if (n > buf.length - pos) {
            throw new StorageIoException("corrupt record: needs " + n + " bytes at offset " + pos + " of "
                    + buf.length);
        }
    }
}
