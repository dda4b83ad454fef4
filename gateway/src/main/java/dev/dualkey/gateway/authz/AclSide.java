package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.storage.model.BucketInfo;

/**
 * The ACL side of an S3 authorization decision: whether the bucket's or the object's access control list allows
 * the request ({@link Decision#ALLOW}) or not ({@link Decision#IMPLICIT_DENY}; an ACL never denies explicitly).
 * An implementation reads the object's ACL itself when the action is decided by it (the object ARN of the check and
 * the request's {@code s3:VersionId} key address the version). Implemented by {@code acl.AclDecisions}.
 */
@FunctionalInterface
public interface AclSide {
    Decision decide(AuthzRequest request, BucketInfo bucket);
}
