package dev.dualkey.storage.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.DataCorruptionException;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * {@link SealedLayout#encrypt} hands the cipher a chunk in {@link SealedLayout#ENCRYPT_SLICE} slices (so the JIT
 * reaches the AES-GCM intrinsics sooner): the stored bytes must stay exactly what one AES-GCM call over the whole
 * chunk gives, since chunks sealed before the change are read by the same {@link SealedLayout#decrypt}.
 */
class SealedLayoutEncryptTest {
    private static final SecretKey KEY = key();

    private static SecretKey key() {
        byte[] k = new byte[32];
        new Random(5).nextBytes(k);
        return new SecretKeySpec(k, "AES");
    }

    @Test
    void aSlicedChunkIsTheSameCiphertextAndTagAsOneCallAndDecrypts() throws Exception {
        int slice = SealedLayout.ENCRYPT_SLICE;
        byte[] context = SealedLayout.blobContext("0123456789abcdef0123456789abcdef.s1");
        for (int len : new int[] {0, 1, 15, slice - 1, slice, slice + 1, 3 * slice + 7, 65_535, 65_536}) {
            byte[] body = new byte[len + 11];
            new Random(len).nextBytes(body);
            long index = len % 3;
            boolean last = len % 2 == 0;
            byte[] out = new byte[len + SealedLayout.TAG_BYTES + 5];
            int n = SealedLayout.encrypt(KEY, 0x5eed, context, index, last, body, 11, len, out, 5);
            assertEquals(len + SealedLayout.TAG_BYTES, n, "length " + len);

            Cipher once = Cipher.getInstance("AES/GCM/NoPadding");
            once.init(Cipher.ENCRYPT_MODE, KEY, new GCMParameterSpec(SealedLayout.TAG_BYTES * 8,
                    SealedLayout.nonce(0x5eed, index)));
            once.updateAAD(SealedLayout.chunkAad(context, index, last));
            byte[] reference = once.doFinal(body, 11, len);
            assertArrayEquals(reference, Arrays.copyOfRange(out, 5, 5 + n), "length " + len);

            byte[] plain = new byte[Math.max(len, 1)];
            assertEquals(len, SealedLayout.decrypt(KEY, 0x5eed, context, index, last, out, 5, n, plain));
            assertArrayEquals(Arrays.copyOfRange(body, 11, 11 + len), Arrays.copyOf(plain, len));
            if (len > slice) { // a flipped bit in a later slice still fails the chunk's tag
                out[5 + slice + 1] ^= 1;
                assertThrows(DataCorruptionException.class,
                        () -> SealedLayout.decrypt(KEY, 0x5eed, context, index, last, out, 5, n, plain));
            }
        }
    }
}
