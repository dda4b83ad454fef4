package dev.dualkey.gateway.console.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoded {@code application/x-www-form-urlencoded} fields (request bodies and query strings). Malformed
 * percent escapes decode to U+FFFD rather than failing, as browsers do, so a page can show a plain error.
 */
public final class FormData {
    /** No fields. */
    public static final FormData EMPTY = new FormData(Map.of());

    private final Map<String, List<String>> fields;

    private FormData(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** Parses {@code a=1&b=x%20y}; a leading {@code ?} is not expected. */
    public static FormData parse(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            map.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new FormData(Collections.unmodifiableMap(map));
    }

    /** Builds form data from single values, for code that already decoded its fields. */
    public static FormData of(Map<String, String> single) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        single.forEach((k, v) -> map.put(k, List.of(v)));
        return new FormData(Collections.unmodifiableMap(map));
    }

    /** The first value of a field, or {@code ""} when absent. */
    public String get(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? "" : v.get(0);
    }

    /** All values of a field. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** Whether the field was sent at all. */
    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** Percent-decoding with {@code +} as space, UTF-8. */
    public static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0
                    && hex(s.charAt(i + 2)) >= 0) {
                out[n++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            if (n > 0) {
                sb.append(new String(out, 0, n, StandardCharsets.UTF_8));
                n = 0;
            }
            sb.append(c == '+' ? ' ' : c == '%' ? '\uFFFD' : c);
        }
        if (n > 0) {
            sb.append(new String(out, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Percent-encodes a value for a URL path segment or query value (RFC 3986 unreserved kept). */
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
