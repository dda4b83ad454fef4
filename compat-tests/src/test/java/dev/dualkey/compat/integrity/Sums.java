package dev.dualkey.compat.integrity;

import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.util.Set;

/** Checksums computed on the test's side, base64 as S3 sends them. */
final class Sums {
    private Sums() {
    }

    static String of(ChecksumAlgorithm a, byte[]... parts) {
        BodyDigests d = new BodyDigests(false, Set.of(a));
        for (byte[] p : parts) {
            d.update(ByteBuffer.wrap(p));
        }
        return d.checksumBase64(a);
    }

    /** S3's COMPOSITE value: the checksum of the concatenated raw part checksums, then {@code -N}. */
    static String composite(ChecksumAlgorithm a, byte[]... parts) {
        BodyDigests d = new BodyDigests(false, Set.of(a));
        for (byte[] p : parts) {
            d.update(ByteBuffer.wrap(java.util.Base64.getDecoder().decode(of(a, p))));
        }
        return d.checksumBase64(a) + "-" + parts.length;
    }
}
