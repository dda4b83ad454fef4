package dev.dualkey.mfa.policy;

import java.util.List;
import java.util.Locale;

/**
 * IAM's evaluation logic for identity policies: default deny; any matching Deny statement wins; otherwise any
 * matching Allow allows.
 *
 * <p>Matching: actions case-insensitively with {@code *}/{@code ?}; resources case-sensitively with
 * {@code *}/{@code ?} after substituting policy variables ({@code ${aws:username}} and any other key present in
 * the request context; {@code ${*}}, {@code ${?}}, {@code ${$}} stand for the literal characters); conditions
 * with the operators {@link PolicyParser} accepts. A variable whose key is absent makes its element not match,
 * as in IAM.
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
                ? anyMatch(s.actions(), r.action(), true, null)
                : !anyMatch(s.notActions(), r.action(), true, null);
        if (!action) {
            return false;
        }
        boolean resource = s.resources() != null
                ? anyMatch(s.resources(), r.resource(), false, r)
                : !anyMatch(s.notResources(), r.resource(), false, r);
        if (!resource) {
            return false;
        }
        for (Condition c : s.conditions()) {
            if (!conditionHolds(c, r)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatch(List<String> patterns, String value, boolean ignoreCase, RequestContext vars) {
        for (String p : patterns) {
            String pattern = vars == null ? p : substitute(p, vars);
            if (pattern != null && Wildcards.matches(pattern, value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    private static boolean conditionHolds(Condition c, RequestContext r) {
        String actual = r.key(c.key());
        if (c.operator().equals("Null")) {
            boolean wantAbsent = c.values().stream().anyMatch(v -> v.equalsIgnoreCase("true"));
            return wantAbsent == (actual == null);
        }
        boolean negated = c.operator().contains("Not");
        if (actual == null) {
            // IAM: a missing key fails positive operators and satisfies negated ones; IfExists makes it match
            return c.ifExists() || negated;
        }
        boolean any = false;
        for (String raw : c.values()) {
            String expected = substitute(raw, r);
            if (expected != null && compare(c.operator(), expected, actual)) {
                any = true;
            }
        }
        return negated != any;
    }

    private static boolean compare(String operator, String expected, String actual) {
        return switch (operator) {
            case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals" -> expected.equals(actual);
            case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase" -> expected.equalsIgnoreCase(actual);
            case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike" -> Wildcards.matches(expected, actual,
                    false);
            case "Bool" -> expected.toLowerCase(Locale.ROOT).equals(actual.toLowerCase(Locale.ROOT));
            default -> false;
        };
    }

    /**
     * Replaces {@code ${key}} by the request's value; returns null when a referenced key is absent (the element
     * then matches nothing). {@code ${*}}, {@code ${?}}, {@code ${$}} become the bare characters.
     */
    static String substitute(String s, RequestContext r) {
        if (!s.contains("${")) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int start = s.indexOf("${", i);
            if (start < 0) {
                out.append(s, i, s.length());
                break;
            }
            int end = s.indexOf('}', start);
            if (end < 0) {
                out.append(s, i, s.length());
                break;
            }
            out.append(s, i, start);
            String name = s.substring(start + 2, end);
            switch (name) {
                case "*", "?", "$" -> out.append(name);
                default -> {
                    String v = r.key(name);
                    if (v == null) {
                        return null;
                    }
                    out.append(v);
                }
            }
            i = end + 1;
        }
        return out.toString();
    }
}
