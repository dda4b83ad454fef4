package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.DataCorruptionException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SealedReader.Source#of}, the in-place read of a sealed value held in an array (a small GET's inline value):
 * the same plaintext as the copying path for every size, and every damage the copying path refuses refused too (the
 * chunks are decrypted where they lie, so the bounds and tags must still be checked).
 */
class SealedArraySourceTest {
    private static final int C = 1 << SealedLayout.CHUNK_SHIFT;
    private static final byte[] CONTEXT = SealedLayout.inlineContext("b", "k");

    private static SealedReader open(byte[] sealed, long size, long stored) {
        return SealedReader.open(SealedRangeReadTest.KEYS, CONTEXT, size, SealedReader.Source.of(sealed), stored,
                "test");
    }

    @Test
    void readsTheSamePlaintextAsTheCopyingPath() {
        for (int size : new int[] {0, 1, 4096, C - 1, C, C + 1, 2 * C + 77}) {
            byte[] plain = new byte[size];
            new Random(size).nextBytes(plain);
            byte[] sealed = Sealer.sealAll(SealedRangeReadTest.KEYS, CONTEXT, plain, 0, size);
            assertArrayEquals(plain, open(sealed, size, sealed.length).readAll(), "size " + size);
            assertArrayEquals(plain, SealedReader.open(SealedRangeReadTest.KEYS, CONTEXT, size, (dst, pos) -> {
                int n = (int) Math.min(dst.remaining(), sealed.length - pos);
                dst.put(sealed, (int) pos, n);
                return n;
            }, sealed.length, "test").readAll(), "size " + size + " (copying)");
        }
    }

    @Test
    void aFlippedBitAnywhereFails() {
        int size = 4096;
        byte[] sealed = Sealer.sealAll(SealedRangeReadTest.KEYS, CONTEXT, new byte[size], 0, size);
        for (int at : new int[] {0, 5, 9, 20, 40, SealedLayout.HEADER_BYTES, SealedLayout.HEADER_BYTES + 4000,
                sealed.length - 1}) {
            byte[] damaged = sealed.clone(); // (bytes 12..16, the KEK fingerprint, fail as an unknown key)
            damaged[at] ^= 1;
            assertThrows(DataCorruptionException.class, () -> open(damaged, size, damaged.length).readAll(),
                    "byte " + at);
        }
    }

    @Test
    void anotherContextOrATruncatedValueFails() {
        int size = 4096;
        byte[] sealed = Sealer.sealAll(SealedRangeReadTest.KEYS, CONTEXT, new byte[size], 0, size);
        assertThrows(DataCorruptionException.class, () -> SealedReader.open(SealedRangeReadTest.KEYS,
                SealedLayout.inlineContext("b", "other"), size, SealedReader.Source.of(sealed), sealed.length, "test")
                .readAll());
        byte[] cut = Arrays.copyOf(sealed, sealed.length - 1);
        assertThrows(DataCorruptionException.class, () -> open(cut, size, cut.length).readAll());
        // a stored length that disagrees with the array: the length check refuses it before any chunk is read
        assertThrows(DataCorruptionException.class, () -> open(cut, size, sealed.length).readAll());
        assertThrows(DataCorruptionException.class, () -> open(sealed, size - 1, sealed.length).readAll());
    }
}
