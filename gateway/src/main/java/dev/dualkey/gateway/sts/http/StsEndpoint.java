package dev.dualkey.gateway.sts.http;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.Exchange;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.http.RequestHead;
import dev.dualkey.gateway.query.QueryCommonError;
import dev.dualkey.gateway.query.QueryFormSignature;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.sts.StsErrorCode;
import dev.dualkey.gateway.sts.StsException;
import dev.dualkey.gateway.sts.StsQueryHandler;
import dev.dualkey.gateway.sts.StsResponse;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STS Query API behind the front door. A request is STS's when its SigV4 credential scope names the service
 * {@code sts}, in the Authorization header or in a presigned query ({@code X-Amz-Credential}); the form body
 * (capped at {@link #MAX_BODY_BYTES}: STS requests are a few hundred bytes) is aggregated because the Query
 * protocol signs it without an {@code x-amz-content-sha256} header. Every failure, signature errors included, is
 * an STS {@code <ErrorResponse>}.
 */
public final class StsEndpoint implements Endpoint {
    /** Largest accepted form body; GetSessionToken's members fit in well under 1 KiB. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(StsEndpoint.class);
    private static final String SCOPE_SUFFIX = "/sts/aws4_request";

    private final QueryFormSignature signature;
    private final StsQueryHandler handler;

    /** @param verifier a verifier for service {@code sts} over the identity store's credentials */
    public StsEndpoint(SigV4Verifier verifier, StsQueryHandler handler) {
        this.signature = new QueryFormSignature(verifier);
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public boolean accepts(HttpRequest head) {
        return scopeNamesSts(head);
    }

    /** Whether the head's SigV4 credential scope (header or presigned query) names service {@code sts}. */
    static boolean scopeNamesSts(HttpRequest head) {
        String auth = head.headers().get("Authorization");
        if (auth != null) {
            return auth.contains(SCOPE_SUFFIX + ",") || auth.contains(SCOPE_SUFFIX + " ");
        }
        String uri = head.uri();
        return uri.contains("X-Amz-Credential=")
                && (uri.contains("%2Fsts%2Faws4_request") || uri.contains("/sts/aws4_request"));
    }

    @Override
    public Exchange begin(RequestHead head) {
        checkHead(head); // before the front door reads any body byte
        return new Exchange.Aggregated() {
            @Override
            public long maxBodyBytes() {
                return MAX_BODY_BYTES;
            }

            @Override
            public Reply complete(byte[] body) {
                head.operation(dev.dualkey.gateway.metrics.QueryActionNames.sts(head.rawQuery(), body)); // metrics
                AuthResult auth = authenticate(head, body);
                return reply(handler.handle(head.method().name(), head.header("Content-Type"), head.rawQuery(),
                        body, auth.principal(), auth.accessKeyId(), head.requestId(),
                        head.auditAddress() == null ? "-" : head.auditAddress()));
            }
        };
    }

    @Override
    public Reply error(RequestHead head, Throwable failure) {
        StsException e = failure instanceof StsException se ? se : translate(failure);
        return reply(StsQueryHandler.error(e, head.requestId()));
    }

    /**
     * Every SigV4 check the head allows before the form is read (no memory before authentication): signed at all,
     * date and skew, scope and service, signed headers, access key (and session token) valid. The Query protocol
     * signs the body's hash, so the signature itself is checked in {@code complete}; a verify with a placeholder
     * hash that fails only at the signature comparison has passed everything before it.
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

    /** SigV4 failures in STS's wording (AWS Query common errors). */
    static StsException fromSignatureError(S3Exception e) {
        return common(QueryCommonError.of(e));
    }

    static StsException translate(Throwable failure) {
        QueryCommonError common = QueryCommonError.of(failure, MAX_BODY_BYTES);
        if (common != null) {
            return common(common);
        }
        LOG.error("STS request failed", failure);
        return new StsException(StsErrorCode.INTERNAL_FAILURE, "An internal error has occurred. Try your request"
                + " again.");
    }

    private static StsException common(QueryCommonError e) {
        return new StsException(StsErrorCode.fromCode(e.code()), e.message());
    }

    private static Reply reply(StsResponse r) {
        return Reply.status(r.status()).body(r.body(), StsResponse.CONTENT_TYPE);
    }
}
