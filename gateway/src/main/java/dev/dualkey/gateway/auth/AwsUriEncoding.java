package dev.dualkey.gateway.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * URI encoding as SigV4 defines it: every byte except the unreserved {@code A-Z a-z 0-9 - _ . ~} becomes
 * {@code %XY} with upper-case hex; {@code /} is kept in paths only. Decoding is plain percent-decoding: a
 * {@code +} stays a plus sign (S3 keys may contain {@code +}, and SDKs encode spaces as {@code %20}).
 */
public final class AwsUriEncoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private AwsUriEncoding() {
    }

    /**
     * Encodes a string; {@code keepSlash} is true for paths, false for query names and values. A string with
     * nothing to encode (most names, dates, keys) is returned as is, without a copy (issue 19: every signed request
     * encodes its path and each query name and value).
     */
    public static String encode(String s, boolean keepSlash) {
        int i = 0;
        while (i < s.length() && unreserved(s.charAt(i), keepSlash)) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        appendEncoded(sb, s, keepSlash);
        return sb.toString();
    }

    /** Appends {@link #encode encode(s, keepSlash)} to {@code sb} without building the encoded string first. */
    public static void appendEncoded(StringBuilder sb, String s, boolean keepSlash) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                // the rest as UTF-8 bytes (from a char boundary: a surrogate pair stays whole, a lone one is '?'
                // exactly as when the whole string is encoded)
                for (byte b : s.substring(i).getBytes(StandardCharsets.UTF_8)) {
                    appendByte(sb, b & 0xff, keepSlash);
                }
                return;
            }
            appendByte(sb, c, keepSlash);
        }
    }

    private static void appendByte(StringBuilder sb, int c, boolean keepSlash) {
        if (unreserved(c, keepSlash)) {
            sb.append((char) c);
        } else {
            sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
        }
    }

    private static boolean unreserved(int c, boolean keepSlash) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/');
    }

    /**
     * Percent-decodes a string as UTF-8.
     *
     * @throws IllegalArgumentException on a truncated or non-hex escape
     */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Percent-decodes a string whose bytes must be valid UTF-8 (a header value that names a key: a malformed
     * byte sequence is refused, never turned into U+FFFD and so into another key).
     *
     * @throws IllegalArgumentException on a truncated or non-hex escape or bytes that are not UTF-8
     */
    public static String decodeStrict(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
    }

    /** Splits a raw query string into decoded (name, value) pairs in order; a name without {@code =} has "". */
    public static List<Map.Entry<String, String>> parseQuery(String rawQuery) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        int start = 0;
        while (start <= rawQuery.length()) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? rawQuery.length() : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                String name = eq < 0 || eq > end ? rawQuery.substring(start, end) : rawQuery.substring(start, eq);
                String value = eq < 0 || eq > end ? "" : rawQuery.substring(eq + 1, end);
                out.add(new AbstractMap.SimpleImmutableEntry<>(decode(name), decode(value)));
            }
            start = end + 1;
        }
        return out;
    }
}
