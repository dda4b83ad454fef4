package dev.dualkey.storage.rocks;

import java.util.Arrays;

/** Byte-range helpers for bounded scans. */
public final class Bounds {
    private Bounds() {
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}: drop trailing 0xff bytes, then
     * increment the last byte. Returns null (no upper bound) when the prefix is empty or all 0xff.
     */
    public static byte[] prefixUpperBound(byte[] prefix) {
        int i = prefix.length - 1;
        while (i >= 0 && prefix[i] == (byte) 0xff) {
            i--;
        }
        if (i < 0) {
            return null;
        }
        byte[] upper = Arrays.copyOf(prefix, i + 1);
        upper[i]++;
        return upper;
    }

    /** Concatenates byte arrays. */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
