package dev.dualkey.gateway.iam.validate;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The constrained input shapes of botocore's IAM model ({@code iam/2010-05-08/service-2.json}) that our
 * actions accept, with their pattern, length or value range, and whether they are secret. Java's {@code \w}
 * (ASCII word characters) is the one IAM means.
 */
public enum IamShape {
    USER_NAME(Type.STRING, "[\\w+=,.@-]+", 1, 64),
    EXISTING_USER_NAME(Type.STRING, "[\\w+=,.@-]+", 1, 128),
    PATH(Type.STRING, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", 1, 512),
    PATH_PREFIX(Type.STRING, "\\u002F[\\u0021-\\u007F]*", 1, 512),
    MARKER(Type.STRING, "[\\u0020-\\u00FF]+", 1, 320),
    MAX_ITEMS(Type.INTEGER, null, 1, 1000),
    ARN(Type.STRING, null, 20, 2048),
    SERIAL_NUMBER(Type.STRING, "[\\w+=/:,.@-]+", 9, 256),
    AUTHENTICATION_CODE(Type.STRING, "[\\d]+", 6, 6),
    /** No maximum in the model; 226 keeps the device ARN within serialNumberType's 256. */
    VIRTUAL_MFA_DEVICE_NAME(Type.STRING, "[\\w+=,.@-]+", 1, 226),
    PASSWORD(Type.STRING, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", 1, 128, true),
    ACCESS_KEY_ID(Type.STRING, "[\\w]+", 16, 128),
    ACCESS_KEY_STATUS(Type.STRING, List.of("Active", "Inactive", "Expired")),
    ASSIGNMENT_STATUS(Type.STRING, List.of("Assigned", "Unassigned", "Any")),
    POLICY_NAME(Type.STRING, "[\\w+=,.@-]+", 1, 128),
    POLICY_DOCUMENT(Type.STRING, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", 1, 131072),
    TAG_KEY(Type.STRING, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+", 1, 128),
    TAG_VALUE(Type.STRING, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*", 0, 256),
    BOOLEAN(Type.BOOLEAN, null, -1, -1);

    /** Wire type of the value. */
    public enum Type { STRING, INTEGER, BOOLEAN }

    private final Type type;
    private final Pattern pattern;
    private final int min;
    private final int max;
    private final boolean sensitive;
    private final List<String> enumValues;

    IamShape(Type type, String pattern, int min, int max) {
        this(type, pattern, min, max, false);
    }

    IamShape(Type type, String pattern, int min, int max, boolean sensitive) {
        this.type = type;
        this.pattern = pattern == null ? null : Pattern.compile(pattern);
        this.min = min;
        this.max = max;
        this.sensitive = sensitive;
        this.enumValues = List.of();
    }

    IamShape(Type type, List<String> enumValues) {
        this.type = type;
        this.pattern = null;
        this.min = -1;
        this.max = -1;
        this.sensitive = false;
        this.enumValues = enumValues;
    }

    public Type type() {
        return type;
    }

    /** Pattern the whole value must match, or {@code null}. */
    public Pattern pattern() {
        return pattern;
    }

    /** Minimum length (strings) or value (integers); -1 if unconstrained. */
    public int min() {
        return min;
    }

    /** Maximum length (strings) or value (integers); -1 if unconstrained. */
    public int max() {
        return max;
    }

    /** Secret values are never echoed in error messages. */
    public boolean sensitive() {
        return sensitive;
    }

    /** Allowed values for enum shapes, empty otherwise. */
    public List<String> enumValues() {
        return enumValues;
    }
}
