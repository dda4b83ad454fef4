package dev.dualkey.storage.model;

/**
 * How the checksum of a multipart object is derived from its parts ({@code x-amz-checksum-type}). Single-part
 * objects (PutObject, CopyObject) are always {@link #FULL_OBJECT}.
 */
public enum ChecksumType {
    /** A checksum of the concatenated raw part checksums, written {@code <base64>-<part count>}. */
    COMPOSITE,
    /** The checksum of the whole object's bytes; for multipart uploads the part CRCs are combined. */
    FULL_OBJECT;

    /**
     * S3's default for a multipart upload created with {@code algorithm} and no {@code x-amz-checksum-type}:
     * CRC64NVME only exists as FULL_OBJECT, the others default to COMPOSITE.
     */
    public static ChecksumType defaultFor(ChecksumAlgorithm algorithm) {
        return algorithm == ChecksumAlgorithm.CRC64NVME ? FULL_OBJECT : COMPOSITE;
    }

    /** Whether S3 allows this type with {@code algorithm} (FULL_OBJECT needs a CRC; COMPOSITE excludes CRC64NVME). */
    public boolean supports(ChecksumAlgorithm algorithm) {
        return this == FULL_OBJECT ? algorithm == ChecksumAlgorithm.CRC32 || algorithm == ChecksumAlgorithm.CRC32C
                || algorithm == ChecksumAlgorithm.CRC64NVME : algorithm != ChecksumAlgorithm.CRC64NVME;
    }

    /** Parses the wire value, case-sensitive as S3; null when unknown. */
    public static ChecksumType fromWire(String s) {
        for (ChecksumType t : values()) {
            if (t.name().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
