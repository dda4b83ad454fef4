package dev.dualkey.mfa.store;

import dev.dualkey.mfa.identity.AccessKeyStatus;
import java.time.Instant;

/** Persisted access key; {@code sealedSecret} is the AES-GCM sealed secret (AAD {@code "akid:" + id}). */
public record StoredAccessKey(String accessKeyId, String accountId, String userName, AccessKeyStatus status,
                              Instant createDate, byte[] sealedSecret, Instant lastUsedDate) {
    public static String aad(String accessKeyId) {
        return "akid:" + accessKeyId;
    }

    public StoredAccessKey withStatus(AccessKeyStatus s) {
        return new StoredAccessKey(accessKeyId, accountId, userName, s, createDate, sealedSecret, lastUsedDate);
    }

    public StoredAccessKey withLastUsed(Instant t) {
        return new StoredAccessKey(accessKeyId, accountId, userName, status, createDate, sealedSecret, t);
    }

    /** The same key with its secret sealed anew (master key rotation). */
    public StoredAccessKey withSealedSecret(byte[] sealed) {
        return new StoredAccessKey(accessKeyId, accountId, userName, status, createDate, sealed, lastUsedDate);
    }
}
