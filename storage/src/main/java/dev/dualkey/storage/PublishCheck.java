package dev.dualkey.storage;

import dev.dualkey.storage.model.BucketInfo;

/**
 * A check that a write runs inside its atomic publish: under the bucket's read lock (so no configuration change
 * can land) and the key's write lock (so no other write or delete of the key can), after the conditions of
 * {@link WriteOptions} and right before the batch that publishes the new version. It may throw any
 * {@link RuntimeException} to refuse; then nothing is published (the body is discarded, a multipart upload stays
 * as it was and can be completed again).
 *
 * <p>Why it exists: MFA Delete's decision D9. On a bucket whose versioning is Suspended a write replaces, so
 * permanently removes, the key's {@code null} version; whether such a version exists can only be known
 * atomically with the write, here.
 */
@FunctionalInterface
public interface PublishCheck {
    /** Accepts every write. */
    PublishCheck NONE = (bucket, replacesNullVersion) -> { };

    /**
     * @param bucket              the bucket as it is while the write is published
     * @param replacesNullVersion true when the new version is a {@code null} version and the key already has one
     *                            (an object or a delete marker), which this write removes for good
     */
    void check(BucketInfo bucket, boolean replacesNullVersion);
}
