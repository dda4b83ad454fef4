package dev.dualkey.mfa.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a request asks for, as the policy evaluator sees it.
 *
 * @param action   e.g. {@code s3:DeleteObjectVersion}, {@code iam:EnableMFADevice}
 * @param resource the resource ARN, e.g. {@code arn:aws:s3:::bucket/key}, {@code arn:aws:iam::123456789012:user/bob}
 * @param keys     condition keys and their values (e.g. {@code aws:username}, {@code aws:MultiFactorAuthPresent});
 *                 also the source of policy variables like {@code ${aws:username}}. Looked up case-insensitively.
 */
public record RequestContext(String action, String resource, Map<String, String> keys) {
    /** Common condition key: the caller's user name. */
    public static final String USERNAME = "aws:username";
    /** Common condition key: {@code true} when the caller proved MFA for this request or session. */
    public static final String MFA_PRESENT = "aws:MultiFactorAuthPresent";

    public RequestContext {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(keys);
        keys = java.util.Collections.unmodifiableMap(m);
    }

    /** The value of condition key {@code key}, or null when the request does not carry it. */
    public String key(String key) {
        return keys.get(key.toLowerCase(Locale.ROOT));
    }
}
