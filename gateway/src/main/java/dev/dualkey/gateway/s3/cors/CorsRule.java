package dev.dualkey.gateway.s3.cors;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code CORSRule}: which origins may use which methods with which request headers, what the browser may read
 * of the answer and how long it may cache a preflight.
 *
 * @param id             the rule's ID, or null
 * @param allowedOrigins origins, each with at most one {@code *} wildcard
 * @param allowedMethods GET, PUT, POST, DELETE, HEAD
 * @param allowedHeaders request headers (case-insensitive), each with at most one {@code *}
 * @param exposeHeaders  response headers the browser may read
 * @param maxAgeSeconds  Access-Control-Max-Age, or null
 */
public record CorsRule(String id, List<String> allowedOrigins, List<String> allowedMethods,
                       List<String> allowedHeaders, List<String> exposeHeaders, Integer maxAgeSeconds) {
    public CorsRule {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** The origin matches one AllowedOrigin (exactly, or by its one wildcard). */
    public boolean allowsOrigin(String origin) {
        return allowedOrigins.stream().anyMatch(p -> wildcard(p, origin, false));
    }

    public boolean allowsMethod(String method) {
        return allowedMethods.contains(method);
    }

    /** Every requested header matches an AllowedHeader (case-insensitive, wildcards). */
    public boolean allowsHeaders(List<String> requested) {
        return requested.stream().allMatch(h -> allowedHeaders.stream().anyMatch(p -> wildcard(p, h, true)));
    }

    /** Whether the matched AllowedOrigin is the bare {@code *} (the answer is then {@code *}, no credentials). */
    public boolean anyOrigin() {
        return allowedOrigins.contains("*");
    }

    /** {@code pattern} with at most one {@code *} matching any run of characters. */
    static boolean wildcard(String pattern, String value, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        int star = p.indexOf('*');
        if (star < 0) {
            return p.equals(v);
        }
        String prefix = p.substring(0, star);
        String suffix = p.substring(star + 1);
        return v.length() >= prefix.length() + suffix.length() && v.startsWith(prefix) && v.endsWith(suffix);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorsRule r && Objects.equals(id, r.id) && allowedOrigins.equals(r.allowedOrigins)
                && allowedMethods.equals(r.allowedMethods) && allowedHeaders.equals(r.allowedHeaders)
                && exposeHeaders.equals(r.exposeHeaders) && Objects.equals(maxAgeSeconds, r.maxAgeSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders, maxAgeSeconds);
    }
}
