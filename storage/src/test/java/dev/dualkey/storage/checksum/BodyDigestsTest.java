package dev.dualkey.storage.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class BodyDigestsTest {
    @Test
    void knownVectors() {
        BodyDigests d = new BodyDigests(true, EnumSet.allOf(ChecksumAlgorithm.class));
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        d.update(ByteBuffer.wrap(data, 0, 4));
        d.update(ByteBuffer.wrap(data, 4, 5));
        HexFormat hex = HexFormat.of();
        assertEquals(9, d.length());
        assertEquals("25f9e794323b453885f5181f1b624d0b", hex.formatHex(d.md5()));
        assertEquals("15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225", hex.formatHex(d.sha256()));
        assertEquals("cbf43926", hex.formatHex(d.checksumBytes(ChecksumAlgorithm.CRC32)));
        assertEquals("e3069283", hex.formatHex(d.checksumBytes(ChecksumAlgorithm.CRC32C)));
        assertEquals("ae8b14860a799888", hex.formatHex(d.checksumBytes(ChecksumAlgorithm.CRC64NVME)));
        assertEquals("f7c3bc1d808e04732adf679965ccc34ca7ae3441", hex.formatHex(d.checksumBytes(ChecksumAlgorithm.SHA1)));
        assertEquals("y/Q5Jg==", d.checksumBase64(ChecksumAlgorithm.CRC32));
    }

    @Test
    void aDigesterWithoutMd5GivesTheSameSha256AndChecksumsAndRefusesMd5() {
        byte[] data = new byte[70_000];
        new java.util.Random(3).nextBytes(data);
        BodyDigests full = new BodyDigests(true, EnumSet.of(ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC64NVME));
        BodyDigests side = new BodyDigests(false, true, EnumSet.of(ChecksumAlgorithm.CRC32,
                ChecksumAlgorithm.CRC64NVME));
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        full.update(ByteBuffer.wrap(data));
        side.update(direct);
        assertEquals(data.length, direct.remaining(), "update leaves the position");
        assertEquals(full.length(), side.length());
        assertArrayEquals(full.sha256(), side.sha256());
        assertEquals(full.checksumsBase64(), side.checksumsBase64());
        assertThrows(IllegalStateException.class, side::md5);
    }
}
