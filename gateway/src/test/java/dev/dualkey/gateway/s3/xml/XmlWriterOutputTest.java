package dev.dualkey.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The document bytes and listing timestamps, exactly, after the writer moved from a byte stream to characters
 * encoded once and the timestamps to a hand-written format (issue 19: ListObjectVersions page cost).
 */
class XmlWriterOutputTest {
    static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void aDocumentIsTheExactUtf8BytesWithPrologNamespaceAndEscapes() {
        byte[] doc = XmlWriter.s3("ListVersionsResult").element("Name", "b")
                .start("Version").element("Key", "caf\u00e9 <&> \ud83d\ude00 \r\u0001").element("Size", 4096L)
                .element("IsLatest", true).element("LastModified", Instant.parse("2026-12-02T07:08:09.123456Z"))
                .end().toBytes();
        String expected = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListVersionsResult xmlns=\""
                + XmlWriter.S3_NAMESPACE + "\"><Name>b</Name><Version><Key>caf\u00e9 &lt;&amp;&gt; \ud83d\ude00 "
                + "&#xD;\ufffd</Key><Size>4096</Size><IsLatest>true</IsLatest>"
                + "<LastModified>2026-12-02T07:08:09.123Z</LastModified></Version></ListVersionsResult>";
        assertEquals(expected, new String(doc, StandardCharsets.UTF_8));
        assertEquals(expected.length() + 1 + 2 + 2, doc.length); // UTF-8: e-acute 2 bytes, the emoji 4 (2 chars), U+FFFD 3
    }

    @Test
    void listingTimestampsMatchTheFormatterEverywhere() {
        SplittableRandom r = new SplittableRandom(19);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(-62167219200L - 1000, 253402300800L + 1000),
                    r.nextInt(1_000_000_000));
            assertEquals(REFERENCE.format(t), XmlWriter.isoTime(t), t.toString());
        }
        for (String s : new String[] {"1970-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "2024-02-29T12:00:00.001Z", "1969-12-31T23:59:59.999Z"}) {
            Instant t = Instant.parse(s);
            assertEquals(REFERENCE.format(t), XmlWriter.isoTime(t), s);
        }
    }
}
