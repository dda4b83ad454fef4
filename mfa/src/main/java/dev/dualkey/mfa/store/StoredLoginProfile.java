package dev.dualkey.mfa.store;

import java.time.Instant;

/** Persisted console password: Argon2id PHC string, reset flag, creation date. */
public record StoredLoginProfile(String accountId, String userName, String passwordHash, boolean resetRequired,
                                 Instant createDate) {
}
