package dev.dualkey.gateway.console;

import java.util.Map;

import dev.dualkey.gateway.console.page.Authorizer;
import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.policy.RequestContext;

/**
 * Console authorization through mfa's policy evaluator ({@link IdentityService#authorize}), with the same
 * action names and resource ARNs as the S3 and IAM APIs, plus {@code aws:MultiFactorAuthPresent} from the
 * session and {@code aws:SecureTransport} from the listener. The root user may do everything in its account.
 */
public final class PolicyAuthorizer implements Authorizer {
    private final IdentityService identity;
    private final boolean secure;

    public PolicyAuthorizer(IdentityService identity, boolean secure) {
        this.identity = identity;
        this.secure = secure;
    }

    @Override
    public boolean allowed(ConsoleUser user, String action, String resourceArn) {
        Caller caller;
        if (user.isRoot()) {
            caller = new Caller(user.accountId(), IamUser.ROOT, user.accountId(), user.arn(), true);
        } else {
            IamUser u = identity.findUser(user.accountId(), user.userName()).orElse(null);
            if (u == null) {
                return false; // deleted while signed in
            }
            caller = new Caller(u.accountId(), u.userName(), u.userId(), u.arn(), false);
        }
        return identity.authorize(caller, action, resourceArn, Map.of(
                RequestContext.MFA_PRESENT, Boolean.toString(user.mfaPresent()),
                "aws:SecureTransport", Boolean.toString(secure))).allowed();
    }
}
