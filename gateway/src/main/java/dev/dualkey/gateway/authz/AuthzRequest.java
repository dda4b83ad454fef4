package dev.dualkey.gateway.authz;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One question for the authorizer: may {@code subject} perform {@code check} with these condition keys. Built by
 * {@link RequestContextBuilder} only, so every protocol fills the keys the same way.
 *
 * @param keys the request context: condition keys and their values, looked up case-insensitively as IAM does; a
 *             key the request does not have is absent (never an empty or a default value)
 */
public record AuthzRequest(Subject subject, Check check, Map<String, String> keys) {
    public AuthzRequest {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(check, "check");
        TreeMap<String, String> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        m.putAll(keys);
        keys = Collections.unmodifiableMap(m);
    }

    public String action() {
        return check.action();
    }

    public String resource() {
        return check.resource();
    }

    /** The value of condition key {@code name}, or null when the request does not carry it. */
    public String key(String name) {
        return keys.get(name);
    }
}
