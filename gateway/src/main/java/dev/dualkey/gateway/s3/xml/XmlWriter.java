package dev.dualkey.gateway.s3.xml;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * A small fluent writer for S3 response documents: text is always escaped, the S3 namespace goes on the root
 * element, and the document starts with the XML prolog S3 sends. Not thread-safe; one per document.
 *
 * <p>The document is one growing {@code char[]}: markup is copied in, text is copied in and escaped in place,
 * and {@link #toBytes} encodes the whole to UTF-8 once. It replaced a StAX {@code XMLStreamWriter} (issue 19:
 * with its per-call checks, namespace context and element stack objects it was about half of a 1000-entry
 * listing document's build time) and writes exactly the bytes that writer wrote (test-only
 * {@code StaxReferenceWriter} and {@code XmlWriterIdentityTest}):
 * <ul>
 *   <li>{@code <?xml version="1.0" encoding="UTF-8"?>}, no whitespace anywhere between markup;</li>
 *   <li>a start tag stays open ({@code <Name}, no {@code >}) until the next call, so that {@link #xsiType} can
 *       add attributes; an element without content is {@code <Name></Name>}, never {@code <Name/>};</li>
 *   <li>text escapes {@code < > &} only ({@code "} and {@code '} stay), plus the XML 1.0 rules of
 *       {@link #text}; an attribute value also escapes {@code "}; element names are written as given.</li>
 * </ul>
 * Memory is the document's characters (at most twice, while the array grows) plus its bytes at the end.
 */
public final class XmlWriter {
    /** Namespace of every S3 REST-XML body. */
    public static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final String XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The document so far: {@code buf[0, len)}. */
    private char[] buf = new char[1024];
    private int len;
    /** Names of the open elements, root first: {@code open[0, depth)}. */
    private String[] open = new String[8];
    private int depth;
    /** True while the innermost start tag still lacks its {@code >}. */
    private boolean tagOpen;

    private XmlWriter(String root, String namespace) {
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        start(root);
        if (namespace != null) {
            append(" xmlns=\"");
            attributeValue(namespace);
            append('"');
        }
    }

    /** A document whose root element carries the S3 namespace. */
    public static XmlWriter s3(String root) {
        return new XmlWriter(root, S3_NAMESPACE);
    }

    /** A document whose root element has no namespace (S3's {@code <Error>}). */
    public static XmlWriter plain(String root) {
        return new XmlWriter(root, null);
    }

    public XmlWriter start(String name) {
        if (name == null) {
            throw new IllegalStateException("element name is null");
        }
        closeTag();
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = name;
        append('<');
        append(name);
        tagOpen = true;
        return this;
    }

    /**
     * Closes the innermost open element.
     *
     * @throws IllegalStateException when no element is open
     */
    public XmlWriter end() {
        if (depth == 0) {
            throw new IllegalStateException("no element is open");
        }
        closeTag();
        String name = open[--depth];
        open[depth] = null;
        endTag(name);
        return this;
    }

    /** {@code <name>text</name>}; skipped when text is null. */
    public XmlWriter element(String name, String text) {
        if (text == null) {
            return this;
        }
        startTag(name);
        escapeText(text);
        endTag(name);
        return this;
    }

    /**
     * {@code xmlns:xsi="..." xsi:type="type"} on the element just started (ACL grantees).
     *
     * @throws IllegalStateException when the last call did not start an element
     */
    public XmlWriter xsiType(String type) {
        if (!tagOpen) {
            throw new IllegalStateException("xsiType needs a start tag just written");
        }
        append(" xmlns:xsi=\"");
        attributeValue(XSI_NAMESPACE);
        append("\" xsi:type=\"");
        attributeValue(type);
        append('"');
        return this;
    }

    /**
     * Escaped character content inside the current element, so that the document stays well-formed XML 1.0
     * whatever the text holds (an object key may hold any Unicode character; a listing must not become
     * unreadable to every caller because one key holds U+0001). {@code < > &} are escaped; on top of that:
     * <ul>
     *   <li>CR is written as {@code &#xD;}, which parsers keep (a raw CR would be read back as LF);</li>
     *   <li>a character XML 1.0 does not allow (C0 controls other than TAB, LF, CR; U+FFFE, U+FFFF; an unpaired
     *       surrogate) is written as U+FFFD. S3 writes {@code &#x1;} there, which no XML 1.0 parser accepts;
     *       clients that need such keys exactly ask for {@code encoding-type=url} (botocore always does for
     *       object listings), see {@link EncodingType}.</li>
     * </ul>
     */
    public XmlWriter text(String text) {
        if (!text.isEmpty()) { // as StAX: no characters, no event; the start tag stays open
            closeTag();
            escapeText(text);
        }
        return this;
    }

    public XmlWriter element(String name, long value) {
        return element(name, Long.toString(value));
    }

    public XmlWriter element(String name, boolean value) {
        return element(name, value ? "true" : "false");
    }

    /** An ISO-8601 timestamp with milliseconds, as S3 lists them ({@code 2009-10-12T17:50:30.000Z}). */
    public XmlWriter element(String name, Instant time) {
        return time == null ? this : element(name, isoTime(time));
    }

    /** Closes all open elements and returns the UTF-8 bytes. */
    public byte[] toBytes() {
        while (depth > 0) {
            end();
        }
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The document so far (a start tag just written still lacks its {@code >}). */
    @Override
    public String toString() {
        return new String(buf, 0, len);
    }

    /** {@code <name>}, closing a start tag left open before it. */
    private void startTag(String name) {
        if (name == null) {
            throw new IllegalStateException("element name is null");
        }
        closeTag();
        int n = name.length();
        ensure(n + 2);
        char[] b = buf;
        b[len++] = '<';
        name.getChars(0, n, b, len);
        len += n;
        b[len++] = '>';
    }

    /** {@code </name>}. */
    private void endTag(String name) {
        int n = name.length();
        ensure(n + 3);
        char[] b = buf;
        b[len++] = '<';
        b[len++] = '/';
        name.getChars(0, n, b, len);
        len += n;
        b[len++] = '>';
    }

    private void closeTag() {
        if (tagOpen) {
            append('>');
            tagOpen = false;
        }
    }

    /**
     * Copies the text in with {@code String.getChars} (a bulk copy) and then scans the copy: the usual key, ETag
     * or number holds nothing to escape and is done. From the first character that needs care on, the rest is
     * written one character at a time from the string.
     */
    private void escapeText(String s) {
        int n = s.length();
        ensure(n);
        char[] b = buf;
        int at = len;
        s.getChars(0, n, b, at);
        for (int i = 0; i < n; i++) {
            char c = b[at + i];
            if (c < 0x20 || c == '<' || c == '>' || c == '&' || c >= 0xD800) {
                len = at + i;
                escapeFrom(s, i);
                return;
            }
        }
        len = at + n;
    }

    /** {@code s[from, end)}, one character at a time; the XML 1.0 rules are in {@link #text}. */
    private void escapeFrom(String s, int from) {
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            // room for this character's longest form (5 chars) and one char for each one still to come
            ensure(5 + n - i);
            if (c >= 0x20 && c < 0xD800) {
                switch (c) {
                    case '<' -> append("&lt;");
                    case '>' -> append("&gt;");
                    case '&' -> append("&amp;");
                    default -> buf[len++] = c;
                }
            } else if (c == '\t' || c == '\n') {
                buf[len++] = c;
            } else if (c == '\r') {
                append("&#xD;");
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                buf[len++] = c;
                buf[len++] = s.charAt(++i);
            } else if (c >= 0xE000 && c <= 0xFFFD) {
                buf[len++] = c;
            } else {
                buf[len++] = '\uFFFD';
            }
        }
    }

    /** An attribute value as StAX escaped it: {@code < > & "}, nothing else. */
    private void attributeValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> append("&lt;");
                case '>' -> append("&gt;");
                case '&' -> append("&amp;");
                case '"' -> append("&quot;");
                default -> append(c);
            }
        }
    }

    private void append(char c) {
        ensure(1);
        buf[len++] = c;
    }

    private void append(String s) {
        int n = s.length();
        ensure(n);
        s.getChars(0, n, buf, len);
        len += n;
    }

    /** Room for {@code more} characters after {@code len}. */
    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /**
     * S3's listing timestamp format, {@code 2009-10-12T17:50:30.000Z}. Written by hand for years 1-9999 (a
     * DateTimeFormatter per entry was 14 % of a ListObjectVersions page's CPU, issue 19); the formatter otherwise.
     */
    public static String isoTime(Instant time) {
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
