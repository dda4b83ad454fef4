package dev.dualkey.storage.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A bucket as stored.
 *
 * @param name           bucket name
 * @param ownerAccountId owning account
 * @param creationDate   creation time
 * @param region         region given at creation (e.g. {@code us-east-1})
 * @param config         current configuration
 */
public record BucketInfo(String name, String ownerAccountId, Instant creationDate, String region,
                         BucketConfig config) {
    public BucketInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownerAccountId, "ownerAccountId");
        Objects.requireNonNull(creationDate, "creationDate");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(config, "config");
    }

    public VersioningState versioning() {
        return config.versioning();
    }

    public MfaDeleteState mfaDelete() {
        return config.mfaDelete();
    }
}
