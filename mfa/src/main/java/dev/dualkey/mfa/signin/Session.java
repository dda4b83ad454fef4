package dev.dualkey.mfa.signin;

import java.time.Instant;

/**
 * A signed-in console session.
 *
 * @param userName   {@code root} for the root user
 * @param mfaPresent the sign-in included an MFA code (policy key {@code aws:MultiFactorAuthPresent})
 * @param expiresAt  absolute end of the session (idle expiry may come earlier)
 * @param mfaAuthenticatedAt when the session last proved a code (the sign-in code, or a fresh-code prompt);
 *                   null when it never did. Changes to root's devices need it recent.
 */
public record Session(String accountId, String userName, Instant createdAt, Instant lastSeen, boolean mfaPresent,
                      Instant expiresAt, Instant mfaAuthenticatedAt) {
    public boolean root() {
        return "root".equals(userName);
    }
}
