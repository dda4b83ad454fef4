package dev.dualkey.gateway.kms;

import java.time.Instant;
import java.util.Objects;

/**
 * One KMS key's metadata and its sealed material (never the material itself).
 *
 * @param keyId          a UUID
 * @param accountId      the owning account
 * @param region         the region of its ARN (the server's region when it was created)
 * @param description    free text, may be empty
 * @param awsManaged     true for the account's {@code aws/s3} key (KeyManager AWS: cannot be disabled or deleted)
 * @param state          Enabled, Disabled or PendingDeletion
 * @param created        creation time
 * @param deletionDate   when a scheduled deletion destroys the material (null unless PendingDeletion)
 * @param sealedMaterial the 32-byte material sealed under the master key (AAD {@code "kms:" + keyId})
 */
public record KmsKey(String keyId, String accountId, String region, String description, boolean awsManaged,
                     KeyState state, Instant created, Instant deletionDate, byte[] sealedMaterial) {
    public KmsKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(sealedMaterial, "sealedMaterial");
        description = description == null ? "" : description;
    }

    /** {@code arn:aws:kms:<region>:<account>:key/<id>}. */
    public String arn() {
        return KmsArns.keyArn(region, accountId, keyId);
    }

    public KmsKey withState(KeyState s, Instant deletion) {
        return new KmsKey(keyId, accountId, region, description, awsManaged, s, created, deletion, sealedMaterial);
    }

    public KmsKey withSealedMaterial(byte[] sealed) {
        return new KmsKey(keyId, accountId, region, description, awsManaged, state, created, deletionDate, sealed);
    }
}
