package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.DataCorruptionException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Sealer#streaming(KeyWrapper, byte[], long)}, which encrypts each piece straight from the caller's bytes
 * (issue 19): whatever the pieces' sizes and kinds (arrays, heap and direct buffers), the file is exactly the
 * {@link SealedLayout} and reads back through {@link SealedReader} (which checks every chunk's index and final flag);
 * a body shorter or longer than its declaration is refused at finish, never sealed as if complete.
 */
class SealerKnownLengthTest {
    private static final int C = 1 << SealedLayout.CHUNK_SHIFT;
    /** The keys and context {@link SealedRangeReadTest#reader} opens with. */
    private static final KeyWrapper KEYS = SealedRangeReadTest.KEYS;
    private static final byte[] CONTEXT = SealedRangeReadTest.CONTEXT;

    private static byte[] seal(byte[] plain, Random pieces) {
        Sealer s = Sealer.streaming(KEYS, CONTEXT, plain.length);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(s.header());
        java.util.function.Consumer<ByteBuffer> out = b -> {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            file.writeBytes(a);
        };
        int pos = 0;
        int turn = 0;
        while (pos < plain.length) {
            int n = Math.min(plain.length - pos, 1 + pieces.nextInt(pieces.nextBoolean() ? 100 : C + 5000));
            switch (turn++ % 3) {
                case 0 -> s.write(plain, pos, n, out);
                case 1 -> s.write(ByteBuffer.wrap(plain, pos, n), out);
                default -> s.write(ByteBuffer.allocateDirect(n).put(plain, pos, n).flip(), out);
            }
            pos += n;
        }
        s.finish(out);
        return file.toByteArray();
    }

    private static byte[] open(byte[] sealed, long size) {
        return SealedRangeReadTest.reader(sealed, size).readAll();
    }

    @Test
    void everyLengthAndPieceShapeSealsTheLayoutAndReadsBack() {
        Random random = new Random(19);
        for (int size : new int[] {0, 1, 15, 16, C - 1, C, C + 1, 2 * C, 3 * C + 1234}) {
            byte[] plain = new byte[size];
            random.nextBytes(plain);
            byte[] sealed = seal(plain, random);
            assertEquals(SealedLayout.sealedLength(size, SealedLayout.CHUNK_SHIFT), sealed.length, "size " + size);
            assertArrayEquals(plain, open(sealed, size), "size " + size);
        }
    }

    @Test
    void aFlippedBitOrAWrongSizeFailsItsChunk() {
        byte[] plain = new byte[2 * C + 7];
        new Random(3).nextBytes(plain);
        byte[] sealed = seal(plain, new Random(4));
        byte[] flipped = sealed.clone();
        flipped[SealedLayout.HEADER_BYTES + C + 40] ^= 1;
        assertThrows(DataCorruptionException.class, () -> open(flipped, plain.length));
        // the final flag is bound: a reader told the body ends after chunk 1 fails there
        byte[] cut = java.util.Arrays.copyOf(sealed, (int) SealedLayout.sealedLength(2 * C, SealedLayout.CHUNK_SHIFT));
        assertThrows(DataCorruptionException.class, () -> open(cut, 2 * C));
    }

    @Test
    void aBodyShorterOrLongerThanDeclaredIsRefusedAtFinish() {
        java.util.function.Consumer<ByteBuffer> out = b -> b.position(b.limit());
        Sealer shortBody = Sealer.streaming(KEYS, CONTEXT, C + 10);
        shortBody.write(new byte[C], 0, C, out);
        assertThrows(IllegalStateException.class, () -> shortBody.finish(out));

        Sealer longBody = Sealer.streaming(KEYS, CONTEXT, 10);
        longBody.write(new byte[11], 0, 11, out);
        assertThrows(IllegalStateException.class, () -> longBody.finish(out));

        assertThrows(IllegalArgumentException.class, () -> Sealer.streaming(KEYS, CONTEXT, -1));
    }
}
