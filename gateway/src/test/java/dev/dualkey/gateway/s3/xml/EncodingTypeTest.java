package dev.dualkey.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code encoding-type=url} writes exactly what SigV4's path encoding writes ({@link AwsUriEncoding}). */
class EncodingTypeTest {

    @Test
    void urlEncodingIsAwsUriEncodingOfPathsForRandomKeys() {
        SplittableRandom r = new SplittableRandom(19);
        EncodingType url = EncodingType.of("url");
        for (int i = 0; i < 20_000; i++) {
            String s = i % 4 == 0 ? any(r, r.nextInt(12)) : XmlWriterIdentityTest.text(r, r.nextInt(30));
            assertEquals(AwsUriEncoding.encode(s, true), url.apply(s), s);
        }
        for (String s : new String[] {"", "/", "%", "?", "+", " ", "~a-b_c.d/e", "\u007f", "\u0080", "\u07ff",
            "\u0800", "\uffff", "\ud800", "\udc00", "x\ud83d", "\ud83d\ude00", "\udbff\udfff", "\ude00\ud83d"}) {
            assertEquals(AwsUriEncoding.encode(s, true), url.apply(s), s);
        }
    }

    @Test
    void aKeyOfKeptCharactersIsReturnedAsItIsAndNoEncodingChangesNothing() {
        String key = "photos/2026/12/img_100001.jpg~-";
        assertSame(key, EncodingType.of("url").apply(key));
        assertEquals("a%20b", EncodingType.of("url").apply("a b"));
        assertSame("a b", EncodingType.of(null).apply("a b"));
        assertNull(EncodingType.of("url").apply(null));
    }

    /** Any UTF-16 units, surrogates included. */
    private static String any(SplittableRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) r.nextInt(r.nextBoolean() ? 0x100 : 0x10000));
        }
        return b.toString();
    }
}
