package dev.dualkey.gateway.authz;

import dev.dualkey.storage.model.BucketInfo;

/**
 * The ACL part of the bucket owner's side of the decision ({@link AccountAuthorizer}): whether the bucket's ACL
 * (for bucket ARNs) or the addressed object's ACL (for object ARNs) grants the request's action to its caller.
 * The implementation maps the action to the ACL permission S3 documents (READ, WRITE, READ_ACP, WRITE_ACP,
 * FULL_CONTROL), honours Object Ownership (BucketOwnerEnforced: ACLs grant nothing beyond the owner) and
 * {@link PublicAccessBlock#ignorePublicAcls()} (grants to AllUsers / AuthenticatedUsers count for nothing).
 *
 * <p>Never an explicit deny: ACLs only grant. Called on the storage executor (may read the object's metadata).
 * {@link #OWNER_ONLY} is the default, S3's ACL of a new bucket and object: FULL_CONTROL for the owner only.
 */
@FunctionalInterface
public interface AclSide {
    /** What an ACL grants the caller. */
    enum Grant {
        /** Granted to the caller itself: AllUsers (anyone, anonymous too), AuthenticatedUsers (any signed caller). */
        CALLER,
        /**
         * Granted to the caller's account (a canonical-user or email grant): for an IAM user of that account the
         * account's identity policy must allow too, as when a bucket policy names an account.
         */
        ACCOUNT,
        /** Nothing granted. */
        NONE
    }

    Grant grant(AuthzRequest request, BucketInfo bucket);

    /**
     * The owner-only ACL: FULL_CONTROL for the bucket owner's account, which its root user holds anyway and its
     * IAM users get through identity policies; so it grants nobody anything beyond that.
     */
    AclSide OWNER_ONLY = (request, bucket) -> {
        Subject s = request.subject();
        return !s.isAnonymous() && s.accountId().equals(bucket.ownerAccountId()) ? Grant.ACCOUNT : Grant.NONE;
    };
}
