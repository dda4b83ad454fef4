package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.error.DataCorruptionException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DataSegment.PlainChunks#read(ByteBuffer)}, the allocation-free path of encrypted GETs: every range shape
 * (inside one chunk, across boundaries, whole chunks, the short last chunk) into destinations smaller than, equal to
 * and larger than a chunk, direct and heap, mixed with {@code next()}; the bytes must equal the plaintext's.
 */
class SealedRangeReadTest {
    private static final int C = 1 << SealedLayout.CHUNK_SHIFT;
    static final KeyWrapper KEYS = MasterKeyWrapper.fromMasterKey(new byte[32]);
    static final byte[] CONTEXT = SealedLayout.blobContext("test.s1");

    /** A reader over {@code sealed} in memory (shared with {@link SealerKnownLengthTest}). */
    static SealedReader reader(byte[] sealed, long size) {
        return SealedReader.open(KEYS, CONTEXT, size, (dst, pos) -> {
            if (pos >= sealed.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), sealed.length - pos);
            dst.put(sealed, (int) pos, n);
            return n;
        }, sealed.length, "test");
    }

    private static byte[] drain(DataSegment.PlainChunks chunks, int dstSize, boolean direct, boolean mixNext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int turn = 0;
        while (true) {
            if (mixNext && turn++ % 3 == 2) {
                ByteBuffer b = chunks.next();
                if (b == null) {
                    break;
                }
                byte[] a = new byte[b.remaining()];
                b.get(a);
                out.writeBytes(a);
                continue;
            }
            ByteBuffer dst = direct ? ByteBuffer.allocateDirect(dstSize) : ByteBuffer.allocate(dstSize);
            int n = chunks.read(dst);
            if (n < 0) {
                break;
            }
            assertEquals(n, dst.position());
            dst.flip();
            byte[] a = new byte[n];
            dst.get(a);
            out.writeBytes(a);
        }
        assertEquals(-1, chunks.read(ByteBuffer.allocate(16)));
        return out.toByteArray();
    }

    @Test
    void everyRangeShapeIntoEveryDestinationSize() {
        int size = 3 * C + 1234;
        byte[] plain = new byte[size];
        new Random(7).nextBytes(plain);
        byte[] sealed = Sealer.sealAll(KEYS, CONTEXT, plain, 0, size);
        long[][] ranges = {{0, size}, {0, C}, {C, C}, {1, C}, {C - 1, 2}, {5, 10}, {C + 17, 2 * C}, {3 * C, 1234},
                {3 * C + 1000, 234}, {0, 1}, {size - 1, 1}};
        int[] dstSizes = {1, 100, C - 1, C, C + 1, 4 * C, 5 * C};
        for (long[] r : ranges) {
            byte[] want = Arrays.copyOfRange(plain, (int) r[0], (int) (r[0] + r[1]));
            for (int d : dstSizes) {
                for (boolean direct : new boolean[] {true, false}) {
                    for (boolean mix : new boolean[] {false, true}) {
                        byte[] got = drain(reader(sealed, size).range(r[0], r[1]), d, direct, mix);
                        assertArrayEquals(want, got, "range " + Arrays.toString(r) + " dst " + d + " direct "
                                + direct + " mixed " + mix);
                    }
                }
            }
        }
    }

    @Test
    void aDamagedChunkFailsTheReadThatReachesIt() {
        int size = 3 * C;
        byte[] plain = new byte[size];
        byte[] sealed = Sealer.sealAll(KEYS, CONTEXT, plain, 0, size);
        sealed[SealedLayout.HEADER_BYTES + 2 * (C + SealedLayout.TAG_BYTES) + 5] ^= 1; // in chunk 2
        DataSegment.PlainChunks chunks = reader(sealed, size).range(0, size);
        ByteBuffer dst = ByteBuffer.allocateDirect(4 * C);
        assertEquals(2 * C, chunks.read(dst), "chunks 0 and 1 are sound and returned before the damage");
        assertThrows(DataCorruptionException.class, () -> chunks.read(ByteBuffer.allocateDirect(C)));
        assertThrows(DataCorruptionException.class, () -> chunks.read(ByteBuffer.allocateDirect(C)));
    }
}
