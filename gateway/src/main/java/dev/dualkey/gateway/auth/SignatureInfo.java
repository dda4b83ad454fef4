package dev.dualkey.gateway.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a SigV4 request claims, parsed from the Authorization header or the presigned query.
 *
 * @param amzDate        the request time as signed ({@code yyyyMMdd'T'HHmmss'Z'})
 * @param expiresSeconds X-Amz-Expires for presigned requests, -1 for header auth
 * @param payloadHash    the payload hash that goes into the canonical request
 */
public record SignatureInfo(String accessKeyId, String date, String region, String service,
                            List<String> signedHeaders, String signature, String amzDate, Instant requestTime,
                            boolean presigned, long expiresSeconds, String payloadHash) {
    public SignatureInfo {
        signedHeaders = List.copyOf(signedHeaders);
    }

    public String scope() {
        return SigV4Signer.scope(date, region, service);
    }
}
