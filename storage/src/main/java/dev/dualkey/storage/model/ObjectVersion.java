package dev.dualkey.storage.model;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One version of an object, or a delete marker.
 *
 * @param bucket         bucket name
 * @param key            object key
 * @param versionId      version id; {@link #NULL_VERSION_ID} for the null version (unversioned or suspended writes)
 * @param deleteMarker   true for a delete marker (then size 0, etag empty, metadata empty)
 * @param latest         true when this is the newest version of the key
 * @param size           content length in bytes
 * @param etag           entity tag WITHOUT quotes: 32 lower-case hex digits of the MD5, or for multipart
 *                       {@code <hex md5 of the concatenated part MD5s>-<part count>}; the gateway adds the quotes
 * @param lastModified   commit time
 * @param ownerAccountId account that wrote the version
 * @param metadata       headers and user metadata given at write time
 * @param partsCount     number of parts for a multipart object, 0 otherwise
 * @param checksums      flexible checksums stored with the version, base64; for multipart objects composite
 *                       values end in {@code -<part count>}
 */
public record ObjectVersion(String bucket, String key, String versionId, boolean deleteMarker, boolean latest,
                            long size, String etag, Instant lastModified, String ownerAccountId,
                            ObjectMetadata metadata, int partsCount, Map<ChecksumAlgorithm, String> checksums) {
    /** The version id S3 reports for the null version. */
    public static final String NULL_VERSION_ID = "null";

    public ObjectVersion {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(etag, "etag");
        Objects.requireNonNull(lastModified, "lastModified");
        Objects.requireNonNull(ownerAccountId, "ownerAccountId");
        Objects.requireNonNull(metadata, "metadata");
        if (Objects.requireNonNull(checksums, "checksums").isEmpty()) {
            checksums = Collections.emptyMap(); // the usual case; an EnumMap per entry was visible in listing profiles (issue 19)
        } else {
            Map<ChecksumAlgorithm, String> copy = new EnumMap<>(ChecksumAlgorithm.class);
            copy.putAll(checksums);
            checksums = Collections.unmodifiableMap(copy);
        }
    }

    /** True for the {@code null} version. */
    public boolean isNullVersion() {
        return NULL_VERSION_ID.equals(versionId);
    }

    /** The ETag as sent on the wire, with double quotes. */
    public String quotedEtag() {
        return '"' + etag + '"';
    }

    /** The same version with a different {@code latest} flag. */
    public ObjectVersion withLatest(boolean isLatest) {
        return new ObjectVersion(bucket, key, versionId, deleteMarker, isLatest, size, etag, lastModified,
                ownerAccountId, metadata, partsCount, checksums);
    }
}
