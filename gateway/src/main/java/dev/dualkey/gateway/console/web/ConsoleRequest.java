package dev.dualkey.gateway.console.web;

import java.util.Map;
import java.util.Objects;

/**
 * One console request as the pages see it, free of Netty types so pages are plain, testable functions.
 *
 * @param method        upper-case HTTP method
 * @param path          decoded path, always starting with {@code /}
 * @param query         decoded query parameters
 * @param form          decoded {@code application/x-www-form-urlencoded} body ({@link FormData#EMPTY} otherwise)
 * @param cookies       request cookies by name (first wins)
 * @param host          the {@code Host} header, for the same-origin check on POST
 * @param origin        the {@code Origin} header or {@code null}
 * @param clientAddress the peer's IP address as text, for per-address sign-in throttling and audit records;
 *                      behind a trusted proxy {@code "CLIENT via HOP, HOP"} (audit/TrustedProxies)
 * @param secure        whether the connection is TLS
 * @param authorization the {@code Authorization} header or {@code null} (metrics: the scrape's bearer token)
 */
public record ConsoleRequest(String method, String path, FormData query, FormData form, Map<String, String> cookies,
                             String host, String origin, String clientAddress, boolean secure,
                             String authorization) {
    /** Without an {@code Authorization} header (pages never read it). */
    public ConsoleRequest(String method, String path, FormData query, FormData form, Map<String, String> cookies,
                          String host, String origin, String clientAddress, boolean secure) {
        this(method, path, query, form, cookies, host, origin, clientAddress, secure, null);
    }

    public ConsoleRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(form, "form");
        cookies = Map.copyOf(cookies);
        host = host == null ? "" : host;
        clientAddress = clientAddress == null ? "" : clientAddress;
    }

    /** Whether this is a POST. */
    public boolean isPost() {
        return method.equals("POST");
    }

    /** A cookie value or {@code null}. */
    public String cookie(String name) {
        return cookies.get(name);
    }
}
