package dev.dualkey.gateway.s3.xml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link XmlWriter} (one char buffer, issue 19) writes exactly the bytes of the StAX writer it replaced
 * ({@link StaxReferenceWriter}): the same random call sequences go to both, and every document's bytes, and the
 * text so far at random points, must be equal. The texts mix every class of character the escaping tells apart
 * (markup characters, TAB/LF/CR, other C0 controls, U+FFFE/U+FFFF, BMP and supplementary characters, unpaired
 * and reversed surrogates); element names are ASCII, as every caller's are.
 */
class XmlWriterIdentityTest {
    private static final String[] NAMES = {"ListBucketResult", "Contents", "Key", "LastModified", "ETag", "Size",
        "Owner", "ID", "DisplayName", "StorageClass", "CommonPrefixes", "Prefix", "Version", "DeleteMarker",
        "VersionId", "IsLatest", "Grantee", "Grant", "Permission", "Error", "Code", "Message", "a", "x-y.z_1"};

    /** Characters from every class the escaping distinguishes. */
    private static final String[] PIECES = {"a", "Z", "0", "9", "/", " ", "-", ".", "<", ">", "&", "\"", "'",
        "]]>", "&amp;", "\t", "\n", "\r", "\r\n", "\u0000", "\u0001", "\u0008", "\u000b", "\u000c", "\u001f",
        "\u007f", "\u0085", "\u00a0", "\u00e9", "\u00ff", "\u0100", "\u4e2d", "\ud7ff", "\ue000", "\ufeff",
        "\ufffd", "\ufffe", "\uffff", "\ud83d\ude00", "\udbff\udfff", "\ud800\udc00", "\ud800", "\udbff",
        "\udc00", "\udfff", "\ude00\ud83d", "%2F", "k%20"};

    @Test
    void threeThousandRandomDocumentsAreByteIdentical() {
        SplittableRandom r = new SplittableRandom(19_2026);
        for (int doc = 0; doc < 3_000; doc++) {
            byte[][] out = build(r.split(), doc);
            assertArrayEquals(out[0], out[1], "document " + doc);
        }
    }

    @Test
    void byteBuffersHoldTheBytesOfToBytes() {
        SplittableRandom r = new SplittableRandom(11);
        for (int doc = 0; doc < 50; doc++) {
            // up to ~1 MB: small documents are one chunk, a listing page of 1000 entries a dozen
            int entries = doc * doc * 4;
            XmlWriter a = XmlWriter.s3("ListVersionsResult").element("Name", "b");
            XmlWriter b = XmlWriter.s3("ListVersionsResult").element("Name", "b");
            for (int i = 0; i < entries; i++) {
                String key = text(r, 1 + r.nextInt(12));
                a.start("Version").element("Key", key).element("Size", i).element("LastModified",
                        Instant.ofEpochMilli(1_700_000_000_000L + i)).end();
                b.start("Version").element("Key", key).element("Size", i).element("LastModified",
                        Instant.ofEpochMilli(1_700_000_000_000L + i)).end();
            }
            java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            for (java.nio.ByteBuffer part : a.toByteBuffers()) {
                byte[] bytes = new byte[part.remaining()];
                part.get(bytes);
                joined.writeBytes(bytes);
            }
            assertArrayEquals(b.toBytes(), joined.toByteArray(), "document " + doc);
        }
    }

    @Test
    void longTextsThatGrowTheBufferMidEscapeAreByteIdentical() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            String t = text(r, 500 + r.nextInt(5_000));
            byte[] ours = XmlWriter.s3("R").element("Key", t).start("A").text(t).toBytes();
            byte[] ref = StaxReferenceWriter.s3("R").element("Key", t).start("A").text(t).toBytes();
            assertArrayEquals(ref, ours);
        }
    }

    @Test
    void edgeSequencesBehaveAsStax() {
        // an empty text leaves the start tag open, as StAX wrote no event for it
        assertEquals(StaxReferenceWriter.s3("R").start("A").text("").toString(),
                XmlWriter.s3("R").start("A").text("").toString());
        assertArrayEquals(StaxReferenceWriter.plain("R").start("A").text("").xsiType("Group").toBytes(),
                XmlWriter.plain("R").start("A").text("").xsiType("Group").toBytes());
        // empty elements are <A></A>; a closed root may be followed by another element
        assertArrayEquals(StaxReferenceWriter.plain("R").start("A").end().element("B", "").end().start("S").toBytes(),
                XmlWriter.plain("R").start("A").end().element("B", "").end().start("S").toBytes());
        // attribute values escape the quote too
        assertArrayEquals(StaxReferenceWriter.plain("R").start("G").xsiType("a\"<&>'b").toBytes(),
                XmlWriter.plain("R").start("G").xsiType("a\"<&>'b").toBytes());
        // numbers at their edges
        XmlWriter nw = XmlWriter.s3("R");
        StaxReferenceWriter nr = StaxReferenceWriter.s3("R");
        for (long v : new long[] {0, -1, 1, 9, 10, -10, 99, 100, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L,
            Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1}) {
            nw.element("N", v);
            nr.element("N", v);
        }
        assertArrayEquals(nr.toBytes(), nw.toBytes());
        // toBytes twice
        XmlWriter w = XmlWriter.s3("R").start("A");
        StaxReferenceWriter s = StaxReferenceWriter.s3("R").start("A");
        assertArrayEquals(s.toBytes(), w.toBytes());
        assertArrayEquals(s.toBytes(), w.toBytes());
        // misuse fails the same way
        assertThrows(IllegalStateException.class, () -> StaxReferenceWriter.plain("R").end().end());
        assertThrows(IllegalStateException.class, () -> XmlWriter.plain("R").end().end());
        assertThrows(IllegalStateException.class, () -> StaxReferenceWriter.plain("R").element("A", "x").xsiType("G"));
        assertThrows(IllegalStateException.class, () -> XmlWriter.plain("R").element("A", "x").xsiType("G"));
        assertThrows(IllegalStateException.class, () -> StaxReferenceWriter.plain("R").start(null));
        assertThrows(IllegalStateException.class, () -> XmlWriter.plain("R").start(null));
        assertThrows(IllegalStateException.class, () -> StaxReferenceWriter.plain("R").element(null, "x"));
        assertThrows(IllegalStateException.class, () -> XmlWriter.plain("R").element(null, "x"));
    }

    /** One random document through both writers: {ours, reference}. */
    private static byte[][] build(SplittableRandom r, int doc) {
        String root = name(r);
        boolean s3 = r.nextBoolean();
        XmlWriter w = s3 ? XmlWriter.s3(root) : XmlWriter.plain(root);
        StaxReferenceWriter ref = s3 ? StaxReferenceWriter.s3(root) : StaxReferenceWriter.plain(root);
        int depth = 1;
        int ops = r.nextInt(doc % 10 == 0 ? 400 : 40);
        for (int op = 0; op < ops; op++) {
            int kind = r.nextInt(100);
            if (kind < 20) {
                String n = name(r);
                w.start(n);
                ref.start(n);
                depth++;
                if (r.nextInt(4) == 0) {
                    String type = r.nextBoolean() ? "CanonicalUser" : text(r, r.nextInt(6));
                    w.xsiType(type);
                    ref.xsiType(type);
                }
                continue;
            }
            if (kind < 35) {
                if (depth == 0 || depth == 1 && kind > 20) { // now and then the root too
                    continue;
                }
                w.end();
                ref.end();
                depth--;
            } else if (kind < 70) {
                String n = name(r);
                String t = r.nextInt(10) == 0 ? null : text(r, r.nextInt(r.nextInt(8) == 0 ? 300 : 20));
                w.element(n, t);
                ref.element(n, t);
            } else if (kind < 78) {
                String n = name(r);
                long v = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(10_000);
                w.element(n, v);
                ref.element(n, v);
            } else if (kind < 83) {
                String n = name(r);
                boolean v = r.nextBoolean();
                w.element(n, v);
                ref.element(n, v);
            } else if (kind < 91) {
                String n = name(r);
                Instant t = r.nextInt(10) == 0 ? null : r.nextInt(10) == 0
                        ? Instant.ofEpochSecond(r.nextLong(-70_000_000_000L, 260_000_000_000L), r.nextInt(1_000_000_000))
                        : Instant.ofEpochMilli(r.nextLong(0, 4_000_000_000_000L));
                w.element(n, t);
                ref.element(n, t);
            } else if (kind < 97) {
                String t = text(r, r.nextInt(12));
                w.text(t);
                ref.text(t);
            } else {
                // the text so far; as bytes, since StAX kept an unpaired surrogate of an attribute value in its
                // characters (encoded as '?' only at the end) where XmlWriter has encoded it already
                assertArrayEquals(ref.toString().getBytes(StandardCharsets.UTF_8),
                        w.toString().getBytes(StandardCharsets.UTF_8), "document " + doc + " op " + op);
            }
        }
        return new byte[][] {w.toBytes(), ref.toBytes()};
    }

    private static String name(SplittableRandom r) {
        if (r.nextInt(8) > 0) {
            return NAMES[r.nextInt(NAMES.length)];
        }
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }

    /** About {@code pieces} random pieces: mostly plain ASCII key characters, with every special class mixed in. */
    static String text(SplittableRandom r, int pieces) {
        StringBuilder b = new StringBuilder();
        boolean plain = r.nextInt(3) == 0;
        for (int i = 0; i < pieces; i++) {
            if (plain || r.nextInt(3) > 0) {
                b.append((char) ('!' + r.nextInt(94)));
            } else if (r.nextInt(20) == 0) {
                b.append((char) r.nextInt(0x10000)); // any UTF-16 unit, surrogates included
            } else {
                b.append(PIECES[r.nextInt(PIECES.length)]);
            }
        }
        return b.toString();
    }
}
