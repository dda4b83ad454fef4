package dev.dualkey.gateway.iam.http;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.QueryFormSignature;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.FrontDoorHandler;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.IamRequestParser;
import dev.dualkey.gateway.iam.IamResponse;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamErrorWriter;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.s3.error.S3Exception;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IAM Query API behind the gateway's front door. A request is IAM's when its SigV4 credential scope
 * names the service {@code iam} (header or presigned query), or when it is an unsigned form {@code POST /}
 * (so it gets IAM's MissingAuthenticationToken, not an S3 error). The form body is aggregated (capped at
 * {@link IamRequestParser#MAX_BODY_BYTES}) because the Query protocol signs it without an
 * {@code x-amz-content-sha256} header: authentication runs on the body's hash, then
 * {@link IamQueryHandler} answers. Every failure, signature errors included, is an IAM
 * {@code <ErrorResponse>}.
 */
public final class IamEndpoint implements Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(IamEndpoint.class);
    private static final String SCOPE_SUFFIX = "/iam/aws4_request";

    private final QueryFormSignature signature;
    private final IamQueryHandler handler;

    /** @param verifier a verifier for service {@code iam} over the identity store's credentials */
    public IamEndpoint(SigV4Verifier verifier, IamQueryHandler handler) {
        this.signature = new QueryFormSignature(verifier);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public boolean accepts(HttpRequest head) {
        String auth = head.headers().get("Authorization");
        if (auth != null) {
            return auth.contains(SCOPE_SUFFIX + ",") || auth.contains(SCOPE_SUFFIX + " ");
        }
        String uri = head.uri();
        if (uri.contains("X-Amz-Credential=")) {
            return uri.contains("%2Fiam%2Faws4_request") || uri.contains("/iam/aws4_request");
        }
        String type = head.headers().get("Content-Type");
        return HttpMethod.POST.equals(head.method()) && (uri.equals("/") || uri.startsWith("/?"))
                && type != null && type.toLowerCase(java.util.Locale.ROOT)
                        .startsWith("application/x-www-form-urlencoded");
    }

    @Override
    public Exchange begin(RequestHead head) {
        checkHead(head); // before the front door reads any body byte
        return new Exchange.Aggregated() {
            @Override
            public long maxBodyBytes() {
                return IamRequestParser.MAX_BODY_BYTES;
            }

            @Override
            public Reply complete(byte[] body) {
                AuthResult auth = authenticate(head, body);
                IamResponse r = handler.handle(head.method().name(), head.header("Content-Type"), head.rawQuery(),
                        body, caller(auth.principal()), auth.accessKeyId(), head.requestId(),
                        head.clientAddress() == null ? "-" : head.clientAddress(), head.secure());
                return reply(r);
            }
        };
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        IamException e = failure instanceof IamException ie ? ie : translate(failure);
        return reply(IamQueryHandler.error(e, head.requestId()));
    }

    /**
     * Every SigV4 check the head allows before the form is read (issue 12 F: no memory before authentication):
     * signed at all, date and skew, credential scope and service, access key exists and is active. The Query
     * protocol signs the body's hash, so the signature itself can only be checked in {@code complete}: a verify
     * with a placeholder hash that fails at the signature comparison has passed everything before it.
     */
    private void checkHead(RequestHead head) {
        checkUri(head);
        try {
            signature.checkHead(head.signable());
        } catch (S3Exception e) {
            throw fromSignatureError(e);
        }
    }

    private AuthResult authenticate(RequestHead head, byte[] body) {
        checkUri(head);
        try {
            return signature.verify(head.signable(), body);
        } catch (S3Exception e) {
            throw fromSignatureError(e);
        }
    }

    /** A bad percent escape cannot be canonicalised: the client's error, never a 500. */
    private static void checkUri(RequestHead head) {
        if (head.malformedUri()) {
            throw new IamException(IamErrorCode.MALFORMED_QUERY_STRING, "The request URI is not well formed.");
        }
    }

    /** SigV4 failures in IAM's wording (AWS Query common errors). */
    static IamException fromSignatureError(S3Exception e) {
        if (e.error() == dev.dualkey.gateway.s3.error.S3ErrorCode.ACCESS_DENIED
                && e.extras().containsKey("HeadersNotSigned")) {
            // Signed-header rules (host and every x-amz-* signed): a malformed signature, not a missing one.
            return new IamException(IamErrorCode.INCOMPLETE_SIGNATURE, e.getMessage() + ": "
                    + e.extras().get("HeadersNotSigned"));
        }
        if (e.error() == dev.dualkey.gateway.s3.error.S3ErrorCode.ACCESS_DENIED && e.extras().containsKey("Expires")) {
            return new IamException(IamErrorCode.REQUEST_EXPIRED, "Request has expired.");
        }
        return switch (e.error()) {
            case ACCESS_DENIED -> new IamException(IamErrorCode.MISSING_AUTHENTICATION_TOKEN,
                    "Request is missing Authentication Token");
            // temporary credentials (STS sessions): a missing or wrong x-amz-security-token, an expired session
            case INVALID_TOKEN -> new IamException(IamErrorCode.INVALID_CLIENT_TOKEN_ID,
                    "The security token included in the request is invalid.");
            case EXPIRED_TOKEN -> new IamException(IamErrorCode.EXPIRED_TOKEN,
                    "The security token included in the request is expired");
            case INVALID_ACCESS_KEY_ID -> new IamException(IamErrorCode.INVALID_CLIENT_TOKEN_ID,
                    "The security token included in the request is invalid.");
            case SIGNATURE_DOES_NOT_MATCH -> new IamException(IamErrorCode.SIGNATURE_DOES_NOT_MATCH,
                    "The request signature we calculated does not match the signature you provided. Check your "
                            + "AWS Secret Access Key and signing method. Consult the service documentation for "
                            + "details.");
            case REQUEST_TIME_TOO_SKEWED -> new IamException(IamErrorCode.SIGNATURE_DOES_NOT_MATCH,
                    "Signature expired: the request time is more than 15 minutes away from the server time.");
            default -> new IamException(IamErrorCode.INCOMPLETE_SIGNATURE, e.getMessage() == null
                    ? "The request signature does not conform to AWS standards." : e.getMessage());
        };
    }

    static IamException translate(Throwable failure) {
        if (failure instanceof FrontDoorHandler.BodyTooLargeException) {
            return new IamException(IamErrorCode.REQUEST_ENTITY_TOO_LARGE,
                    "Request body exceeds the maximum of " + IamRequestParser.MAX_BODY_BYTES + " bytes.");
        }
        if (failure instanceof FrontDoorHandler.MalformedRequestException) {
            return new IamException(IamErrorCode.MALFORMED_QUERY_STRING, "The request could not be read.");
        }
        if (failure instanceof FrontDoorHandler.RequestTimeoutException) {
            return new IamException(IamErrorCode.REQUEST_TIMEOUT, "Your socket connection to the server was not read"
                    + " from or written to within the timeout period. Idle connections will be closed.");
        }
        if (failure instanceof java.util.concurrent.RejectedExecutionException) {
            return new IamException(IamErrorCode.SERVICE_UNAVAILABLE, "Service is unable to handle request.");
        }
        if (failure instanceof S3Exception s3) {
            return switch (s3.error()) {
                case ACCESS_DENIED, INVALID_ACCESS_KEY_ID, SIGNATURE_DOES_NOT_MATCH, REQUEST_TIME_TOO_SKEWED ->
                        fromSignatureError(s3);
                default -> new IamException(
                        s3.error().httpStatus() == 413 || "EntityTooLarge".equals(s3.error().code())
                                ? IamErrorCode.REQUEST_ENTITY_TOO_LARGE : IamErrorCode.MALFORMED_QUERY_STRING,
                        "The request could not be read.");
            };
        }
        LOG.error("IAM request failed", failure);
        return new IamException(IamErrorCode.SERVICE_FAILURE,
                "The request processing has failed because of an unknown error, exception or failure.");
    }

    /** The gateway principal as the IAM layer sees it; the path is read back from the user ARN. */
    static IamCaller caller(Principal p) {
        if (p.root()) {
            return new IamCaller(p.accountId(), IamCaller.ROOT, "/", p.temporary(), p.mfaAuthenticatedAt());
        }
        String marker = ":user";
        int at = p.arn().indexOf(marker);
        String pathAndName = at < 0 ? "/" + p.userName() : p.arn().substring(at + marker.length());
        String path = pathAndName.substring(0, pathAndName.length() - p.userName().length());
        return new IamCaller(p.accountId(), p.userName(), path.isEmpty() ? "/" : path, p.temporary(),
                p.mfaAuthenticatedAt());
    }

    private static Reply reply(IamResponse r) {
        return Reply.status(r.status()).body(r.body(), IamResponse.CONTENT_TYPE);
    }
}
