package dev.dualkey.gateway.auth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an HTTP request that SigV4 signs, free of Netty types so the signature code unit-tests alone.
 *
 * @param rawPath the path exactly as sent (still percent-encoded)
 * @param query   decoded query parameters in the order sent
 * @param headers header values by lower-case name, in the order sent
 */
public record SignableRequest(String method, String rawPath, List<Map.Entry<String, String>> query,
                              Map<String, List<String>> headers) {
    public SignableRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        query = List.copyOf(query);
        // one pass: a name met once (the usual case) keeps one immutable copy of its values, no list in between
        Map<String, List<String>> h = new LinkedHashMap<>(Math.max(16, headers.size() * 2));
        headers.forEach((k, v) -> h.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
            List<String> both = new java.util.ArrayList<>(a.size() + b.size());
            both.addAll(a);
            both.addAll(b);
            return List.copyOf(both);
        }));
        headers = Collections.unmodifiableMap(h);
    }

    /** First value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** First value of a query parameter (exact name), or null. */
    public String queryParam(String name) {
        for (Map.Entry<String, String> e : query) {
            if (e.getKey().equals(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
