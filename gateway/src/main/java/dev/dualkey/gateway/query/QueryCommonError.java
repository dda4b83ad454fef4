package dev.dualkey.gateway.query;

import dev.dualkey.gateway.http.FrontDoorHandler;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.util.concurrent.RejectedExecutionException;

/**
 * One of the AWS Query protocol's common errors (the same codes and texts for IAM and STS), from a SigV4 refusal or
 * a front-door failure. Each endpoint maps {@link #code()} onto its own error enum, which holds every common code.
 *
 * @param code    the wire code, e.g. {@code InvalidClientTokenId}
 * @param message the text AWS sends for it
 */
public record QueryCommonError(String code, String message) {
    private static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    /** SigV4 refusals ({@code SigV4Verifier}'s S3 wording) in the Query protocol's wording. */
    public static QueryCommonError of(S3Exception e) {
        if (e.error() == S3ErrorCode.ACCESS_DENIED && e.extras().containsKey("HeadersNotSigned")) {
            // Signed-header rules (host and every x-amz-* signed): a malformed signature, not a missing one.
            return new QueryCommonError("IncompleteSignature",
                    e.getMessage() + ": " + e.extras().get("HeadersNotSigned"));
        }
        if (e.error() == S3ErrorCode.ACCESS_DENIED && e.extras().containsKey("Expires")) {
            return new QueryCommonError("RequestExpired", "Request has expired.");
        }
        return switch (e.error()) {
            case INVALID_URI -> new QueryCommonError("MalformedQueryString", "The request URI is not well formed.");
            case ACCESS_DENIED -> new QueryCommonError("MissingAuthenticationToken",
                    "Request is missing Authentication Token");
            // an unknown key, or temporary credentials with a missing or wrong x-amz-security-token
            case INVALID_ACCESS_KEY_ID, INVALID_TOKEN -> new QueryCommonError("InvalidClientTokenId", INVALID_TOKEN);
            case EXPIRED_TOKEN -> new QueryCommonError("ExpiredToken",
                    "The security token included in the request is expired");
            case SIGNATURE_DOES_NOT_MATCH -> new QueryCommonError("SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided. Check your "
                            + "AWS Secret Access Key and signing method. Consult the service documentation for "
                            + "details.");
            case REQUEST_TIME_TOO_SKEWED -> new QueryCommonError("SignatureDoesNotMatch",
                    "Signature expired: the request time is more than 15 minutes away from the server time.");
            default -> new QueryCommonError("IncompleteSignature", e.getMessage() == null
                    ? "The request signature does not conform to AWS standards." : e.getMessage());
        };
    }

    /**
     * A failure of the front door or of authentication in the Query protocol's wording, or null when it is none of
     * those (the endpoint answers its service's internal failure and logs it).
     *
     * @param maxBodyBytes the endpoint's form cap, named in RequestEntityTooLarge
     */
    public static QueryCommonError of(Throwable failure, long maxBodyBytes) {
        if (failure instanceof FrontDoorHandler.BodyTooLargeException) {
            return new QueryCommonError("RequestEntityTooLarge",
                    "Request body exceeds the maximum of " + maxBodyBytes + " bytes.");
        }
        if (failure instanceof FrontDoorHandler.MalformedRequestException) {
            return new QueryCommonError("MalformedQueryString", "The request could not be read.");
        }
        if (failure instanceof FrontDoorHandler.RequestTimeoutException) {
            return new QueryCommonError("RequestTimeout", "Your socket connection to the server was not read from or"
                    + " written to within the timeout period. Idle connections will be closed.");
        }
        if (failure instanceof RejectedExecutionException) {
            return new QueryCommonError("ServiceUnavailable", "Service is unable to handle request.");
        }
        if (failure instanceof S3Exception s3) {
            return switch (s3.error()) {
                case ACCESS_DENIED, INVALID_ACCESS_KEY_ID, INVALID_TOKEN, EXPIRED_TOKEN, SIGNATURE_DOES_NOT_MATCH,
                        REQUEST_TIME_TOO_SKEWED, INVALID_URI -> of(s3);
                default -> s3.error().httpStatus() == 413 || "EntityTooLarge".equals(s3.error().code())
                        ? new QueryCommonError("RequestEntityTooLarge", "Request body exceeds the maximum of "
                                + maxBodyBytes + " bytes.")
                        : new QueryCommonError("MalformedQueryString", "The request could not be read.");
            };
        }
        return null;
    }
}
