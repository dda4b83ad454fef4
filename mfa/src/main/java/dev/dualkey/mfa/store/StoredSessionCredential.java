package dev.dualkey.mfa.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Persisted temporary (STS session) credentials. The secret access key is AES-GCM sealed ({@link #aad}); the
 * session token is never stored, only its SHA-256, so a copy of the database cannot be used to sign requests.
 *
 * @param accessKeyId       {@code ASIA} + 16 characters
 * @param userName          the owner's user name ({@code root} for the root user)
 * @param userId            the owner's user id when the session was issued; a user deleted and re-created under
 *                          the same name has another id, so the old user's sessions never authenticate the new one
 * @param sourceAccessKeyId the long-term access key that called GetSessionToken; the session lives only while
 *                          that key exists and is active
 * @param mfaAuthenticatedAt when the session proved MFA (GetSessionToken with an accepted code); null without
 * @param mfaSerial         the device whose code was accepted; null without MFA
 * @param sealedSecret      AES-GCM sealed secret access key
 * @param tokenSha256       SHA-256 of the session token
 */
public record StoredSessionCredential(String accessKeyId, String accountId, String userName, String userId,
                                      String sourceAccessKeyId, Instant issuedAt, Instant expiration,
                                      Instant mfaAuthenticatedAt, String mfaSerial, byte[] sealedSecret,
                                      byte[] tokenSha256) {
    public StoredSessionCredential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sourceAccessKeyId, "sourceAccessKeyId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(sealedSecret, "sealedSecret");
        Objects.requireNonNull(tokenSha256, "tokenSha256");
    }

    /** The AAD that binds a sealed session secret to its access key id. */
    public static String aad(String accessKeyId) {
        return "asia:" + accessKeyId;
    }

    /** Key of {@link MfaSchema#SESSION_EXPIRY}: expiration epoch second (8 bytes big-endian) || access key id. */
    public static byte[] expiryKey(Instant expiration, String accessKeyId) {
        byte[] id = accessKeyId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] k = new byte[8 + id.length];
        long s = expiration.getEpochSecond();
        for (int i = 7; i >= 0; i--) {
            k[i] = (byte) s;
            s >>>= 8;
        }
        System.arraycopy(id, 0, k, 8, id.length);
        return k;
    }

    @Override
    public String toString() {
        return "StoredSessionCredential[accessKeyId=" + accessKeyId + ", accountId=" + accountId + ", userName="
                + userName + ", expiration=" + expiration + ", mfaAuthenticatedAt=" + mfaAuthenticatedAt + "]";
    }

    /** The same credential with its secret sealed anew (master key rotation). */
    public StoredSessionCredential withSealedSecret(byte[] sealed) {
        return new StoredSessionCredential(accessKeyId, accountId, userName, userId, sourceAccessKeyId, issuedAt,
                expiration, mfaAuthenticatedAt, mfaSerial, sealed, tokenSha256);
    }
}
