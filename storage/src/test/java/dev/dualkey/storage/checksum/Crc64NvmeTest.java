package dev.dualkey.storage.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The eight-bytes-per-step CRC64NVME against its check value and a one-byte-per-step reference. */
class Crc64NvmeTest {
    private static long reference(byte[] b, int off, int len) {
        Crc64Nvme c = new Crc64Nvme();
        for (int i = off; i < off + len; i++) {
            c.update(b[i]); // update(int): one byte per step, the plain table
        }
        return c.getValue();
    }

    @Test
    void checkValue() {
        Crc64Nvme c = new Crc64Nvme();
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        c.update(b, 0, b.length);
        assertEquals(0xAE8B14860A799888L, c.getValue());
    }

    @Test
    void slicedUpdatesEqualTheByteWiseReferenceAtEveryOffsetLengthAndSplit() {
        Random r = new Random(64);
        byte[] data = new byte[4099];
        r.nextBytes(data);
        for (int off = 0; off < 9; off++) {
            for (int len : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4090}) {
                Crc64Nvme c = new Crc64Nvme();
                int split = len / 3;
                c.update(data, off, split); // two calls, so the state crosses an unaligned boundary
                c.update(data, off + split, len - split);
                assertEquals(reference(data, off, len), c.getValue(), "off " + off + " len " + len);
            }
        }
    }
}
