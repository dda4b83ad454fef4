package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.authz.AclSide;
import dev.dualkey.gateway.authz.Arns;
import dev.dualkey.gateway.authz.AuthzRequest;
import dev.dualkey.gateway.authz.IdentityPolicies;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Adds the ACL side to an authorizer that knows only identity policies and the account boundary: when it does not
 * decide (implicit deny) an S3 request on a bucket of ANOTHER account, the resource's ACL may allow it, and then, as
 * AWS requires across accounts, the caller's own account must allow it too (its root user always; an IAM user
 * through its identity policies, where an explicit Deny still wins).
 *
 * <p>Within the bucket owner's account nothing changes (identity policies decide; an ACL grant to one's own account
 * adds nothing AWS would not already allow the root user). An explicit Deny of the base authorizer is final. What the
 * decision allows then meets the MFA Delete gate like any other request.
 *
 * <p>This is the ACL part of issue 14's combined decision; the bucket-policy part composes the same way.
 */
public final class AclAuthorizer implements AccessAuthorizer {
    private final AccessAuthorizer base;
    private final AclSide acls;
    private final Function<String, Optional<BucketInfo>> buckets;
    private final IdentityPolicies callerPolicies;

    /**
     * @param base           identity policies and the account boundary
     * @param buckets        bucket name -> bucket, empty when it does not exist
     * @param callerPolicies an IAM user's identity policies in its own account (never called for root)
     */
    public AclAuthorizer(AccessAuthorizer base, AclSide acls, Function<String, Optional<BucketInfo>> buckets,
                         IdentityPolicies callerPolicies) {
        this.base = Objects.requireNonNull(base, "base");
        this.acls = Objects.requireNonNull(acls, "acls");
        this.buckets = Objects.requireNonNull(buckets, "buckets");
        this.callerPolicies = Objects.requireNonNull(callerPolicies, "callerPolicies");
    }

    @Override
    public Decision decide(AuthzRequest request) {
        Decision d = base.decide(request);
        if (d != Decision.IMPLICIT_DENY) {
            return d;
        }
        Optional<BucketInfo> bucket = Arns.bucketOf(request.resource()).flatMap(buckets);
        if (bucket.isEmpty() || bucket.get().ownerAccountId().equals(request.subject().accountId())) {
            return d;
        }
        if (acls.decide(request, bucket.get()) != Decision.ALLOW) {
            return d;
        }
        if (AclDecisions.isAnonymous(request.subject()) || request.subject().root()) {
            return Decision.ALLOW;
        }
        return callerPolicies.evaluate(request);
    }
}
