package dev.dualkey.storage.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ChecksumType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CrcCombineTest {
    private static String of(ChecksumAlgorithm a, byte[] data, int from, int to) {
        BodyDigests d = new BodyDigests(false, Set.of(a));
        d.update(ByteBuffer.wrap(data, from, to - from));
        return d.checksumBase64(a);
    }

    @ParameterizedTest
    @EnumSource(value = ChecksumAlgorithm.class, names = {"CRC32", "CRC32C", "CRC64NVME"})
    void fullObjectChecksumOfPartsEqualsTheChecksumOfAllBytes(ChecksumAlgorithm a) {
        byte[] data = new byte[300_001];
        new Random(7).nextBytes(data);
        int[] cuts = {0, 1, 65_536, 65_537, 200_000, 300_001};
        List<MultipartChecksums.Part> parts = new ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            parts.add(new MultipartChecksums.Part(cuts[i + 1] - cuts[i], of(a, data, cuts[i], cuts[i + 1])));
        }
        assertEquals(of(a, data, 0, data.length),
                MultipartChecksums.objectChecksum(a, ChecksumType.FULL_OBJECT, parts));
    }

    @Test
    void compositeIsTheChecksumOfTheRawPartChecksumsWithPartCount() {
        byte[] p1 = "hello ".getBytes();
        byte[] p2 = "world".getBytes();
        ChecksumAlgorithm a = ChecksumAlgorithm.SHA256;
        String c1 = of(a, p1, 0, p1.length);
        String c2 = of(a, p2, 0, p2.length);
        byte[] raw = new byte[64];
        System.arraycopy(Base64.getDecoder().decode(c1), 0, raw, 0, 32);
        System.arraycopy(Base64.getDecoder().decode(c2), 0, raw, 32, 32);
        assertEquals(of(a, raw, 0, 64) + "-2", MultipartChecksums.objectChecksum(a, ChecksumType.COMPOSITE,
                List.of(new MultipartChecksums.Part(6, c1), new MultipartChecksums.Part(5, c2))));
        assertNull(MultipartChecksums.objectChecksum(a, ChecksumType.COMPOSITE,
                List.of(new MultipartChecksums.Part(6, c1), new MultipartChecksums.Part(5, null))));
    }

    @Test
    void shaDigestsCannotBeCombined() {
        assertThrows(IllegalArgumentException.class, () -> CrcCombine.combine(ChecksumAlgorithm.SHA1, 1, 2, 3));
        assertEquals(5L, CrcCombine.combine(ChecksumAlgorithm.CRC32, 5, 9, 0), "an empty second part changes nothing");
    }

    @Test
    void partLayoutRoundTrips() {
        var parts = List.of(new MultipartChecksums.Part(5 << 20, "AAAAAA=="), new MultipartChecksums.Part(3, null));
        String s = MultipartChecksums.encodeParts(parts);
        assertEquals("5242880:AAAAAA==;3", s);
        assertEquals(Arrays.asList(s.split(";")).size(), 2);
    }
}
