package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;

/**
 * S3's {@code httpChecksum.requestChecksumRequired} operations (PutObjectLockConfiguration, PutObjectRetention,
 * PutObjectLegalHold, PutObjectTagging, PutBucketTagging): the body must be protected by {@code Content-MD5} or a
 * flexible checksum. Current SDKs (botocore 1.36+, SDK v2 2.30+) send no Content-MD5 but {@code x-amz-checksum-crc32}
 * (or a trailer), which AWS accepts; older ones send Content-MD5. The value itself is verified with the body
 * ({@code SmallBody}).
 */
public final class ChecksumRequired {
    private ChecksumRequired() {
    }

    /** Whether the request names any integrity value: Content-MD5, an x-amz-checksum-* header, or a trailer. */
    public static boolean present(S3Request req) {
        return req.header("Content-MD5") != null || req.header("x-amz-sdk-checksum-algorithm") != null
                || req.header("x-amz-trailer") != null || LockHeaders.anyChecksumHeader(req);
    }

    /** Refuses a request without one, with AWS's error. */
    public static void require(S3Request req) {
        if (!present(req)) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "Missing required header for this request: Content-MD5");
        }
    }
}
