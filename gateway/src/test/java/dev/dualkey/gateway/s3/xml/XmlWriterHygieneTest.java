package dev.dualkey.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.io.ByteArrayInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** Every document {@link XmlWriter} produces is XML 1.0 that a strict parser reads, whatever a key holds. */
class XmlWriterHygieneTest {

    static String keyAfterParse(String key) throws Exception {
        byte[] doc = XmlWriter.s3("ListBucketResult").start("Contents").element("Key", key).end().toBytes();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(doc));
        return d.getElementsByTagName("Key").item(0).getTextContent();
    }

    @Test
    void controlCharactersStayParseableAndBecomeReplacementCharacters() throws Exception {
        assertEquals("a\uFFFDb\uFFFDc", keyAfterParse("a\u0001b\u001fc"));
        assertEquals("x\uFFFD\uFFFD", keyAfterParse("x\uFFFE\uFFFF"));
        assertEquals("lone\uFFFD", keyAfterParse("lone\uD800"));
    }

    @Test
    void markupCharactersCrTabLfAndSupplementaryCharactersRoundTrip() throws Exception {
        String key = "<a>&\"'\t\n\r\u0085\u00e9\uD83D\uDE00]]>";
        assertEquals(key, keyAfterParse(key));
    }

    @Test
    void urlEncodingEncodesEverythingButUnreservedAndSlash() {
        EncodingType url = EncodingType.of("url");
        assertEquals("a%01b/c%20d%26", url.apply("a\u0001b/c d&"));
        assertEquals("a\u0001", EncodingType.of(null).apply("a\u0001"));
        S3Exception e = assertThrows(S3Exception.class, () -> EncodingType.of("URL"));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error());
    }
}
