package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The authorization rules, in the order AWS applies them for a principal without resource policies:
 * <ol>
 *   <li><b>Account boundary.</b> An S3 resource of a bucket owned by another account, or an IAM resource
 *       ({@code arn:aws:iam::<acct>:...}) of another account, is denied whatever the caller's policies say
 *       (Dualkey has no bucket policies or cross-account roles). {@code s3:CreateBucket} is an account-level
 *       action: a name taken by another account is answered by the store as BucketAlreadyExists, as S3 does. A
 *       bucket that does not exist is judged on policies alone, so the operation answers NoSuchBucket.</li>
 *   <li><b>Root</b> of the account may do anything in it.</li>
 *   <li><b>IAM users</b>: their identity policies ({@link IdentityPolicies}), explicit Deny wins, default deny.</li>
 * </ol>
 */
public final class AccountAuthorizer implements AccessAuthorizer {
    private static final String IAM_ARN = "arn:aws:iam::";

    private final Function<String, Optional<String>> bucketOwner;
    private final IdentityPolicies policies;

    /**
     * @param bucketOwner bucket name -> owning account id, empty when the bucket does not exist
     * @param policies    IAM users' identity policies
     */
    public AccountAuthorizer(Function<String, Optional<String>> bucketOwner, IdentityPolicies policies) {
        this.bucketOwner = Objects.requireNonNull(bucketOwner, "bucketOwner");
        this.policies = Objects.requireNonNull(policies, "policies");
    }

    /**
     * Without an identity store there are no policies: every principal of the owning account may act as its root
     * user; other accounts are still kept out.
     */
    public static AccountAuthorizer withoutPolicies(Function<String, Optional<String>> bucketOwner) {
        return new AccountAuthorizer(bucketOwner, r -> Decision.ALLOW);
    }

    @Override
    public Decision decide(AuthzRequest request) {
        if (!withinAccount(request)) {
            return Decision.IMPLICIT_DENY;
        }
        if (request.subject().root()) {
            return Decision.ALLOW;
        }
        return policies.evaluate(request);
    }

    private boolean withinAccount(AuthzRequest request) {
        String account = request.subject().accountId();
        String resource = request.resource();
        if (resource.startsWith(Arns.S3)) {
            if ("s3:CreateBucket".equals(request.action())) {
                return true;
            }
            Optional<String> owner = Arns.bucketOf(resource).flatMap(bucketOwner);
            return owner.isEmpty() || owner.get().equals(account);
        }
        if (resource.startsWith(IAM_ARN)) {
            return resource.startsWith(IAM_ARN + account + ":");
        }
        return true; // "*": account-level actions (ListAllMyBuckets, iam:ListUsers, ...)
    }
}
