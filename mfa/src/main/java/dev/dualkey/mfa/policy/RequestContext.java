package dev.dualkey.mfa.policy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a request asks for, as the policy evaluator sees it.
 *
 * <p>Condition key names are case-insensitive (as in IAM); values are kept as given. A key is either
 * single-valued ({@code keys}) or multivalued ({@code multiValuedKeys}, e.g. {@code aws:TagKeys}); a key absent
 * from both, or multivalued with no values, is missing from the request context. Only single-valued keys can be
 * policy variables ({@code ${aws:username}}), as in IAM.
 *
 * @param action          e.g. {@code s3:DeleteObjectVersion}, {@code iam:EnableMFADevice}
 * @param resource        the resource ARN, e.g. {@code arn:aws:s3:::bucket/key}
 * @param keys            single-valued condition keys (e.g. {@code aws:username}, {@code aws:SecureTransport})
 * @param multiValuedKeys multivalued condition keys, for the {@code ForAnyValue:}/{@code ForAllValues:} qualifiers
 */
public record RequestContext(String action, String resource, Map<String, String> keys,
                             Map<String, List<String>> multiValuedKeys) {
    /** Common condition key: the caller's user name. */
    public static final String USERNAME = "aws:username";
    /** Common condition key: {@code true} when the caller proved MFA for this request or session. */
    public static final String MFA_PRESENT = "aws:MultiFactorAuthPresent";

    public RequestContext {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        TreeMap<String, String> single = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        single.putAll(keys);
        TreeMap<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        multiValuedKeys.forEach((k, v) -> multi.put(k, List.copyOf(v)));
        keys = Collections.unmodifiableMap(single);
        multiValuedKeys = Collections.unmodifiableMap(multi);
    }

    /** A request context with single-valued keys only. */
    public RequestContext(String action, String resource, Map<String, String> keys) {
        this(action, resource, keys, Map.of());
    }

    /** The value of single-valued condition key {@code key}, or null when the request does not carry it. */
    public String key(String key) {
        return keys.get(key);
    }

    /**
     * The values of condition key {@code key}: one for a single-valued key, all of a multivalued one; null when
     * the request does not carry it.
     */
    public List<String> values(String key) {
        String one = keys.get(key);
        if (one != null) {
            return List.of(one);
        }
        List<String> many = multiValuedKeys.get(key);
        return many == null || many.isEmpty() ? null : many;
    }
}
