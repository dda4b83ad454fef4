package dev.dualkey.mfa.validate;

import dev.dualkey.mfa.error.ValidationException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Input constraints from the IAM service model (spec 3.2), enforced in the services so every caller (IAM API,
 * console, CLI) gets the same checks and the same AWS-worded {@link ValidationException}. Member names are the
 * camelCase names AWS reports (e.g. {@code userName}).
 */
public final class Validate {
    /** IAM {@code userNameType} / {@code existingUserNameType} characters. */
    public static final Pattern NAME = Pattern.compile("[\\w+=,.@-]+");
    private static final Pattern SERIAL = Pattern.compile("[\\w+=/:,.@-]+");
    private static final Pattern PATH = Pattern.compile("(/)|(/[\\u0021-\\u007E]+/)");
    private static final Pattern PASSWORD = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
    private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[\\w]+");
    private static final Pattern SIX_DIGITS = Pattern.compile("[0-9]{6}");
    /** Maximum tags per resource. */
    public static final int MAX_TAGS = 50;

    private Validate() {
    }

    private static String pattern(String member, String value, Pattern p, int min, int max, boolean sensitive) {
        String shown = sensitive ? null : value;
        if (value == null) {
            throw ValidationException.of(member, null, "Member must not be null");
        }
        if (value.length() < min) {
            throw ValidationException.of(member, shown, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw ValidationException.of(member, shown, "Member must have length less than or equal to " + max);
        }
        if (!p.matcher(value).matches()) {
            throw ValidationException.of(member, shown, "Member must satisfy regular expression pattern: "
                    + p.pattern());
        }
        return value;
    }

    /** {@code userNameType}: 1-64 for new users. */
    public static String newUserName(String member, String v) {
        return pattern(member, v, NAME, 1, 64, false);
    }

    /** {@code existingUserNameType}: 1-128. */
    public static String existingUserName(String member, String v) {
        return pattern(member, v, NAME, 1, 128, false);
    }

    public static String serial(String v) {
        return pattern("serialNumber", v, SERIAL, 9, 256, false);
    }

    public static String virtualDeviceName(String v) {
        return pattern("virtualMFADeviceName", v, NAME, 1, 226, false);
    }

    /** {@code pathType}; null means the default {@code /}. */
    public static String path(String member, String v) {
        return v == null ? "/" : pattern(member, v, PATH, 1, 512, false);
    }

    /** {@code pathPrefixType}: 1-512, starts with '/'; null means {@code /}. */
    public static String pathPrefix(String v) {
        if (v == null) {
            return "/";
        }
        pattern("pathPrefix", v, Pattern.compile("\\u002F[\\u0021-\\u007F]*"), 1, 512, false);
        return v;
    }

    public static String password(String member, String v) {
        return pattern(member, v, PASSWORD, 1, 128, true);
    }

    public static String policyName(String v) {
        return pattern("policyName", v, NAME, 1, 128, false);
    }

    public static String accessKeyId(String v) {
        return pattern("accessKeyId", v, ACCESS_KEY_ID, 16, 128, false);
    }

    /** Six decimal digits, with IAM's wording for authentication codes. */
    public static String authenticationCode(String member, String v) {
        if (v == null) {
            throw ValidationException.of(member, null, "Member must not be null");
        }
        if (!SIX_DIGITS.matcher(v).matches()) {
            throw new ValidationException("1 validation error detected: The specified value for '" + member
                    + "' is invalid. It must be a six-digit decimal number");
        }
        return v;
    }

    /** MaxItems 1-1000; null = default 100. */
    public static int maxItems(Integer v) {
        if (v == null) {
            return 100;
        }
        if (v < 1 || v > 1000) {
            throw ValidationException.of("maxItems", String.valueOf(v), v < 1
                    ? "Member must have value greater than or equal to 1"
                    : "Member must have value less than or equal to 1000");
        }
        return v;
    }

    /** Tag keys/values by pattern and length, at most {@value #MAX_TAGS} (tags.member.N.key style names). */
    public static Map<String, String> tags(Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw ValidationException.of("tags", null, "Member must have length less than or equal to " + MAX_TAGS);
        }
        int i = 1;
        for (Map.Entry<String, String> e : tags.entrySet()) {
            tagKey("tags." + i + ".member.key", e.getKey());
            pattern("tags." + i + ".member.value", e.getValue(), TAG_VALUE, 0, 256, false);
            i++;
        }
        return tags;
    }

    public static String tagKey(String member, String v) {
        return pattern(member, v, TAG_KEY, 1, 128, false);
    }
}
