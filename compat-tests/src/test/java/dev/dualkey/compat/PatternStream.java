package dev.dualkey.compat;

import java.io.InputStream;
import java.util.Random;

/**
 * {@code size} deterministic bytes made from one random 1 MiB block whose first 8 bytes are replaced by the
 * block index, so no two MiB are equal; cheap enough to generate twice.
 */
public final class PatternStream extends InputStream {
    private static final int BLOCK = 1 << 20;
    private static final byte[] PATTERN = new byte[BLOCK];

    static {
        new Random(1234).nextBytes(PATTERN);
    }

    private final long size;
    private long position;

    public PatternStream(long size) {
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (position >= size) {
            return -1;
        }
        int inBlock = (int) (position % BLOCK);
        int n = (int) Math.min(Math.min(len, BLOCK - inBlock), size - position);
        System.arraycopy(PATTERN, inBlock, b, off, n);
        long block = position / BLOCK;
        for (int i = inBlock; i < 8 && i < inBlock + n; i++) {
            b[off + i - inBlock] = (byte) (block >>> (8 * i));
        }
        position += n;
        return n;
    }
}
