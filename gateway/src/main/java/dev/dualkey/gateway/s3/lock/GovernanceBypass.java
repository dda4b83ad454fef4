package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.retention.RetentionBypass;

/**
 * Whether a request may bypass GOVERNANCE retention: it says {@code x-amz-bypass-governance-retention: true} AND its
 * principal is allowed {@code s3:BypassGovernanceRetention} on the object (AWS; the bucket owner's root user is
 * allowed by the authorizer as for every action). Without both, the store gets {@link RetentionBypass#NONE} and
 * refuses a protected version itself, so a caller denied the bypass still deletes unlocked versions (spec §1.5).
 *
 * <p>Dualkey, beyond AWS: on a bucket with MFA Delete Enabled, using the bypass also needs the owner's code. For a
 * delete this holds already (every version delete there needs {@code x-amz-mfa}); for a retention shortened or
 * removed with the bypass, {@code ProtectedOperations.putObjectRetention} asks for it.
 */
public final class GovernanceBypass {
    static final String HEADER = "x-amz-bypass-governance-retention";

    private GovernanceBypass() {
    }

    /**
     * The bypass of a DeleteObject / DeleteObjects entry / PutObjectRetention on {@code key}.
     *
     * @throws S3Exception InvalidArgument when the header is sent to a bucket without Object Lock (AWS)
     */
    public static RetentionBypass of(S3Request req, BucketInfo bucket, String key) {
        String value = req.header(HEADER);
        if (value == null) {
            return RetentionBypass.NONE;
        }
        if (!bucket.config().objectLockEnabled()) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.")
                    .with("ArgumentName", HEADER).with("ArgumentValue", value);
        }
        if (!value.trim().equalsIgnoreCase("true")) {
            return RetentionBypass.NONE;
        }
        return req.access().allows(Check.object("s3:BypassGovernanceRetention", req.bucket(), key))
                ? RetentionBypass.GOVERNANCE : RetentionBypass.NONE;
    }
}
