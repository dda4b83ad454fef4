package dev.dualkey.mfa.policy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Decides one {@link Condition} against a request, as IAM documents it ("IAM JSON policy elements: Condition
 * operators" and "Set operators for multivalued context keys"):
 * <ul>
 *   <li>a missing key fails a positive operator and satisfies a negated one (StringNotEquals, NotIpAddress,
 *       ArnNotLike...); {@code ...IfExists} makes a missing key satisfy any operator; {@code Null} tests
 *       presence ({@code true}: the key must be missing);</li>
 *   <li>{@code ForAllValues:} is true when every request value satisfies the operator, and when the key is
 *       missing (or has no values); {@code ForAnyValue:} is true when at least one request value does, false
 *       when the key is missing;</li>
 *   <li>without a qualifier, the request value satisfies a positive operator when it matches any policy value,
 *       a negated operator when it matches none.</li>
 * </ul>
 * A request value the operator cannot read (a non-number for NumericEquals, a non-address for IpAddress)
 * matches no policy value.
 */
final class ConditionEvaluator {
    private ConditionEvaluator() {
    }

    static boolean holds(Condition c, RequestContext request) {
        List<String> actual = request.values(c.key());
        boolean missing = actual == null;
        ConditionOperator op = c.operator();
        if (op == ConditionOperator.NULL) {
            for (PolicyString v : c.values()) {
                Boolean wantMissing = ConditionValues.bool(v.source());
                if (wantMissing != null && wantMissing == missing) {
                    return true;
                }
            }
            return false;
        }
        if (missing) {
            if (c.ifExists()) {
                return true;
            }
            return switch (c.qualifier()) {
                case FOR_ALL_VALUES -> true;
                case FOR_ANY_VALUE -> false;
                case NONE -> op.negated();
            };
        }
        return switch (c.qualifier()) {
            case FOR_ALL_VALUES -> actual.stream().allMatch(v -> satisfies(c, v, request));
            case FOR_ANY_VALUE -> actual.stream().anyMatch(v -> satisfies(c, v, request));
            case NONE -> op.negated()
                    ? actual.stream().noneMatch(v -> matchesAnyPolicyValue(c, v, request))
                    : actual.stream().anyMatch(v -> matchesAnyPolicyValue(c, v, request));
        };
    }

    /** One request value against the operator: a policy value matches (positive) or none does (negated). */
    private static boolean satisfies(Condition c, String value, RequestContext request) {
        return c.operator().negated() != matchesAnyPolicyValue(c, value, request);
    }

    private static boolean matchesAnyPolicyValue(Condition c, String value, RequestContext request) {
        for (PolicyString p : c.values()) {
            if (matches(c.operator(), p, value, request)) {
                return true;
            }
        }
        return false;
    }

    /** The positive comparison of one policy value with one request value. */
    static boolean matches(ConditionOperator op, PolicyString policyValue, String value, RequestContext request) {
        ConditionOperator.Type type = op.type();
        if (type.takesVariables()) {
            int[] tokens = policyValue.render(request);
            if (tokens == null) {
                return false; // a variable without value equals nothing
            }
            return switch (type) {
                case STRING -> Wildcards.text(tokensAsLiteral(tokens)).equals(value);
                case STRING_IGNORE_CASE -> Wildcards.matches(tokensAsLiteral(tokens), value, true);
                case STRING_LIKE -> Wildcards.matches(tokens, value, false);
                case ARN -> Arns.matches(tokens, value);
                default -> throw new IllegalStateException(type.name());
            };
        }
        String p = policyValue.source();
        return switch (type) {
            case NUMERIC -> {
                BigDecimal a = ConditionValues.number(value);
                BigDecimal b = ConditionValues.number(p);
                yield a != null && b != null && op.relation().holds(a.compareTo(b));
            }
            case DATE -> {
                Instant a = ConditionValues.date(value);
                Instant b = ConditionValues.date(p);
                yield a != null && b != null && op.relation().holds(a.compareTo(b));
            }
            case BOOL -> {
                Boolean a = ConditionValues.bool(value);
                yield a != null && a.equals(ConditionValues.bool(p));
            }
            case BINARY -> {
                byte[] a = ConditionValues.binary(value);
                byte[] b = ConditionValues.binary(p);
                yield a != null && b != null && Arrays.equals(a, b);
            }
            case IP -> {
                IpRange range = IpRange.parse(p);
                yield range != null && range.contains(value);
            }
            default -> throw new IllegalStateException(type.name());
        };
    }

    /** StringEquals compares text: a {@code *} or {@code ?} of the policy value is a plain character there. */
    private static int[] tokensAsLiteral(int[] tokens) {
        int[] out = tokens.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i] == Wildcards.ANY_RUN ? '*' : out[i] == Wildcards.ANY_ONE ? '?' : out[i];
        }
        return out;
    }
}
