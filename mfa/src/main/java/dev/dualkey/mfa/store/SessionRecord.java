package dev.dualkey.mfa.store;

import java.time.Instant;

/**
 * A console session or a pending MFA sign-in challenge, stored under the SHA-256 of its token (the token itself
 * is never stored, so a copy of the database cannot be used to hijack sessions).
 *
 * <p>A session is bound to its principal, not to a name: {@code principalId} is the user's immutable id (the
 * account id for root) and {@code credential} the generation of the password it was opened with (a digest of
 * the stored password hash, which changes with every password set, since each hash has a fresh salt). A
 * session whose user is gone, was re-created under the same name, lost its login profile or changed its
 * password no longer matches and is refused.
 *
 * @param challenge   true for an MFA challenge (password passed, code pending), false for a session
 * @param mfaPresent  the session was established with an MFA code
 * @param failedCodes wrong codes entered against this challenge
 * @param passwordResetRequired the password step found the reset flag set (the console must ask for a new one)
 * @param principalId the user id, or the account id for root; null in layout-1 records (never valid)
 * @param credential  the password generation the session was opened with; null in layout-1 records
 * @param mfaAuthenticatedAt when the session last proved a code (sign-in or a fresh-code prompt); null if never
 */
public record SessionRecord(boolean challenge, String accountId, String userName, Instant createdAt,
                            Instant lastSeen, boolean mfaPresent, int failedCodes, boolean passwordResetRequired,
                            String principalId, String credential, Instant mfaAuthenticatedAt) {
    public SessionRecord touched(Instant t) {
        return new SessionRecord(challenge, accountId, userName, createdAt, t, mfaPresent, failedCodes,
                passwordResetRequired, principalId, credential, mfaAuthenticatedAt);
    }

    public SessionRecord failed() {
        return new SessionRecord(challenge, accountId, userName, createdAt, lastSeen, mfaPresent, failedCodes + 1,
                passwordResetRequired, principalId, credential, mfaAuthenticatedAt);
    }

    /** The same session after a fresh code was proved at {@code t}. */
    public SessionRecord mfaProved(Instant t) {
        return new SessionRecord(challenge, accountId, userName, createdAt, t, true, failedCodes,
                passwordResetRequired, principalId, credential, t);
    }
}
