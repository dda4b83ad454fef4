package dev.dualkey.storage.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a CompleteMultipartUpload request.
 *
 * @param partNumber part number as sent
 * @param etag       ETag as sent, quotes optional (compared without quotes)
 * @param checksums  part checksums as sent ({@code <ChecksumCRC32>} ...), base64; each must equal the stored
 *                   part's (else InvalidPart)
 */
public record CompletedPart(int partNumber, String etag, Map<ChecksumAlgorithm, String> checksums) {
    public CompletedPart {
        Objects.requireNonNull(etag, "etag");
        Map<ChecksumAlgorithm, String> copy = new EnumMap<>(ChecksumAlgorithm.class);
        if (checksums != null) {
            copy.putAll(checksums);
        }
        checksums = Map.copyOf(copy);
    }

    /** An entry without part checksums. */
    public CompletedPart(int partNumber, String etag) {
        this(partNumber, etag, Map.of());
    }

    /** The ETag without surrounding double quotes. */
    public String unquotedEtag() {
        String e = etag.trim();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            return e.substring(1, e.length() - 1);
        }
        return e;
    }
}
