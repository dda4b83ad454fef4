package dev.dualkey.gateway.authz;

import dev.dualkey.mfa.policy.Decision;
import java.util.Map;
import java.util.Objects;

/**
 * The authorizer bound to one request's context: what an operation handler uses when it has checks of its own to
 * make (DeleteObjects evaluates each entry).
 */
public final class RequestAuthorizer {
    private final AccessAuthorizer authorizer;
    private final RequestContextBuilder context;

    public RequestAuthorizer(AccessAuthorizer authorizer, RequestContextBuilder context) {
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.context = Objects.requireNonNull(context, "context");
    }

    public Decision decide(Check check) {
        return authorizer.decide(context.build(check));
    }

    /** {@code check} with condition keys of its own (e.g. a DeleteObjects entry's {@code s3:VersionId}). */
    public Decision decide(Check check, Map<String, String> checkKeys) {
        return authorizer.decide(context.build(check, checkKeys));
    }

    public boolean allows(Check check) {
        return decide(check) == Decision.ALLOW;
    }

    public boolean allows(Check check, Map<String, String> checkKeys) {
        return decide(check, checkKeys) == Decision.ALLOW;
    }

    public RequestContextBuilder context() {
        return context;
    }
}
