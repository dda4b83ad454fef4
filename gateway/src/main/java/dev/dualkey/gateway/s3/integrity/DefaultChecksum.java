package dev.dualkey.gateway.s3.integrity;

import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.Map;
import java.util.Set;

/**
 * S3's default checksum (since December 2024): an object uploaded without a checksum gets a full-object CRC64NVME,
 * computed by the server as the bytes arrive, stored with the version and answered like one the client sent
 * ({@code x-amz-checksum-crc64nvme} on the PutObject response, and on GET/HEAD with {@code x-amz-checksum-mode:
 * ENABLED}, with {@code x-amz-checksum-type: FULL_OBJECT}; GetObjectAttributes' Checksum). A CopyObject naming no
 * algorithm keeps the source's algorithm (recomputed over the bytes), and gets CRC64NVME when the source has none,
 * as S3's CopyObjectResult documents. Older clients (SDK v1, the aws CLI before 2025, curl) thereby get an
 * end-to-end checksum they can compare later; the bytes are hashed once more on the write path (CRC64NVME, eight
 * bytes per table step).
 */
public final class DefaultChecksum {
    /** The algorithm S3 adds when a request names none. */
    public static final ChecksumAlgorithm ALGORITHM = ChecksumAlgorithm.CRC64NVME;

    private DefaultChecksum() {
    }

    /** PutObject: the algorithms the request named, or CRC64NVME when it named none. */
    public static Set<ChecksumAlgorithm> forPut(Set<ChecksumAlgorithm> requested) {
        return requested.isEmpty() ? Set.of(ALGORITHM) : requested;
    }

    /** CopyObject: the algorithms the request named, else the source's, else CRC64NVME. */
    public static Set<ChecksumAlgorithm> forCopy(Set<ChecksumAlgorithm> requested,
                                                 Map<ChecksumAlgorithm, String> source) {
        if (!requested.isEmpty()) {
            return requested;
        }
        return source.isEmpty() ? Set.of(ALGORITHM) : source.keySet();
    }
}
