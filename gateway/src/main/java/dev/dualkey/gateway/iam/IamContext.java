package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.directory.Actor;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.validate.ValidatedParams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** What an {@link IamActionHandler} sees of its request: the caller, validated inputs, authorization. */
public final class IamContext {
    /**
     * How recent a session's MFA proof must be for changes to root's second factor (enabling another root
     * device, deactivating, resynchronising or deleting one). 15 minutes is the "sudo mode" window of the AWS
     * console's recent-sign-in re-prompt and of GitHub/Google's re-authentication: long enough to swap a device
     * (create, scan, two consecutive codes: about a minute), short enough that a session stolen from a laptop
     * or a log expires as a key to root's MFA before it is useful. It equals the SigV4 clock-skew window, so
     * a replayed signed request cannot outlive it either.
     */
    public static final Duration RECENT_MFA = Duration.ofMinutes(15);

    private final IamAction action;
    private final IamCall call;
    private final ValidatedParams params;
    private final IamAuthorizer authorizer;
    private final Clock clock;
    private boolean authorized;

    IamContext(IamAction action, IamCall call, ValidatedParams params, IamAuthorizer authorizer, Clock clock) {
        this.action = action;
        this.call = call;
        this.params = params;
        this.authorizer = authorizer;
        this.clock = clock;
    }

    public IamAction action() {
        return action;
    }

    public IamCaller caller() {
        return call.caller();
    }

    public String accountId() {
        return call.caller().accountId();
    }

    public ValidatedParams params() {
        return params;
    }

    public String requestId() {
        return call.requestId();
    }

    public String clientAddress() {
        return call.clientAddress();
    }

    public String accessKeyId() {
        return call.accessKeyId();
    }

    /** The caller as the identity store sees it (account scope and audit fields). */
    public Actor actor() {
        return new Actor(call.caller().accountId(), call.caller().userName(), call.caller().arn(), call.accessKeyId(), call.clientAddress());
    }

    /**
     * Authorizes this action on {@code resourceArn} or throws AccessDenied (403) in IAM's wording. The root
     * user may do anything in its own account; an IAM user needs an identity policy allowing it.
     */
    public void authorize(String resourceArn) {
        authorize(resourceArn, resourceArn);
    }

    /**
     * Decides on {@code resourceArn}, the canonical ARN (stored name and path, so a Deny on a path or on the
     * stored case is honoured), but names {@code reportedArn}, the resource as the caller wrote it, in the
     * AccessDenied message: an unauthorized caller learns neither whether the user exists nor its path.
     */
    public void authorize(String resourceArn, String reportedArn) {
        IamCaller caller = call.caller();
        IamAuthorizer.Decision decision;
        if (caller.isRoot() && inOwnAccount(resourceArn)) {
            decision = IamAuthorizer.Decision.ALLOW;
        } else if (caller.isRoot()) {
            decision = IamAuthorizer.Decision.IMPLICIT_DENY;
        } else {
            decision = authorizer.evaluate(call, action.policyAction(), resourceArn);
        }
        if (decision != IamAuthorizer.Decision.ALLOW) {
            String why = decision == IamAuthorizer.Decision.EXPLICIT_DENY
                    ? " with an explicit deny in an identity-based policy"
                    : " because no identity-based policy allows the " + action.policyAction() + " action";
            throw denied(reportedArn, why);
        }
        authorized = true;
    }

    /**
     * Authorizes an action whose target is the account's root user (its keys, password, devices, policies):
     * only the root user itself may, whatever an IAM user's policy says ({@code iam:*} on {@code *} included).
     */
    public void authorizeOnRoot() {
        String rootArn = IamArns.root(accountId());
        if (!call.caller().isRoot()) {
            throw denied(rootArn, " because only the account's root user may act on the root user");
        }
        authorize(rootArn);
    }

    /**
     * Changes to root's second factor take the second factor: the caller must be root, signed with temporary
     * credentials whose MFA proof is at most {@link #RECENT_MFA} old (STS GetSessionToken with the device's
     * code, or a console session that proved a code recently). Long-term keys never qualify.
     */
    public void requireRecentMfa(String resourceArn) {
        IamCaller caller = call.caller();
        Instant at = caller.mfaAuthenticatedAt();
        Instant now = clock.instant();
        boolean recent = caller.isRoot() && caller.temporary() && at != null
                && !at.isBefore(now.minus(RECENT_MFA));
        if (!recent) {
            throw denied(resourceArn, " because no session with multi-factor authentication (MFA) newer than "
                    + RECENT_MFA.toMinutes() + " minutes was used: call sts get-session-token with your MFA "
                    + "device's code and sign this request with those credentials");
        }
    }

    private IamException denied(String reportedArn, String why) {
        return new IamException(IamErrorCode.ACCESS_DENIED, "User: " + call.caller().arn()
                + " is not authorized to perform: " + action.policyAction() + " on resource: " + reportedArn + why);
    }

    private boolean inOwnAccount(String resourceArn) {
        return resourceArn.equals("*")
                || resourceArn.startsWith("arn:aws:iam::" + call.caller().accountId() + ":");
    }

    boolean authorized() {
        return authorized;
    }
}
