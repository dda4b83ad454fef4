package dev.dualkey.gateway.s3.bucket;

import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.VersioningConfiguration;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;

/**
 * The guard used until MFA verification is wired in: a request that would turn MFA Delete on or off, or change
 * anything on a bucket whose MFA Delete is on, is refused as S3 refuses it without a valid {@code x-amz-mfa}
 * (403 AccessDenied). Refusing is the safe default: without the MFA module no code can be checked.
 */
public final class RefuseMfaChangesGuard implements VersioningChangeGuard {
    @Override
    public void check(S3Request request, BucketInfo current, VersioningConfiguration requested) {
        boolean mfaOn = current.mfaDelete() == MfaDeleteState.ENABLED;
        boolean turnsOn = requested.mfaDelete() == MfaDeleteState.ENABLED && !mfaOn;
        boolean turnsOff = requested.mfaDelete() == MfaDeleteState.DISABLED && mfaOn;
        if (mfaOn || turnsOn || turnsOff) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Mfa Authentication must be used for this request");
        }
    }
}
