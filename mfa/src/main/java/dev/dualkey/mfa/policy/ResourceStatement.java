package dev.dualkey.mfa.policy;

import java.util.Objects;

/**
 * One statement of a resource policy (a bucket policy): the identity-policy {@link Statement} (effect, actions,
 * resources, conditions) plus whom it names.
 *
 * @param principal    the Principal element, or the NotPrincipal element when {@code notPrincipal}
 * @param notPrincipal the statement applies to every caller its element does <em>not</em> name
 */
public record ResourceStatement(Statement statement, Principals principal, boolean notPrincipal) {
    public ResourceStatement {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(principal, "principal");
    }

    /** Whether the statement's action, resource and conditions match {@code request} (principal aside). */
    public boolean matches(RequestContext request) {
        return PolicyEvaluator.matches(statement, request);
    }
}
