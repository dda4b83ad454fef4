package dev.dualkey.gateway.s3.protect;

import dev.dualkey.gateway.protect.Outcome;
import dev.dualkey.gateway.protect.ProtectedRefusalException;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.protect.Refusal;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.PublishCheck;

/**
 * The S3 wire of {@link dev.dualkey.gateway.protect.ProtectedOperations}: builds its request from an
 * authenticated S3 request and words each {@link Refusal} as the spec's decisions say (D3, D4, D8; the messages
 * are AWS's where AWS has one).
 */
public final class S3Refusals {
    static final String MFA_REQUIRED = "Mfa Authentication must be used for this request";
    static final String OWNER_ONLY = "This operation may only be performed by the bucket owner";
    static final String HEADER_INVALID =
            "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}";
    static final String HTTPS_REQUIRED = "Requests that include x-amz-mfa must use HTTPS";
    /** Our text; AWS answers "DevPay and Mfa are mutually exclusive authorization methods." (spec O3). */
    static final String SESSION_WITH_MFA = "Requests that include x-amz-mfa must be signed with the root user's"
            + " access keys, not with temporary security credentials";

    /** D6 (our text: AWS documents the rule, not its error). */
    static final String LIFECYCLE_CONFIGURED = "MFA Delete cannot be enabled on a bucket with a lifecycle"
            + " configuration; delete the lifecycle configuration first";

    private S3Refusals() {
    }

    /**
     * @param plainHttpAllowed true when {@code x-amz-mfa} may come without TLS: the listener is loopback-only
     *                         (nothing leaves the machine) or the operator allowed it (e.g. TLS ends at a proxy)
     */
    public static ProtectedRequest request(S3Request req, boolean plainHttpAllowed) {
        return new ProtectedRequest(req.principal(), req.auth().accessKeyId(), req.header("x-amz-mfa"),
                req.head().secure() || plainHttpAllowed, req.head().auditAddress()); // client address: issue 18
    }

    /** The result when allowed, else the refusal as the S3 error. */
    public static <T> T orThrow(Outcome<T> outcome, ProtectedRequest request) {
        if (!outcome.isAllowed()) {
            throw toS3(outcome.refusal(), request.mfaHeader());
        }
        return outcome.result();
    }

    /** {@code check} with its refusal thrown as the S3 error (for streamed writes, whose commit throws). */
    public static PublishCheck asS3(PublishCheck check, ProtectedRequest request) {
        return (bucket, replacesNullVersion) -> {
            try {
                check.check(bucket, replacesNullVersion);
            } catch (ProtectedRefusalException e) {
                throw toS3(e.refusal(), request.mfaHeader());
            }
        };
    }

    /** The S3 error for a refusal. */
    public static S3Exception toS3(Refusal refusal, String rawHeader) {
        return switch (refusal) {
            case MFA_REQUIRED -> new S3Exception(S3ErrorCode.ACCESS_DENIED, MFA_REQUIRED);
            case NOT_BUCKET_OWNER -> new S3Exception(S3ErrorCode.ACCESS_DENIED, OWNER_ONLY);
            case MFA_WITH_SESSION_CREDENTIALS -> new S3Exception(S3ErrorCode.INVALID_REQUEST, SESSION_WITH_MFA);
            case MFA_OVER_HTTP -> new S3Exception(S3ErrorCode.INVALID_REQUEST, HTTPS_REQUIRED);
            case MFA_MALFORMED -> new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_INVALID)
                    .with("ArgumentName", "x-amz-mfa")
                    .with("ArgumentValue", rawHeader == null ? "" : rawHeader.strip());
            case MFA_INVALID -> new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_INVALID)
                    .with("ArgumentName", "x-amz-mfa");
            case LIFECYCLE_CONFIGURED -> new S3Exception(S3ErrorCode.INVALID_REQUEST, LIFECYCLE_CONFIGURED);
        };
    }
}
