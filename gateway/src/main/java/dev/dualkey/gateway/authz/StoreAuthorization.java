package dev.dualkey.gateway.authz;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Wires {@link AccountAuthorizer} over an {@link ObjectStore}: buckets (owner, stored policy, public access
 * block) and object tags come from the store, ACLs from {@link AclSides}. One bucket-policy cache per authorizer.
 * Every authorizer of the gateway (S3 API, IAM API, console) is made here, so they decide alike.
 */
public final class StoreAuthorization {
    private StoreAuthorization() {
    }

    /** The authorizer over {@code store} with IAM users' {@code policies}. */
    public static AccountAuthorizer over(ObjectStore store, IdentityPolicies policies) {
        return new AccountAuthorizer(buckets(store), policies, bucketPolicySide(store), AclSides.forStore(store));
    }

    /** bucket name -> the bucket, empty when it does not exist. */
    public static Function<String, Optional<BucketInfo>> buckets(ObjectStore store) {
        return name -> {
            try {
                return Optional.of(store.headBucket(name));
            } catch (NoSuchBucketException e) {
                return Optional.empty();
            }
        };
    }

    /** The bucket-policy side, reading a version's tags only for policies that mention them. */
    public static BucketPolicySide bucketPolicySide(ObjectStore store) {
        return new BucketPolicySide(new BucketPolicies(BucketPolicies.DEFAULT_CAPACITY), (bucket, key, versionId) -> {
            try {
                ObjectVersion v = store.headObject(bucket, key, versionId);
                return v.metadata() == null ? Map.of() : v.metadata().tags();
            } catch (StorageException e) {
                return Map.of(); // no such key or version, a delete marker: the request has no existing tags
            }
        });
    }
}
