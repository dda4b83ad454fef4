package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.VersioningState;

/**
 * CreateBucket with {@code x-amz-bucket-object-lock-enabled: true}: the bucket starts with versioning Enabled and
 * Object Lock on (no default retention). AWS requires {@code s3:PutBucketObjectLockConfiguration} and
 * {@code s3:PutBucketVersioning} besides {@code s3:CreateBucket} for it.
 */
public final class ObjectLockBuckets {
    static final String HEADER = "x-amz-bucket-object-lock-enabled";

    private ObjectLockBuckets() {
    }

    /** The initial configuration of the bucket the request creates. */
    public static BucketConfig initialConfig(S3Request req) {
        String v = req.header(HEADER);
        if (v == null || !v.trim().equalsIgnoreCase("true")) {
            return BucketConfig.initial();
        }
        for (String action : new String[] {"s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"}) {
            if (!req.access().allows(Check.bucket(action, req.bucket()))) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
            }
        }
        return BucketConfig.initial().withVersioning(VersioningState.ENABLED).withObjectLockEnabled(true)
                .withSubresource(LockConfiguration.SUBRESOURCE, LockConfiguration.ENABLED_ONLY.stored());
    }
}
