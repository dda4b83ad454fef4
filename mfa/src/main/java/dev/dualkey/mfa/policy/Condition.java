package dev.dualkey.mfa.policy;

import java.util.List;

/**
 * One {@code "Operator": {"key": [values]}} entry of a statement's Condition block. Values of one key are ORed;
 * keys and operators are ANDed by the statement.
 *
 * @param qualifier the set qualifier ({@code ForAnyValue:} / {@code ForAllValues:}) or {@link SetQualifier#NONE}
 * @param operator  base operator (without qualifier and {@code IfExists})
 * @param ifExists  the operator had the {@code IfExists} suffix: a missing key satisfies the condition
 * @param key       condition key as written (compared case-insensitively)
 * @param values    the policy values, compiled (variables only for string and ARN operators of 2012-10-17)
 */
public record Condition(SetQualifier qualifier, ConditionOperator operator, boolean ifExists, String key,
                        List<PolicyString> values) {
    /** The set operators for multivalued keys. */
    public enum SetQualifier {
        NONE(""), FOR_ANY_VALUE("ForAnyValue:"), FOR_ALL_VALUES("ForAllValues:");

        private final String prefix;

        SetQualifier(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public Condition {
        values = List.copyOf(values);
    }

    /** The operator as written in the policy, e.g. {@code ForAllValues:StringLikeIfExists}. */
    public String operatorName() {
        return qualifier.prefix() + operator.awsName() + (ifExists ? "IfExists" : "");
    }
}
