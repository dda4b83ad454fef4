package dev.dualkey.mfa.session;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials as issued, returned once to the caller of GetSessionToken (the secret and the token are
 * never stored in the clear; {@link #toString()} hides them).
 *
 * @param mfaAuthenticatedAt when the session proved MFA; null for a session made without a code
 */
public record SessionCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
                                 Instant expiration, Instant mfaAuthenticatedAt) {
    public SessionCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(expiration, "expiration");
    }

    @Override
    public String toString() {
        return "SessionCredentials[accessKeyId=" + accessKeyId + ", expiration=" + expiration
                + ", mfaAuthenticatedAt=" + mfaAuthenticatedAt + ", secret and token hidden]";
    }
}
