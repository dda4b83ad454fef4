package dev.dualkey.gateway.protect;

import dev.dualkey.gateway.auth.Principal;
import java.util.Objects;

/**
 * The facts about one request that a protected change needs, gathered by the protocol (S3 handler or console
 * page) after authentication and authorization.
 *
 * @param principal       who made the request ({@link Principal#temporary()} for STS session credentials)
 * @param accessKeyId     the access key that signed it (for the audit log), or null for console sessions
 * @param mfaHeader       the second factor as {@code "SERIAL CODE"} (the raw {@code x-amz-mfa} value, or what the
 *                        console's code field becomes), or null when none was given
 * @param secureTransport true when the request came over TLS, over a loopback-only listener, or the operator
 *                        allowed {@code x-amz-mfa} over plain HTTP (decision D4)
 * @param clientAddress   remote address or channel name, for the audit log
 */
public record ProtectedRequest(Principal principal, String accessKeyId, String mfaHeader, boolean secureTransport,
                               String clientAddress) {
    public ProtectedRequest {
        Objects.requireNonNull(principal, "principal");
    }
}
