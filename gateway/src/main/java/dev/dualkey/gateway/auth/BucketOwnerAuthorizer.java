package dev.dualkey.gateway.auth;

import java.util.Optional;
import java.util.function.Function;

/**
 * The default policy until IAM policies exist: a principal may act on the buckets its account owns (and their
 * objects), may list its buckets and may create buckets; another account's bucket is denied. A bucket that does
 * not exist is allowed here so that the operation itself answers {@code NoSuchBucket}, as S3 does for the owner.
 */
public final class BucketOwnerAuthorizer implements Authorizer {
    private final Function<String, Optional<String>> bucketOwner;

    /** @param bucketOwner bucket name -> owning account id, empty when the bucket does not exist */
    public BucketOwnerAuthorizer(Function<String, Optional<String>> bucketOwner) {
        this.bucketOwner = bucketOwner;
    }

    @Override
    public boolean isAllowed(Principal principal, String action, String resourceArn) {
        String prefix = "arn:aws:s3:::";
        if (action.equals("s3:CreateBucket")) {
            return true; // an account-level action: an existing bucket answers BucketAlreadyExists, as in S3
        }
        if (!resourceArn.startsWith(prefix)) {
            return true; // account-level actions (ListBuckets, CreateBucket)
        }
        String rest = resourceArn.substring(prefix.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        return bucketOwner.apply(bucket).map(owner -> owner.equals(principal.accountId())).orElse(true);
    }
}
