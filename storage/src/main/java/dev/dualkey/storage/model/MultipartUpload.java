package dev.dualkey.storage.model;

import java.time.Instant;

/**
 * An in-progress multipart upload.
 *
 * @param bucket         bucket
 * @param key            object key
 * @param uploadId       opaque upload id (URL-safe)
 * @param initiated      creation time
 * @param ownerAccountId account that created it
 * @param metadata       metadata the completed object will carry
 * @param checksumAlgorithm algorithm requested at creation, or null
 */
public record MultipartUpload(String bucket, String key, String uploadId, Instant initiated, String ownerAccountId,
                              ObjectMetadata metadata, ChecksumAlgorithm checksumAlgorithm) {
}
