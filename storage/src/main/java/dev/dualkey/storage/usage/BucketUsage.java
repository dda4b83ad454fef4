package dev.dualkey.storage.usage;

import java.util.Objects;

/**
 * What one bucket (or, with {@link #TOTAL}, the whole store) holds, as counted by the store at every write.
 *
 * @param bucket        the bucket name, or {@link #TOTAL} for the sum over every bucket
 * @param objects       keys whose newest version is an object, not a delete marker (what ListObjectsV2 lists)
 * @param versions      stored versions that are objects (current and noncurrent; delete markers excluded)
 * @param deleteMarkers stored delete markers
 * @param bytes         sum of the sizes of all those versions: the logical bytes stored (before encryption
 *                      overhead and compression; multipart parts of unfinished uploads are not included)
 * @param currentBytes  sum of the sizes of the newest versions only (the {@code objects} above)
 */
public record BucketUsage(String bucket, long objects, long versions, long deleteMarkers, long bytes,
                          long currentBytes) {
    /** The pseudo bucket name of the store-wide sum. */
    public static final String TOTAL = "";

    public BucketUsage {
        Objects.requireNonNull(bucket, "bucket");
    }

    /** An empty bucket's usage. */
    public static BucketUsage empty(String bucket) {
        return new BucketUsage(bucket, 0, 0, 0, 0, 0);
    }
}
