package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.DataCorruptionException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Sealer#whole(KeyWrapper, byte[], int)}, which seals an inline body piece by piece into the stored value as
 * it arrives (issue 19): wherever the pieces split the body (every split point of a small body, every boundary
 * around AES blocks and chunks of a multi-chunk one), the value is exactly the {@link SealedLayout} that
 * {@link Sealer#sealAll} builds, reads back through {@link SealedReader} (index and final flag checked per chunk),
 * and a body shorter or longer than declared is refused at finish, its value never handed out.
 */
class SealerWholeTest {
    private static final int C = 1 << SealedLayout.CHUNK_SHIFT;
    private static final KeyWrapper KEYS = SealedRangeReadTest.KEYS;
    private static final byte[] CONTEXT = SealedRangeReadTest.CONTEXT;

    /** Seals {@code plain} in pieces ending at each of {@code cuts} (ascending), the kinds of piece alternating. */
    private static byte[] seal(byte[] plain, int... cuts) {
        Sealer s = Sealer.whole(KEYS, CONTEXT, plain.length);
        int pos = 0;
        int turn = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int end = i < cuts.length ? cuts[i] : plain.length;
            int n = end - pos;
            switch (turn++ % 3) {
                case 0 -> s.write(plain, pos, n, null);
                case 1 -> s.write(ByteBuffer.wrap(plain, pos, n), null);
                default -> s.write(ByteBuffer.allocateDirect(n).put(plain, pos, n).flip(), null);
            }
            pos = end;
        }
        s.finish(null);
        return s.sealed();
    }

    private static byte[] open(byte[] sealed, long size) {
        return SealedRangeReadTest.reader(sealed, size).readAll();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void everySplitOfASmallBodySealsTheLayoutAndReadsBack() {
        byte[] plain = random(100, 1);
        for (int cut = 0; cut <= plain.length; cut++) {
            byte[] sealed = seal(plain, cut);
            assertEquals(SealedLayout.sealedLength(plain.length, SealedLayout.CHUNK_SHIFT), sealed.length);
            assertArrayEquals(plain, open(sealed, plain.length), "cut at " + cut);
        }
        for (int a = 0; a <= 40; a++) { // three pieces: every pair of cuts of a 40-byte body
            for (int b = a; b <= 40; b++) {
                byte[] p = java.util.Arrays.copyOf(plain, 40);
                assertArrayEquals(p, open(seal(p, a, b), 40), "cuts " + a + ", " + b);
            }
        }
    }

    @Test
    void cutsAroundBlocksAndChunksOfMultiChunkBodiesSealTheLayout() {
        for (int size : new int[] {1, 16, C - 1, C, C + 1, 2 * C + 4321}) {
            byte[] plain = random(size, size);
            for (int cut : new int[] {1, 15, 16, 17, 8191, 8192, 8193, C - 1, C, C + 1, 2 * C - 16, 2 * C}) {
                if (cut >= size) {
                    continue;
                }
                byte[] sealed = seal(plain, cut);
                assertEquals(SealedLayout.sealedLength(size, SealedLayout.CHUNK_SHIFT), sealed.length);
                assertArrayEquals(plain, open(sealed, size), "size " + size + " cut " + cut);
            }
            assertArrayEquals(plain, open(seal(plain), size), "size " + size + " in one piece");
        }
    }

    @Test
    void theValueHasSealAllsLayoutHeaderAndTagsAndAFlippedBitFails() {
        byte[] plain = random(C + 7, 5);
        byte[] whole = seal(plain, 3000);
        byte[] all = Sealer.sealAll(KEYS, CONTEXT, plain, 0, plain.length);
        assertEquals(all.length, whole.length);
        // the same magic, version and shift (bytes 0..8); the nonce prefix and wrapped key are fresh per value
        assertArrayEquals(java.util.Arrays.copyOf(all, 8), java.util.Arrays.copyOf(whole, 8));
        assertArrayEquals(plain, open(all, plain.length));
        byte[] flipped = whole.clone();
        flipped[SealedLayout.HEADER_BYTES + C + SealedLayout.TAG_BYTES + 3] ^= 1; // the second chunk's data
        assertThrows(DataCorruptionException.class, () -> open(flipped, plain.length));
        byte[] tag = whole.clone();
        tag[SealedLayout.HEADER_BYTES + C + 2] ^= (byte) 0x80; // inside the first chunk's tag
        assertThrows(DataCorruptionException.class, () -> open(tag, plain.length));
    }

    @Test
    void sealersAliveAtOnceKeepTheirOwnCipherStateWhileFinishedOnesAreReused() {
        // finished sealers give their cipher to the next; two open sealers, fed in turns, must never share one
        for (int round = 0; round < 100; round++) {
            byte[] a = random(C + 100 + round, round);
            byte[] b = random(5000 + round, -round);
            Sealer sa = Sealer.whole(KEYS, CONTEXT, a.length);
            Sealer sb = Sealer.whole(KEYS, CONTEXT, b.length);
            sa.write(a, 0, 3000, null);
            sb.write(b, 0, 2000, null);
            sa.write(a, 3000, a.length - 3000, null);
            sb.write(b, 2000, b.length - 2000, null);
            sa.finish(null);
            sb.finish(null);
            assertArrayEquals(a, open(sa.sealed(), a.length), "round " + round);
            assertArrayEquals(b, open(sb.sealed(), b.length), "round " + round);
        }
    }

    @Test
    void aBodyShorterOrLongerThanDeclaredIsRefusedAndItsValueNeverHandedOut() {
        Sealer shortBody = Sealer.whole(KEYS, CONTEXT, C + 10);
        shortBody.write(new byte[C], 0, C, null);
        assertThrows(IllegalStateException.class, shortBody::sealed);
        assertThrows(IllegalStateException.class, () -> shortBody.finish(null));
        assertThrows(IllegalStateException.class, shortBody::sealed);

        Sealer longBody = Sealer.whole(KEYS, CONTEXT, 10);
        longBody.write(new byte[11], 0, 11, null);
        assertThrows(IllegalStateException.class, () -> longBody.finish(null));
        assertThrows(IllegalStateException.class, longBody::sealed);

        assertThrows(IllegalArgumentException.class, () -> Sealer.whole(KEYS, CONTEXT, -1));
        assertThrows(IllegalStateException.class, () -> Sealer.streaming(KEYS, CONTEXT, 5).sealed());
    }
}
