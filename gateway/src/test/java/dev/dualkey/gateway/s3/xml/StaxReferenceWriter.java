package dev.dualkey.gateway.s3.xml;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Test-only reference: {@link XmlWriter} as it was before issue 19's rewrite (a StAX {@code XMLStreamWriter} over
 * a {@code StringWriter}, encoded to UTF-8 at the end), kept verbatim (names aside) so
 * that {@link XmlWriterIdentityTest} can assert the rewrite writes exactly the same bytes, and so that
 * {@link XmlWriterBench} can compare the two side by side. Same methods and semantics as {@link XmlWriter}.
 */
final class StaxReferenceWriter {
    /** Namespace of every S3 REST-XML body. */
    static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StringWriter out = new StringWriter(512);
    private final XMLStreamWriter w;

    private StaxReferenceWriter(String root, String namespace) {
        try {
            w = FACTORY.createXMLStreamWriter(out);
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement(root);
            if (namespace != null) {
                w.writeDefaultNamespace(namespace);
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A document whose root element carries the S3 namespace. */
    static StaxReferenceWriter s3(String root) {
        return new StaxReferenceWriter(root, S3_NAMESPACE);
    }

    /** A document whose root element has no namespace (S3's {@code <Error>}). */
    static StaxReferenceWriter plain(String root) {
        return new StaxReferenceWriter(root, null);
    }

    StaxReferenceWriter start(String name) {
        try {
            w.writeStartElement(name);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    StaxReferenceWriter end() {
        try {
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <name>text</name>}; skipped when text is null. */
    StaxReferenceWriter element(String name, String text) {
        if (text == null) {
            return this;
        }
        try {
            w.writeStartElement(name);
            writeText(text);
            w.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code xmlns:xsi="..." xsi:type="type"} on the element just started (ACL grantees). */
    StaxReferenceWriter xsiType(String type) {
        String xsi = "http://www.w3.org/2001/XMLSchema-instance";
        try {
            w.writeNamespace("xsi", xsi);
            w.writeAttribute("xsi", xsi, "type", type);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Escaped character content inside the current element. */
    StaxReferenceWriter text(String text) {
        try {
            writeText(text);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    StaxReferenceWriter element(String name, long value) {
        return element(name, Long.toString(value));
    }

    StaxReferenceWriter element(String name, boolean value) {
        return element(name, Boolean.toString(value));
    }

    /** An ISO-8601 timestamp with milliseconds, as S3 lists them ({@code 2009-10-12T17:50:30.000Z}). */
    StaxReferenceWriter element(String name, Instant time) {
        return time == null ? this : element(name, isoTime(time));
    }

    /**
     * Writes character content so that the document stays well-formed XML 1.0 whatever the text holds (an
     * object key may hold any Unicode character; a listing must not become unreadable to every caller because
     * one key holds U+0001). StAX escapes {@code < > &}; on top of that:
     * <ul>
     *   <li>CR is written as {@code &#xD;}, which parsers keep (a raw CR would be read back as LF);</li>
     *   <li>a character XML 1.0 does not allow (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF; an unpaired
     *       surrogate) is written as U+FFFD. S3 writes {@code &#x1;} there, which no XML 1.0 parser accepts;
     *       clients that need such keys exactly ask for {@code encoding-type=url} (botocore always does for
     *       object listings), see {@link EncodingType}.</li>
     * </ul>
     */
    private void writeText(String text) throws XMLStreamException {
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            boolean legal = c == '\t' || c == '\n' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
            if (legal) {
                continue;
            }
            if (i > from) {
                w.writeCharacters(text.substring(from, i));
            }
            if (c == '\r') {
                w.writeEntityRef("#xD");
            } else {
                w.writeCharacters("\uFFFD");
            }
            from = i + 1;
        }
        if (from < text.length()) {
            w.writeCharacters(text.substring(from));
        }
    }

    /** Closes all open elements and returns the UTF-8 bytes. */
    public byte[] toBytes() {
        try {
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * S3's listing timestamp format, {@code 2009-10-12T17:50:30.000Z}. Written by hand for years 1-9999 (a
     * DateTimeFormatter per entry was 14 % of a ListObjectVersions page's CPU, issue 19); the formatter otherwise.
     */
    static String isoTime(Instant time) {
        long seconds = time.getEpochSecond();
        if (seconds < YEAR_1 || seconds >= YEAR_10000) {
            return ISO_MILLIS.format(time);
        }
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        char[] c = new char[24];
        digits(c, 0, t.getYear(), 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, time.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** Epoch seconds of 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z. */
    private static final long YEAR_1 = -62135596800L;
    private static final long YEAR_10000 = 253402300800L;

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
