package dev.dualkey.storage.checksum;

import java.util.zip.Checksum;

/**
 * CRC-64/NVME as S3 uses it ({@code x-amz-checksum-crc64nvme}): reflected polynomial 0x9A6C9329AC4BC9B5, initial
 * value and final XOR all ones. Check value of "123456789" is 0xAE8B14860A799888. Table-driven; arrays are taken
 * eight bytes per step ("slicing-by-8": eight 256-entry tables, {@code T[k][i]} the CRC of byte {@code i} followed by
 * {@code k} zero bytes), several times faster than one byte per step, which matters since every PutObject naming no
 * algorithm is checksummed with it (S3's default CRC64NVME).
 */
public final class Crc64Nvme implements Checksum {
    private static final long POLY_REFLECTED = 0x9A6C9329AC4BC9B5L;
    private static final long[] TABLE = new long[256];
    private static final long[][] SLICES = new long[8][];
    private static final java.lang.invoke.VarHandle LONG_LE = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY_REFLECTED : crc >>> 1;
            }
            TABLE[i] = crc;
        }
        SLICES[0] = TABLE;
        for (int k = 1; k < 8; k++) {
            SLICES[k] = new long[256];
            for (int i = 0; i < 256; i++) {
                long prev = SLICES[k - 1][i];
                SLICES[k][i] = (prev >>> 8) ^ TABLE[(int) (prev & 0xff)];
            }
        }
    }

    private long crc = -1L;

    @Override
    public void update(int b) {
        crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        long c = crc;
        int i = off;
        int end = off + len;
        long[] t0 = SLICES[0], t1 = SLICES[1], t2 = SLICES[2], t3 = SLICES[3];
        long[] t4 = SLICES[4], t5 = SLICES[5], t6 = SLICES[6], t7 = SLICES[7];
        for (; i + 8 <= end; i += 8) {
            c ^= (long) LONG_LE.get(b, i);
            c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)]
                    ^ t4[(int) ((c >>> 24) & 0xff)] ^ t3[(int) ((c >>> 32) & 0xff)]
                    ^ t2[(int) ((c >>> 40) & 0xff)] ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
        }
        for (; i < end; i++) {
            c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        }
        crc = c;
    }

    @Override
    public long getValue() {
        return ~crc;
    }

    @Override
    public void reset() {
        crc = -1L;
    }
}
