package dev.dualkey.mfa.session;

import dev.dualkey.mfa.identity.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * Session credentials looked up for SigV4: the owner, the decrypted secret (only for computing the signature;
 * never log it), the SHA-256 of the session token and whether the session has expired at lookup time (by the
 * session service's clock, the clock that stamped its issue time).
 *
 * @param mfaAuthenticatedAt when the session proved MFA; null for a session made without a code
 */
public record ResolvedSession(Caller caller, String accessKeyId, String secretAccessKey, byte[] tokenSha256,
                              Instant expiration, Instant mfaAuthenticatedAt, boolean expired) {
    public ResolvedSession {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
        Objects.requireNonNull(expiration, "expiration");
        tokenSha256 = tokenSha256.clone();
    }

    /** Whether {@code presented} is this session's token; constant time in the token's content. */
    public boolean tokenMatches(String presented) {
        return presented != null && MessageDigest.isEqual(tokenSha256,
                SessionCredentialService.sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public byte[] tokenSha256() {
        return tokenSha256.clone();
    }

    @Override
    public String toString() {
        return "ResolvedSession[caller=" + caller + ", accessKeyId=" + accessKeyId + ", expiration=" + expiration
                + ", mfaAuthenticatedAt=" + mfaAuthenticatedAt + ", expired=" + expired + ", secret hidden]";
    }
}
