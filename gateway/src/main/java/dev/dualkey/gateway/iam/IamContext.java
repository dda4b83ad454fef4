package dev.dualkey.gateway.iam;

import dev.dualkey.gateway.iam.directory.Actor;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.iam.error.IamException;
import dev.dualkey.gateway.iam.validate.ValidatedParams;

/** What an {@link IamActionHandler} sees of its request: the caller, validated inputs, authorization. */
public final class IamContext {
    private final IamAction action;
    private final IamCall call;
    private final ValidatedParams params;
    private final IamAuthorizer authorizer;
    private boolean authorized;

    IamContext(IamAction action, IamCall call, ValidatedParams params, IamAuthorizer authorizer) {
        this.action = action;
        this.call = call;
        this.params = params;
        this.authorizer = authorizer;
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
            throw new IamException(IamErrorCode.ACCESS_DENIED, "User: " + caller.arn()
                    + " is not authorized to perform: " + action.policyAction() + " on resource: " + resourceArn
                    + why);
        }
        authorized = true;
    }

    private boolean inOwnAccount(String resourceArn) {
        return resourceArn.equals("*")
                || resourceArn.startsWith("arn:aws:iam::" + call.caller().accountId() + ":");
    }

    boolean authorized() {
        return authorized;
    }
}
