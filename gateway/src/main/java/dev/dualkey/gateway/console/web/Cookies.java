package dev.dualkey.gateway.console.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Console cookie names and {@code Set-Cookie} values. Under TLS the cookies use the {@code __Host-} prefix
 * (browser-enforced: Secure, no Domain, Path=/), so a sibling host cannot plant a session cookie.
 */
public final class Cookies {
    private final boolean secure;

    public Cookies(boolean secure) {
        this.secure = secure;
    }

    /** Name of the session cookie. */
    public String sessionName() {
        return secure ? "__Host-dk_session" : "dk_session";
    }

    /** Name of the random cookie that binds CSRF tokens before sign-in. */
    public String preSignInName() {
        return secure ? "__Host-dk_pre" : "dk_pre";
    }

    /** A session cookie: no Max-Age, so it also ends when the browser closes; the server enforces timeouts. */
    public String session(String value) {
        return build(sessionName(), value, null);
    }

    /** The pre-sign-in cookie, good for one hour. */
    public String preSignIn(String value) {
        return build(preSignInName(), value, Duration.ofHours(1));
    }

    /** Deletes a cookie in the browser. */
    public String expire(String name) {
        return build(name, "", Duration.ZERO);
    }

    private String build(String name, String value, Duration maxAge) {
        StringBuilder sb = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Strict");
        if (secure) {
            sb.append("; Secure");
        }
        if (maxAge != null) {
            sb.append("; Max-Age=").append(maxAge.toSeconds());
        }
        return sb.toString();
    }

    /**
     * Parses a {@code Cookie} request header ({@code a=1; b=2}); the first occurrence of a name wins, as the
     * most specific path comes first. Values are taken verbatim (console cookies are base64url).
     */
    public static Map<String, String> parse(String header) {
        Map<String, String> map = new LinkedHashMap<>();
        if (header == null) {
            return map;
        }
        for (String part : header.split(";")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            map.putIfAbsent(name, value);
        }
        return map;
    }
}
