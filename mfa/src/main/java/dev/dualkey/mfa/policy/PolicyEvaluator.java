package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * IAM's evaluation logic for identity policies: default deny; any matching Deny statement wins; otherwise any
 * matching Allow allows.
 *
 * <p>A statement matches when its action, resource and every condition match. Actions match
 * case-insensitively with {@code *}/{@code ?}; resources case-sensitively with {@code *}/{@code ?} after
 * substituting policy variables (Version 2012-10-17 only, see {@link PolicyString}); a {@code NotAction} /
 * {@code NotResource} matches everything its list does not. Conditions: {@link ConditionEvaluator}.
 */
public final class PolicyEvaluator {
    private PolicyEvaluator() {
    }

    /** Evaluates {@code request} against all {@code policies} of the caller. */
    public static Decision evaluate(List<Policy> policies, RequestContext request) {
        boolean allowed = false;
        for (Policy p : policies) {
            for (Statement s : p.statements()) {
                if (matches(s, request)) {
                    if (s.effect() == Effect.DENY) {
                        return Decision.EXPLICIT_DENY;
                    }
                    allowed = true;
                }
            }
        }
        return allowed ? Decision.ALLOW : Decision.IMPLICIT_DENY;
    }

    static boolean matches(Statement s, RequestContext r) {
        boolean action = s.actions() != null
                ? anyAction(s.actions(), r.action())
                : !anyAction(s.notActions(), r.action());
        if (!action) {
            return false;
        }
        boolean resource = s.resources() != null
                ? anyResource(s.resources(), r)
                : !anyResource(s.notResources(), r);
        if (!resource) {
            return false;
        }
        for (Condition c : s.conditions()) {
            if (!ConditionEvaluator.holds(c, r)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyAction(List<String> patterns, String action) {
        for (String p : patterns) {
            if (Wildcards.matches(p, action, true)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyResource(List<PolicyString> patterns, RequestContext r) {
        for (PolicyString p : patterns) {
            int[] tokens = p.render(r);
            if (tokens != null && Wildcards.matches(tokens, r.resource(), false)) {
                return true;
            }
        }
        return false;
    }
}
