package dev.dualkey.storage.model;

import java.time.Instant;
import java.util.Map;

/**
 * One uploaded part.
 *
 * @param partNumber   1..10000
 * @param etag         MD5 hex of the part's bytes, without quotes
 * @param size         bytes
 * @param lastModified upload time
 * @param checksums    flexible checksums of the part, base64
 */
public record PartInfo(int partNumber, String etag, long size, Instant lastModified,
                       Map<ChecksumAlgorithm, String> checksums) {
    public PartInfo {
        checksums = Map.copyOf(checksums);
    }
}
