package dev.dualkey.mfa.policy;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * IAM's condition operators (without the {@code IfExists} suffix and the {@code ForAnyValue:} /
 * {@code ForAllValues:} qualifiers, which {@link Condition} carries). A negated operator ({@code StringNotEquals},
 * {@code NotIpAddress}, {@code ArnNotLike}...) is true exactly when its positive twin is false, and true when the
 * key is missing.
 */
public enum ConditionOperator {
    STRING_EQUALS("StringEquals", Type.STRING, Relation.EQUAL, false),
    STRING_NOT_EQUALS("StringNotEquals", Type.STRING, Relation.EQUAL, true),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Type.STRING_IGNORE_CASE, Relation.EQUAL, false),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Type.STRING_IGNORE_CASE, Relation.EQUAL, true),
    STRING_LIKE("StringLike", Type.STRING_LIKE, Relation.EQUAL, false),
    STRING_NOT_LIKE("StringNotLike", Type.STRING_LIKE, Relation.EQUAL, true),
    NUMERIC_EQUALS("NumericEquals", Type.NUMERIC, Relation.EQUAL, false),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Type.NUMERIC, Relation.EQUAL, true),
    NUMERIC_LESS_THAN("NumericLessThan", Type.NUMERIC, Relation.LESS, false),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Type.NUMERIC, Relation.LESS_OR_EQUAL, false),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Type.NUMERIC, Relation.GREATER, false),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Type.NUMERIC, Relation.GREATER_OR_EQUAL, false),
    DATE_EQUALS("DateEquals", Type.DATE, Relation.EQUAL, false),
    DATE_NOT_EQUALS("DateNotEquals", Type.DATE, Relation.EQUAL, true),
    DATE_LESS_THAN("DateLessThan", Type.DATE, Relation.LESS, false),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Type.DATE, Relation.LESS_OR_EQUAL, false),
    DATE_GREATER_THAN("DateGreaterThan", Type.DATE, Relation.GREATER, false),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Type.DATE, Relation.GREATER_OR_EQUAL, false),
    BOOL("Bool", Type.BOOL, Relation.EQUAL, false),
    BINARY_EQUALS("BinaryEquals", Type.BINARY, Relation.EQUAL, false),
    IP_ADDRESS("IpAddress", Type.IP, Relation.EQUAL, false),
    NOT_IP_ADDRESS("NotIpAddress", Type.IP, Relation.EQUAL, true),
    ARN_EQUALS("ArnEquals", Type.ARN, Relation.EQUAL, false),
    ARN_LIKE("ArnLike", Type.ARN, Relation.EQUAL, false),
    ARN_NOT_EQUALS("ArnNotEquals", Type.ARN, Relation.EQUAL, true),
    ARN_NOT_LIKE("ArnNotLike", Type.ARN, Relation.EQUAL, true),
    NULL("Null", Type.NULL, Relation.EQUAL, false);

    /** How values are compared. */
    enum Type {
        STRING, STRING_IGNORE_CASE, STRING_LIKE, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL;

        /** Types whose policy values may hold policy variables (IAM: string and ARN operators). */
        boolean takesVariables() {
            return this == STRING || this == STRING_IGNORE_CASE || this == STRING_LIKE || this == ARN;
        }
    }

    /** The relation the request value must have to the policy value. */
    enum Relation {
        EQUAL, LESS, LESS_OR_EQUAL, GREATER, GREATER_OR_EQUAL;

        boolean holds(int requestComparedToPolicy) {
            return switch (this) {
                case EQUAL -> requestComparedToPolicy == 0;
                case LESS -> requestComparedToPolicy < 0;
                case LESS_OR_EQUAL -> requestComparedToPolicy <= 0;
                case GREATER -> requestComparedToPolicy > 0;
                case GREATER_OR_EQUAL -> requestComparedToPolicy >= 0;
            };
        }
    }

    private static final Map<String, ConditionOperator> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(o -> o.awsName, Function.identity()));

    private final String awsName;
    private final Type type;
    private final Relation relation;
    private final boolean negated;

    ConditionOperator(String awsName, Type type, Relation relation, boolean negated) {
        this.awsName = awsName;
        this.type = type;
        this.relation = relation;
        this.negated = negated;
    }

    /** The operator of AWS name {@code name} (case-sensitive, as IAM), or null. */
    public static ConditionOperator byName(String name) {
        return BY_NAME.get(name);
    }

    public String awsName() {
        return awsName;
    }

    Type type() {
        return type;
    }

    Relation relation() {
        return relation;
    }

    /** True for StringNotEquals, NotIpAddress, ArnNotLike... */
    public boolean negated() {
        return negated;
    }
}
