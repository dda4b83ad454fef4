package dev.dualkey.gateway.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a signed request claims, parsed from the Authorization header or the presigned query: SigV4, or (with
 * {@link #version} {@code AWS}) Signature Version 2, whose claims fill only the access key, signature, time,
 * presigned flag and payload hash (no scope, no signed-header list: SigV2 signs every {@code x-amz-*} header).
 *
 * @param amzDate        the request time as signed ({@code yyyyMMdd'T'HHmmss'Z'})
 * @param requestTime    the request time; null for a SigV2 presigned URL (it carries only its expiry)
 * @param expiresSeconds X-Amz-Expires for presigned requests, -1 for header auth
 * @param payloadHash    the payload hash that goes into the canonical request
 * @param version        {@code s3:signatureversion}: {@code AWS4-HMAC-SHA256} for SigV4, {@code AWS} for SigV2
 */
public record SignatureInfo(String accessKeyId, String date, String region, String service,
                            List<String> signedHeaders, String signature, String amzDate, Instant requestTime,
                            boolean presigned, long expiresSeconds, String payloadHash, String version) {
    /** {@code s3:signatureversion} of SigV4. */
    public static final String SIGV4 = "AWS4-HMAC-SHA256";
    /** {@code s3:signatureversion} of Signature Version 2 (header and query auth, and V2-signed POST forms). */
    public static final String SIGV2 = "AWS";

    public SignatureInfo {
        signedHeaders = List.copyOf(signedHeaders);
    }

    /** SigV4 claims. */
    public SignatureInfo(String accessKeyId, String date, String region, String service,
                         List<String> signedHeaders, String signature, String amzDate, Instant requestTime,
                         boolean presigned, long expiresSeconds, String payloadHash) {
        this(accessKeyId, date, region, service, signedHeaders, signature, amzDate, requestTime, presigned,
                expiresSeconds, payloadHash, SIGV4);
    }

    public String scope() {
        return SigV4Signer.scope(date, region, service);
    }
}
