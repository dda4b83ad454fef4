/**
 * Temporary credentials (the STS GetSessionToken model): an {@code ASIA...} access key id, a secret access key and
 * a session token, issued to the caller of a long-term access key for 15 minutes to 36 hours (root: at most one
 * hour), optionally after an MFA code, which the session then carries ({@code mfaAuthenticatedAt}) into every
 * request it signs.
 *
 * <p>At rest: the secret is sealed with {@code SecretBox} (AAD {@code "asia:" + id}), the token is stored only as
 * its SHA-256 and compared in constant time. A session authenticates only while it has not expired, its user
 * still exists with the same user id, and the long-term key that created it still exists and is active
 * (deleting or deactivating a stolen key ends every session made with it). Expired records are swept lazily,
 * one day after they expire, through an index by expiry ({@code mfa.session_expiry}).
 */
package dev.dualkey.mfa.session;
