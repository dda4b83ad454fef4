package dev.dualkey.gateway.iam.http;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.IamRequestParser;
import dev.dualkey.gateway.iam.IamResponse;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamErrorWriter;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.query.QueryCommonError;
import dev.dualkey.gateway.query.QueryFormSignature;
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
                head.operation(dev.dualkey.gateway.metrics.QueryActionNames.iam(head.rawQuery(), body)); // metrics
                AuthResult auth = authenticate(head, body);
                IamResponse r = handler.handle(head.method().name(), head.header("Content-Type"), head.rawQuery(),
                        body, caller(auth.principal()), auth.accessKeyId(), head.requestId(),
                        head.auditAddress() == null ? "-" : head.auditAddress(), head.secure());
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
        try {
            signature.checkHead(head);
        } catch (S3Exception e) {
            throw fromSignatureError(e);
        }
    }

    private AuthResult authenticate(RequestHead head, byte[] body) {
        try {
            return signature.verify(head, body);
        } catch (S3Exception e) {
            throw fromSignatureError(e);
        }
    }

    /** SigV4 failures in IAM's wording (AWS Query common errors). */
    static IamException fromSignatureError(S3Exception e) {
        return common(QueryCommonError.of(e));
    }

    static IamException translate(Throwable failure) {
        QueryCommonError common = QueryCommonError.of(failure, IamRequestParser.MAX_BODY_BYTES);
        if (common != null) {
            return common(common);
        }
        LOG.error("IAM request failed", failure);
        return new IamException(IamErrorCode.SERVICE_FAILURE,
                "The request processing has failed because of an unknown error, exception or failure.");
    }

    private static IamException common(QueryCommonError e) {
        return new IamException(IamErrorCode.fromCode(e.code()), e.message());
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
