package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.auth.SignatureInfo;
import java.time.Instant;

/**
 * How a request reached the gateway: the transport and client address, and how it was signed. The source of
 * {@code aws:SecureTransport}, {@code aws:SourceIp} and the signature keys ({@code s3:signatureversion},
 * {@code s3:authType}, {@code s3:signatureAge}, {@code s3:x-amz-content-sha256}).
 *
 * @param secureTransport   the request arrived over TLS
 * @param sourceIp          the client's IP address as text ({@code 203.0.113.7}, {@code 2001:db8::1}), or null
 *                          when unknown
 * @param signatureVersion  {@code AWS4-HMAC-SHA256} for SigV4, {@code AWS} for SigV2, null when the request was
 *                          not signed (console)
 * @param authType          {@code REST-HEADER}, {@code REST-QUERY-STRING} (presigned) or {@code POST} (browser form
 *                          upload), null when not signed
 * @param signedAt          the signature's {@code X-Amz-Date}, null when not signed
 * @param contentSha256     the {@code x-amz-content-sha256} header as sent, or null
 */
public record RequestOrigin(boolean secureTransport, String sourceIp, String signatureVersion, String authType,
                            Instant signedAt, String contentSha256) {
    /** SigV4's name in {@code s3:signatureversion}. */
    public static final String SIGV4 = "AWS4-HMAC-SHA256";
    /** {@code s3:authType} of a presigned URL. */
    public static final String PRESIGNED = "REST-QUERY-STRING";

    /** {@code s3:authType} of a browser POST upload (POST Object with a form). */
    public static final String POST = "POST";

    /** A SigV4- or SigV2-signed request ({@link SignatureInfo#version} says which). */
    public static RequestOrigin signed(boolean secure, String sourceIp, SignatureInfo sig, String contentSha256) {
        return new RequestOrigin(secure, sourceIp, sig.version(), sig.presigned() ? PRESIGNED : "REST-HEADER",
                sig.requestTime(), contentSha256);
    }

    /**
     * The transport only: for services whose context has no signature keys (IAM, STS) and for console pages,
     * which are not signed (a session cookie stands for the principal).
     */
    public static RequestOrigin transport(boolean secure, String sourceIp) {
        return new RequestOrigin(secure, sourceIp, null, null, null, null);
    }
}
