package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * One {@code "Operator": {"key": [values]}} entry of a statement's Condition block. Values of one key are ORed;
 * keys and operators are ANDed by the statement.
 *
 * @param operator base operator name without {@code IfExists} (e.g. {@code StringLike})
 * @param ifExists the operator had the {@code IfExists} suffix: a missing key matches
 * @param key      condition key as written (compared case-insensitively)
 * @param values   accepted values (may contain policy variables)
 */
public record Condition(String operator, boolean ifExists, String key, List<String> values) {
    public Condition {
        values = List.copyOf(values);
    }
}
