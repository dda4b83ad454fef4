package dev.dualkey.gateway.iam;

/**
 * Evaluates an IAM user's identity policies for one IAM action on one resource ARN. Root callers never
 * reach it: the root user may do anything in its own account.
 */
@FunctionalInterface
public interface IamAuthorizer {

    /** Outcome of a policy evaluation, distinguishing the two denials as IAM's messages do. */
    enum Decision { ALLOW, IMPLICIT_DENY, EXPLICIT_DENY }

    Decision evaluate(IamCaller caller, String action, String resourceArn);

    /**
     * The evaluation with the whole call's request context (transport, client address, the caller's MFA
     * context); {@link IamContext#authorize} calls this one. The gateway's implementation builds the context with
     * the one request-context builder ({@code dev.dualkey.gateway.authz.RequestContextBuilder}).
     */
    default Decision evaluate(IamCall call, String action, String resourceArn) {
        return evaluate(call.caller(), action, resourceArn);
    }
}
