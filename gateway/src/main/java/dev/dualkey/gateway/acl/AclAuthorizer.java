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
 * AWS requires across accounts, the caller's own account must allow it too: a grant to everyone
 * ({@link AclSide.Grant#CALLER}) suffices for the anonymous caller and for the root user; a grant to the account
 * ({@link AclSide.Grant#ACCOUNT}) suffices for its root user; an IAM user needs its identity policies as well,
 * where an explicit Deny still wins.
 *
 * <p>Within the bucket owner's account nothing changes (identity policies decide). An explicit Deny of the base
 * authorizer is final. What the decision allows then meets the MFA Delete gate like any other request.
 *
 * <p>A stand-in until issue 14's combined decision ({@code authz.AccountAuthorizer} with {@code AclSides}) takes the
 * same {@link AclSide}: at merge, {@code AclSides.forStore} returns {@link AclDecisions} and this class goes.
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
        if (d != Decision.IMPLICIT_DENY || "s3:CreateBucket".equals(request.action())) {
            return d;
        }
        Optional<BucketInfo> bucket = Arns.bucketOf(request.resource()).flatMap(buckets);
        if (bucket.isEmpty() || bucket.get().ownerAccountId().equals(request.subject().accountId())) {
            return d;
        }
        AclSide.Grant grant = acls.grant(request, bucket.get());
        if (grant == AclSide.Grant.NONE || request.subject().isAnonymous() && grant != AclSide.Grant.CALLER) {
            return d;
        }
        if (request.subject().isAnonymous() || request.subject().root()) {
            return Decision.ALLOW;
        }
        return callerPolicies.evaluate(request);
    }
}
