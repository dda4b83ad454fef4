package dev.dualkey.mfa.store;

import java.time.Instant;

/**
 * A console session or a pending MFA sign-in challenge, stored under the SHA-256 of its token (the token itself
 * is never stored, so a copy of the database cannot be used to hijack sessions).
 *
 * @param challenge   true for an MFA challenge (password passed, code pending), false for a session
 * @param mfaPresent  the session was established with an MFA code
 * @param failedCodes wrong codes entered against this challenge
 * @param passwordResetRequired the password step found the reset flag set (the console must ask for a new one)
 */
public record SessionRecord(boolean challenge, String accountId, String userName, Instant createdAt,
                            Instant lastSeen, boolean mfaPresent, int failedCodes, boolean passwordResetRequired) {
    public SessionRecord touched(Instant t) {
        return new SessionRecord(challenge, accountId, userName, createdAt, t, mfaPresent, failedCodes,
                passwordResetRequired);
    }

    public SessionRecord failed() {
        return new SessionRecord(challenge, accountId, userName, createdAt, lastSeen, mfaPresent, failedCodes + 1,
                passwordResetRequired);
    }
}
