package dev.dualkey.gateway.mfadelete;

import dev.dualkey.gateway.auth.Principal;
import java.util.Objects;

/**
 * The facts about one request that the MFA Delete gate needs, gathered by the S3 layer (or the console) after
 * authentication.
 *
 * @param principal       who signed the request
 * @param accessKeyId     the access key that signed it (for the audit log), or null for console sessions
 * @param mfaHeader       the raw {@code x-amz-mfa} value, or null when absent
 * @param secureTransport true when the request came over TLS, over a loopback-only listener, or the operator
 *                        allowed {@code x-amz-mfa} over plain HTTP (decision D4)
 * @param clientAddress   remote address, for the audit log
 */
public record MfaRequest(Principal principal, String accessKeyId, String mfaHeader, boolean secureTransport,
                         String clientAddress) {
    public MfaRequest {
        Objects.requireNonNull(principal, "principal");
    }
}
