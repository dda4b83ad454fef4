package dev.dualkey.storage.model;

/** S3 flexible checksum algorithms ({@code x-amz-checksum-*}); values travel base64-encoded, big-endian. */
public enum ChecksumAlgorithm {
    CRC32("crc32", 4),
    CRC32C("crc32c", 4),
    SHA1("sha1", 20),
    SHA256("sha256", 32),
    CRC64NVME("crc64nvme", 8);

    private final String headerSuffix;
    private final int digestLength;

    ChecksumAlgorithm(String headerSuffix, int digestLength) {
        this.headerSuffix = headerSuffix;
        this.digestLength = digestLength;
    }

    /** The header name suffix: {@code x-amz-checksum-<suffix>}. */
    public String headerSuffix() {
        return headerSuffix;
    }

    /** Length of the raw digest in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /** Parses the S3 wire name ({@code CRC32}, {@code crc32c}, ...), case-insensitive. */
    public static ChecksumAlgorithm fromWireName(String name) {
        for (ChecksumAlgorithm a : values()) {
            if (a.name().equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown checksum algorithm: " + name);
    }
}
