package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SigV4's URI encoding, canonical query and query parsing (issue 19 rewrote them to allocate less): the results
 * must equal the byte-by-byte definition for every kind of character, and a string with nothing to encode comes
 * back as the same instance.
 */
class AwsUriEncodingTest {
    /** The definition: each UTF-8 byte kept when unreserved (or a kept slash), else %XY. */
    private static String reference(String s, boolean keepSlash) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~' || (keepSlash && c == '/')) {
                sb.append((char) c);
            } else {
                sb.append(String.format("%%%02X", c));
            }
        }
        return sb.toString();
    }

    @Test
    void encodesAsTheDefinitionForEveryKindOfCharacter() {
        String[] fixed = {"", "abc", "a b", "a/b", "/", "%", "+", "~._-", "é", "日本", "a\uD83D\uDE00b", "\uD83D",
                "x\uDE00", "AKIA/20261203/us-east-1/s3/aws4_request", "\u0000\u007f\u0080", "ü/ü"};
        char[] pool = {'a', 'Z', '0', '/', ' ', '%', '+', '=', '&', '~', 'é', '日', '\uD83D', '\uDE00', '\u007f'};
        Random r = new Random(19);
        List<String> all = new java.util.ArrayList<>(List.of(fixed));
        for (int i = 0; i < 2000; i++) {
            char[] c = new char[r.nextInt(12)];
            for (int j = 0; j < c.length; j++) {
                c[j] = pool[r.nextInt(pool.length)];
            }
            all.add(new String(c));
        }
        for (String s : all) {
            for (boolean keepSlash : new boolean[] {true, false}) {
                assertEquals(reference(s, keepSlash), AwsUriEncoding.encode(s, keepSlash), s);
                StringBuilder sb = new StringBuilder("pre");
                AwsUriEncoding.appendEncoded(sb, s, keepSlash);
                assertEquals("pre" + reference(s, keepSlash), sb.toString(), s);
            }
        }
    }

    @Test
    void aStringWithNothingToEncodeIsReturnedAsIs() {
        String s = new String("X-Amz-Date".toCharArray());
        assertSame(s, AwsUriEncoding.encode(s, false));
        String path = new String("/bucket/g/0001".toCharArray());
        assertSame(path, AwsUriEncoding.encode(path, true));
        assertEquals("%2Fbucket%2Fg", AwsUriEncoding.encode("/bucket/g", false));
    }

    @Test
    void parsesQueriesAsSplittingOnAmpersandsDid() {
        assertEquals(List.of(), AwsUriEncoding.parseQuery(null));
        assertEquals(List.of(), AwsUriEncoding.parseQuery(""));
        assertEquals(List.of(), AwsUriEncoding.parseQuery("&&"));
        assertEquals(List.of(Map.entry("a", "b=c"), Map.entry("d", ""), Map.entry("", "x"), Map.entry("e f", "/")),
                AwsUriEncoding.parseQuery("&a=b=c&&d&=x&e%20f=%2F&"));
        assertEquals(List.of(Map.entry("versions", ""), Map.entry("prefix", "a+b")),
                AwsUriEncoding.parseQuery("versions&prefix=a+b"));
    }

    @Test
    void canonicalQuerySortsByEncodedNameThenValueAndDropsTheSignature() {
        List<Map.Entry<String, String>> q = List.of(Map.entry("b", "2"), Map.entry("a", "z z"), Map.entry("a", "/y"),
                Map.entry("X-Amz-Signature", "ff"), Map.entry("é", ""), Map.entry("A", "~"));
        assertEquals("%C3%A9=&A=~&a=%2Fy&a=z%20z&b=2", SigV4Signer.canonicalQuery(q));
        assertEquals("", SigV4Signer.canonicalQuery(List.of(Map.entry("X-Amz-Signature", "ff"))));
    }

    @Test
    void sha256HexHashesTheUtf8BytesOfAsciiAndOtherStrings() throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        String[] all = {"", "abc", "a".repeat(511), "b".repeat(512), "c".repeat(513), "d".repeat(5000),
                "GET\n/k\u00e9y\n\n", "x".repeat(600) + "\u65e5"};
        for (String s : all) {
            assertEquals(java.util.HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8))),
                    SigV4Signer.sha256Hex(s), s.length() + " chars");
        }
    }
}
