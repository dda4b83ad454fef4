package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.auth.Authorizer;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.iam.IamAuthorizer;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IdentityService;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authorization through the mfa module's identity policies, for S3 and IAM actions alike.
 *
 * <p>S3: resources are {@code arn:aws:s3:::bucket} and {@code arn:aws:s3:::bucket/key}. A bucket belongs to
 * one account: a principal of another account is denied whatever its policies say (Dualkey has no bucket
 * policies yet). Within its own account the root user may do anything; an IAM user what its inline policies
 * allow (explicit Deny wins, default deny). A bucket that does not exist is judged on policies alone, so the
 * operation can answer NoSuchBucket (or create it). Account-level actions ({@code *}) are judged on policies.
 *
 * <p>IAM: the same evaluation on {@code iam:<Action>} and the IAM resource ARN.
 */
public final class MfaAuthorizer implements Authorizer, IamAuthorizer {
    private static final String S3_ARN = "arn:aws:s3:::";

    private final IdentityService identity;
    private final Function<String, Optional<String>> bucketOwner;

    /** @param bucketOwner bucket name -> owning account id, empty when the bucket does not exist */
    public MfaAuthorizer(IdentityService identity, Function<String, Optional<String>> bucketOwner) {
        this.identity = identity;
        this.bucketOwner = bucketOwner;
    }

    @Override
    public boolean isAllowed(Principal principal, String action, String resourceArn) {
        // CreateBucket is an account-level action: a name taken by another account is answered by the store as
        // BucketAlreadyExists (409), as S3 does, not hidden behind AccessDenied.
        if (resourceArn.startsWith(S3_ARN) && !"s3:CreateBucket".equals(action)) {
            String rest = resourceArn.substring(S3_ARN.length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            Optional<String> owner = bucketOwner.apply(bucket);
            if (owner.isPresent() && !owner.get().equals(principal.accountId())) {
                return false;
            }
        }
        return decide(principal.accountId(), principal.userName(), principal.root(), principal.arn(), action,
                resourceArn).allowed();
    }

    @Override
    public IamAuthorizer.Decision evaluate(IamCaller caller, String action, String resourceArn) {
        dev.dualkey.mfa.policy.Decision d = decide(caller.accountId(), caller.userName(), caller.isRoot(), caller.arn(), action,
                resourceArn);
        return switch (d) {
            case ALLOW -> IamAuthorizer.Decision.ALLOW;
            case EXPLICIT_DENY -> IamAuthorizer.Decision.EXPLICIT_DENY;
            case IMPLICIT_DENY -> IamAuthorizer.Decision.IMPLICIT_DENY;
        };
    }

    private dev.dualkey.mfa.policy.Decision decide(String accountId, String userName, boolean root, String arn, String action,
                            String resource) {
        String userId = root ? accountId
                : identity.findUser(accountId, userName).map(dev.dualkey.mfa.identity.IamUser::userId)
                        .orElse(null);
        if (userId == null) {
            // The user was deleted after its key was looked up: nothing is allowed.
            return dev.dualkey.mfa.policy.Decision.IMPLICIT_DENY;
        }
        return identity.authorize(new Caller(accountId, userName, userId, arn, root), action, resource, Map.of());
    }
}
