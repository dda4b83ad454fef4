package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The authorization decision, as AWS makes it ("Policy evaluation logic" and "How Amazon S3 authorizes a
 * request"), in one small pipeline: the caller's side ({@link IdentityPolicies}: root may do anything in its
 * account, IAM users what their identity policies allow) and, for S3 resources of an existing bucket, the bucket
 * owner's side ({@link BucketPolicySide} and {@link AclSide}, with {@link PublicAccessBlock}).
 * <ol>
 *   <li><b>Non-S3 resources</b> ({@code *}, IAM ARNs) and {@code s3:CreateBucket}: the caller's side only; an IAM
 *       resource of another account is denied; the anonymous caller is denied. A bucket that does not exist is
 *       judged the same way, so the operation answers NoSuchBucket to a caller allowed to ask.</li>
 *   <li><b>Explicit deny wins</b>: a Deny of the bucket policy naming the caller, or of the caller's identity
 *       policy, denies. Exception, as AWS: the owning account's root user may always Get/Put/DeleteBucketPolicy
 *       (so a policy cannot lock its owner out).</li>
 *   <li><b>Within the owning account</b>: root is allowed; an IAM user is allowed by its identity policy, or by a
 *       bucket policy or ACL grant naming the user itself (or everyone). A grant naming only the account
 *       delegates to the account's identity policies.</li>
 *   <li><b>Across accounts, and anonymous</b>: both sides must allow: the bucket owner's side (policy or ACL, for
 *       the caller or its account) and the caller's (its root: yes; its users: their identity policy; the
 *       anonymous caller: only a grant to everyone counts).</li>
 * </ol>
 * The MFA Delete gate runs after this decision, whatever it allowed (gateway/.../protect).
 */
public final class AccountAuthorizer implements AccessAuthorizer {
    private static final String IAM_ARN = "arn:aws:iam::";
    /** What the owning account's root may always do, even under a Deny of the bucket policy (AWS). */
    private static final Set<String> ROOT_POLICY_ACTIONS = Set.of("s3:GetBucketPolicy", "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy");

    private final Function<String, Optional<BucketInfo>> buckets;
    private final IdentityPolicies policies;
    private final BucketPolicySide bucketPolicies;
    private final AclSide acls;

    /**
     * @param buckets        bucket name -> the bucket, empty when it does not exist
     * @param policies       IAM users' identity policies
     * @param bucketPolicies the bucket policy side
     * @param acls           the ACL side ({@link AclSides#forStore})
     */
    public AccountAuthorizer(Function<String, Optional<BucketInfo>> buckets, IdentityPolicies policies,
                             BucketPolicySide bucketPolicies, AclSide acls) {
        this.buckets = Objects.requireNonNull(buckets, "buckets");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.bucketPolicies = Objects.requireNonNull(bucketPolicies, "bucketPolicies");
        this.acls = Objects.requireNonNull(acls, "acls");
    }

    /**
     * Without an identity store there are no identity policies: every principal of the owning account may act as
     * its root user; bucket policies and ACLs still decide for everyone else.
     */
    public static AccountAuthorizer withoutPolicies(Function<String, Optional<BucketInfo>> buckets,
                                                    BucketPolicySide bucketPolicies, AclSide acls) {
        return new AccountAuthorizer(buckets, r -> Decision.ALLOW, bucketPolicies, acls);
    }

    @Override
    public Decision decide(AuthzRequest request) {
        Subject subject = request.subject();
        String resource = request.resource();
        Optional<BucketInfo> bucket = resource.startsWith(Arns.S3) && !"s3:CreateBucket".equals(request.action())
                ? Arns.bucketOf(resource).flatMap(buckets) : Optional.empty();
        if (bucket.isEmpty()) {
            if (subject.isAnonymous()) {
                return Decision.IMPLICIT_DENY;
            }
            if (resource.startsWith(IAM_ARN) && !resource.startsWith(IAM_ARN + subject.accountId() + ":")) {
                return Decision.IMPLICIT_DENY;
            }
            return identity(request);
        }
        return decideOnBucket(request, bucket.get());
    }

    private Decision decideOnBucket(AuthzRequest request, BucketInfo bucket) {
        Subject subject = request.subject();
        boolean ownerAccount = !subject.isAnonymous() && subject.accountId().equals(bucket.ownerAccountId());
        BucketPolicySide.Grant policy = bucketPolicies.evaluate(request, bucket);
        if (policy == BucketPolicySide.Grant.DENY) {
            if (ownerAccount && subject.root() && ROOT_POLICY_ACTIONS.contains(request.action())) {
                return Decision.ALLOW;
            }
            return Decision.EXPLICIT_DENY;
        }
        if (ownerAccount && subject.root()) {
            return Decision.ALLOW;
        }
        AclSide.Grant acl = acls.grant(request, bucket);
        boolean callerNamed = policy == BucketPolicySide.Grant.CALLER || acl == AclSide.Grant.CALLER;
        if (!ownerAccount) { // across accounts (or anonymous): the owner's side first, then the caller's
            boolean ownerSide = callerNamed || policy == BucketPolicySide.Grant.ACCOUNT
                    || acl == AclSide.Grant.ACCOUNT;
            if (!ownerSide) {
                return Decision.IMPLICIT_DENY;
            }
            if (subject.isAnonymous()) {
                return callerNamed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
            }
            return identity(request);
        }
        Decision identity = identity(request);
        if (identity == Decision.EXPLICIT_DENY) {
            return Decision.EXPLICIT_DENY;
        }
        return identity == Decision.ALLOW || callerNamed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    /** The caller's own side: root may do anything in its account, an IAM user what its policies allow. */
    private Decision identity(AuthzRequest request) {
        return request.subject().root() ? Decision.ALLOW : policies.evaluate(request);
    }
}
