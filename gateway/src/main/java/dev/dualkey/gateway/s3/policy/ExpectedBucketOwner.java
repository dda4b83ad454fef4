package dev.dualkey.gateway.s3.policy;

import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.s3.CopySource;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Optional;
import java.util.function.Function;

/**
 * S3's bucket owner condition: {@code x-amz-expected-bucket-owner} (every bucket and object request) and, for
 * CopyObject and UploadPartCopy, {@code x-amz-source-expected-bucket-owner} name the account id the caller
 * expects to own the bucket; any other owner answers 403 AccessDenied, so a client never writes to or reads from
 * a bucket that changed hands. A bucket that does not exist is left to the operation (NoSuchBucket). Checked
 * after authorization, so the header reveals nothing to a caller the bucket's policies would refuse.
 */
@FunctionalInterface
public interface ExpectedBucketOwner {
    /** @param copySource the parsed copy source, or null when the operation is not a copy */
    void check(RequestHead head, String bucket, CopySource copySource);

    /** No check (an endpoint without a bucket directory: tests of routing only). */
    ExpectedBucketOwner UNCHECKED = (head, bucket, source) -> { };

    /** The check over {@code buckets} (bucket name -> the bucket, empty when it does not exist). */
    static ExpectedBucketOwner over(Function<String, Optional<BucketInfo>> buckets) {
        return (head, bucket, source) -> {
            check(buckets, bucket, head.header("x-amz-expected-bucket-owner"));
            if (source != null) {
                check(buckets, source.bucket(), head.header("x-amz-source-expected-bucket-owner"));
            }
        };
    }

    private static void check(Function<String, Optional<BucketInfo>> buckets, String bucket, String expected) {
        if (expected == null || bucket == null) {
            return;
        }
        Optional<BucketInfo> b = buckets.apply(bucket);
        if (b.isPresent() && !b.get().ownerAccountId().equals(expected.trim())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
    }
}
