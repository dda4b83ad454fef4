package dev.dualkey.gateway.s3.bucket;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.xml.VersioningConfiguration;
import dev.dualkey.storage.model.BucketInfo;

/**
 * Decides whether a PutBucketVersioning may proceed; the seam where MFA Delete plugs in (the {@code x-amz-mfa}
 * check belongs to the MFA engineer). Called on the storage executor before the bucket is updated.
 */
@FunctionalInterface
public interface VersioningChangeGuard {
    /**
     * @throws dev.dualkey.gateway.s3.error.S3Exception to refuse (e.g. 403 AccessDenied "Mfa Authentication must
     *                                                  be used for this request")
     */
    void check(S3Request request, BucketInfo current, VersioningConfiguration requested);
}
