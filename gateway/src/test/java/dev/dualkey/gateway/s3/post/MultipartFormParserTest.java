package dev.dualkey.gateway.s3.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming form parser: the same fields and file bytes whatever the piece sizes (one byte at a time
 * included, so a delimiter split anywhere is found), file bytes that look like a delimiter's start, the 20 KB
 * limit on fields, and malformed bodies.
 */
class MultipartFormParserTest {
    static final String B = "XyZboundary";

    static final class Collect implements MultipartFormParser.Handler {
        final Map<String, String> fields = new LinkedHashMap<>();
        final ByteArrayOutputStream file = new ByteArrayOutputStream();
        String filename;
        int maxSlice;
        boolean ended;

        @Override
        public void field(String name, String value) {
            fields.put(name, value);
        }

        @Override
        public void fileStart(String name) {
            filename = name;
        }

        @Override
        public void fileData(ByteBuffer data) {
            maxSlice = Math.max(maxSlice, data.remaining());
            byte[] b = new byte[data.remaining()];
            data.get(b);
            file.writeBytes(b);
        }

        @Override
        public void fileEnd() {
            ended = true;
        }
    }

    static byte[] body(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("preamble\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nup/${filename}"
                + "\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"x-amz-meta-a\"\r\n\r\nline1\r\nline2"
                + "\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + B + "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nignored\r\n--" + B
                + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static Collect parse(byte[] body, int piece) {
        Collect c = new Collect();
        MultipartFormParser p = new MultipartFormParser(B, c);
        for (int i = 0; i < body.length; i += piece) {
            p.feed(ByteBuffer.wrap(body, i, Math.min(piece, body.length - i)));
        }
        p.finish();
        return c;
    }

    @Test
    void sameResultForEveryPieceSize() {
        String almost = B.substring(0, B.length() - 1); // a delimiter's prefix, never a whole one (RFC 2046)
        byte[] file = ("\r\n--" + B.substring(0, 5) + " not a delimiter \r\n-- \r\n--" + almost + "x")
                .getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[100_000];
        new Random(7).nextBytes(random);
        for (byte[] f : new byte[][] {file, random, new byte[0]}) {
            for (int piece : new int[] {1, 2, 3, 7, 64, 4096, 1 << 20}) {
                Collect c = parse(body(f), piece);
                assertEquals(Map.of("key", "up/${filename}", "x-amz-meta-a", "line1\r\nline2"), c.fields);
                assertEquals("a.bin", c.filename);
                assertArrayEquals(f, c.file.toByteArray(), "piece " + piece);
                assertTrue(c.ended);
                assertTrue(c.maxSlice <= Math.max(piece, 1), "slices never exceed what arrived");
            }
        }
    }

    @Test
    void fieldsOverTwentyKilobytesAreRefused() {
        String big = "--" + B + "\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n" + "a".repeat(21 * 1024);
        S3Exception e = assertThrows(S3Exception.class, () -> parse(big.getBytes(StandardCharsets.UTF_8), 1024));
        assertEquals(S3ErrorCode.MAX_POST_PRE_DATA_LENGTH_EXCEEDED, e.error());
    }

    @Test
    void malformedOrFilelessBodies() {
        assertEquals(S3ErrorCode.INCORRECT_NUMBER_OF_FILES_IN_POST_REQUEST, assertThrows(S3Exception.class,
                () -> parse(("--" + B + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--" + B
                        + "--").getBytes(StandardCharsets.UTF_8), 5)).error());
        byte[] cut = body(new byte[100]);
        byte[] truncated = java.util.Arrays.copyOf(cut, cut.length - 120); // ends inside the file part
        assertEquals(S3ErrorCode.MALFORMED_POST_REQUEST, assertThrows(S3Exception.class,
                () -> parse(truncated, 9)).error());
        assertEquals(S3ErrorCode.MALFORMED_POST_REQUEST, assertThrows(S3Exception.class,
                () -> parse(("--" + B + "\r\nContent-Disposition: attachment; name=\"key\"\r\n\r\nk").getBytes(
                        StandardCharsets.UTF_8), 5)).error());
        assertEquals(null, MultipartFormParser.boundary("application/x-www-form-urlencoded"));
        assertEquals("abc", MultipartFormParser.boundary("multipart/form-data; charset=utf-8; boundary=\"abc\""));
    }
}
