package dev.dualkey.gateway.s3.xml;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * A small fluent writer for S3 response documents: text is always escaped, the S3 namespace goes on the root
 * element, and the document starts with the XML prolog S3 sends. Not thread-safe; one per document.
 *
 * <p>It writes UTF-8 bytes straight into byte chunks: markup is copied in, text is escaped and encoded in one
 * pass (ASCII text that needs no escape, the usual key, ETag or number, is one loop of byte stores), and
 * {@link #toBytes} joins the chunks. It replaced a StAX {@code XMLStreamWriter} over a {@code StringWriter}
 * (issue 19: its per-call checks, namespace context and element stack, the character buffer and the final
 * {@code String} and encoding were most of a 1000-entry listing document's cost) and writes exactly the bytes
 * that writer wrote (the test-only {@code StaxReferenceWriter} and {@code XmlWriterIdentityTest}):
 * <ul>
 *   <li>{@code <?xml version="1.0" encoding="UTF-8"?>}, no whitespace anywhere between markup;</li>
 *   <li>a start tag stays open ({@code <Name}, no {@code >}) until the next call, so that {@link #xsiType} can
 *       add attributes; an element without content is {@code <Name></Name>}, never {@code <Name/>};</li>
 *   <li>text escapes {@code < > &} only ({@code "} and {@code '} stay), plus the XML 1.0 rules of
 *       {@link #text}; an attribute value also escapes {@code "}; element names are written as given (an
 *       unpaired surrogate in a name or attribute value becomes {@code ?}, as {@code String.getBytes} did).</li>
 * </ul>
 *
 * <p>Memory: about twice the document's bytes (the chunks, a little slack at the end of each, then the joined array;
 * {@link #toByteBuffers} hands the chunks over without the joined copy).
 * Chunks start at 512 bytes and double up to 64 KiB, so an error document stays small and a 400 KB listing
 * page is copied once; a full chunk is kept, never copied into a larger one.
 */
public final class XmlWriter {
    /** Namespace of every S3 REST-XML body. */
    public static final String S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final String XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int FIRST_CHUNK = 512;
    private static final int MAX_CHUNK = 64 * 1024;
    /** UTF-8 of U+FFFD, written for a character XML 1.0 does not allow. */
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    /** The chunk being written: {@code buf[0, pos)} is used. */
    private byte[] buf = new byte[FIRST_CHUNK];
    private int pos;
    /** Earlier chunks in order, {@code full[i][0, fullLen[i])} used; {@code fullBytes} their sum. */
    private byte[][] full = new byte[4][];
    private int[] fullLen = new int[4];
    private int fullCount;
    private int fullBytes;
    /** Names of the open elements, root first: {@code open[0, depth)}. */
    private String[] open = new String[8];
    private int depth;
    /** True while the innermost start tag still lacks its {@code >}. */
    private boolean tagOpen;

    private XmlWriter(String root, String namespace) {
        raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        start(root);
        if (namespace != null) {
            raw(" xmlns=\"");
            attributeValue(namespace);
            put('"');
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
        put('<');
        raw(name);
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
        raw(" xmlns:xsi=\"");
        attributeValue(XSI_NAMESPACE);
        raw("\" xsi:type=\"");
        attributeValue(type);
        put('"');
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
        startTag(name);
        if (value == Long.MIN_VALUE) {
            raw(Long.toString(value));
        } else {
            ensure(20);
            if (value < 0) {
                buf[pos++] = '-';
                value = -value;
            }
            int width = 1;
            for (long v = value; v >= 10; v /= 10) {
                width++;
            }
            for (int i = pos + width - 1; i >= pos; i--) {
                buf[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            pos += width;
        }
        endTag(name);
        return this;
    }

    public XmlWriter element(String name, boolean value) {
        return element(name, value ? "true" : "false");
    }

    /** An ISO-8601 timestamp with milliseconds, as S3 lists them ({@code 2009-10-12T17:50:30.000Z}). */
    public XmlWriter element(String name, Instant time) {
        if (time == null) {
            return this;
        }
        long seconds = time.getEpochSecond();
        if (seconds < YEAR_1 || seconds >= YEAR_10000) {
            return element(name, ISO_MILLIS.format(time));
        }
        startTag(name);
        ensure(24);
        isoTime(buf, pos, seconds, time.getNano());
        pos += 24;
        endTag(name);
        return this;
    }

    /** Closes all open elements and returns the UTF-8 bytes. */
    public byte[] toBytes() {
        while (depth > 0) {
            end();
        }
        return joined();
    }

    /**
     * Closes all open elements and returns the document's chunks in order, each a heap buffer over the writer's own
     * array (no copy): the same bytes as {@link #toBytes}, for a reply sent without joining them (a 1000-entry
     * listing is about 800 KB, issue 19). The writer must not be used afterwards.
     */
    public ByteBuffer[] toByteBuffers() {
        while (depth > 0) {
            end();
        }
        ByteBuffer[] out = new ByteBuffer[fullCount + 1];
        for (int i = 0; i < fullCount; i++) {
            out[i] = ByteBuffer.wrap(full[i], 0, fullLen[i]);
        }
        out[fullCount] = ByteBuffer.wrap(buf, 0, pos);
        return out;
    }

    /**
     * The document so far, decoded (a start tag just written still lacks its {@code >}; an unpaired surrogate
     * in a name or attribute value reads as {@code ?}).
     */
    @Override
    public String toString() {
        return new String(joined(), StandardCharsets.UTF_8);
    }

    private byte[] joined() {
        byte[] out = new byte[fullBytes + pos];
        int at = 0;
        for (int i = 0; i < fullCount; i++) {
            System.arraycopy(full[i], 0, out, at, fullLen[i]);
            at += fullLen[i];
        }
        System.arraycopy(buf, 0, out, at, pos);
        return out;
    }

    /** {@code <name>}, closing a start tag left open before it. */
    private void startTag(String name) {
        if (name == null) {
            throw new IllegalStateException("element name is null");
        }
        closeTag();
        put('<');
        raw(name);
        put('>');
    }

    /** {@code </name>}. */
    private void endTag(String name) {
        ensure(2);
        buf[pos++] = '<';
        buf[pos++] = '/';
        raw(name);
        put('>');
    }

    private void closeTag() {
        if (tagOpen) {
            put('>');
            tagOpen = false;
        }
    }

    /**
     * Text: the leading run of ASCII characters that need no escape (usually all of it) is stored byte by byte
     * in one loop; from the first other character on, {@link #escapeFrom} takes over.
     */
    private void escapeText(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '<' || c == '>' || c == '&') {
                pos = p;
                escapeFrom(s, i);
                return;
            }
            b[p++] = (byte) c;
        }
        pos = p;
    }

    /** {@code s[from, end)} one character at a time, with the XML 1.0 rules of {@link #text}. */
    private void escapeFrom(String s, int from) {
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            ensure(5); // the longest form of one character: "&amp;", "&#xD;"
            if (c >= 0x20 && c < 0x80) {
                switch (c) {
                    case '<' -> raw("&lt;");
                    case '>' -> raw("&gt;");
                    case '&' -> raw("&amp;");
                    default -> buf[pos++] = (byte) c;
                }
            } else if (c == '\t' || c == '\n') {
                buf[pos++] = (byte) c;
            } else if (c == '\r') {
                raw("&#xD;");
            } else if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
                putReplacement();
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    putCodePoint(Character.toCodePoint(c, s.charAt(++i)));
                } else {
                    putReplacement();
                }
            } else {
                putCodePoint(c);
            }
        }
    }

    /** An attribute value as StAX escaped it: {@code < > & "}, nothing else. */
    private void attributeValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> raw("&lt;");
                case '>' -> raw("&gt;");
                case '&' -> raw("&amp;");
                case '"' -> raw("&quot;");
                default -> i = putChar(s, i);
            }
        }
    }

    /** Markup as given (names, ASCII constants), encoded as {@code String.getBytes(UTF_8)} does. */
    private void raw(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = p;
                for (int j = i; j < n; j++) {
                    j = putChar(s, j);
                }
                return;
            }
            b[p++] = (byte) c;
        }
        pos = p;
    }

    /** Writes {@code s[i]} (with its low surrogate when paired) as UTF-8, an unpaired surrogate as '?'. */
    private int putChar(String s, int i) {
        char c = s.charAt(i);
        ensure(4);
        if (c < 0x80) {
            buf[pos++] = (byte) c;
        } else if (!Character.isSurrogate(c)) {
            putCodePoint(c);
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            putCodePoint(Character.toCodePoint(c, s.charAt(++i)));
        } else {
            buf[pos++] = '?';
        }
        return i;
    }

    /** A code point of U+0080 or above (no surrogate) as 2-4 bytes; room ensured by the caller. */
    private void putCodePoint(int cp) {
        byte[] b = buf;
        if (cp < 0x800) {
            b[pos++] = (byte) (0xC0 | cp >> 6);
        } else if (cp < 0x10000) {
            b[pos++] = (byte) (0xE0 | cp >> 12);
            b[pos++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        } else {
            b[pos++] = (byte) (0xF0 | cp >> 18);
            b[pos++] = (byte) (0x80 | (cp >> 12 & 0x3F));
            b[pos++] = (byte) (0x80 | (cp >> 6 & 0x3F));
        }
        b[pos++] = (byte) (0x80 | (cp & 0x3F));
    }

    private void putReplacement() {
        buf[pos++] = REPLACEMENT[0];
        buf[pos++] = REPLACEMENT[1];
        buf[pos++] = REPLACEMENT[2];
    }

    private void put(char c) {
        ensure(1);
        buf[pos++] = (byte) c;
    }

    /**
     * Room for {@code more} bytes at {@code pos}: when the chunk lacks it, the chunk is kept as it is and a new
     * one (twice as large, at most {@link #MAX_CHUNK}, or {@code more} if larger) is started.
     */
    private void ensure(int more) {
        if (pos + more > buf.length) {
            if (fullCount == full.length) {
                full = Arrays.copyOf(full, fullCount * 2);
                fullLen = Arrays.copyOf(fullLen, fullCount * 2);
            }
            full[fullCount] = buf;
            fullLen[fullCount++] = pos;
            fullBytes += pos;
            buf = new byte[Math.max(Math.min(buf.length * 2, MAX_CHUNK), more)];
            pos = 0;
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
        byte[] b = new byte[24];
        isoTime(b, 0, seconds, time.getNano());
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** The 24 bytes of {@link #isoTime(Instant)} at {@code b[at]}, for years 1-9999. */
    private static void isoTime(byte[] b, int at, long seconds, int nanos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        digits(b, at, t.getYear(), 4);
        b[at + 4] = '-';
        digits(b, at + 5, t.getMonthValue(), 2);
        b[at + 7] = '-';
        digits(b, at + 8, t.getDayOfMonth(), 2);
        b[at + 10] = 'T';
        digits(b, at + 11, t.getHour(), 2);
        b[at + 13] = ':';
        digits(b, at + 14, t.getMinute(), 2);
        b[at + 16] = ':';
        digits(b, at + 17, t.getSecond(), 2);
        b[at + 19] = '.';
        digits(b, at + 20, nanos / 1_000_000, 3);
        b[at + 23] = 'Z';
    }

    /** Epoch seconds of 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z. */
    private static final long YEAR_1 = -62135596800L;
    private static final long YEAR_10000 = 253402300800L;

    private static void digits(byte[] b, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
