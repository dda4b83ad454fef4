package dev.dualkey.gateway.console.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class MultipartParserTest {
    private static final String B = "----WebKitFormBoundaryAbC123";

    /** Records events; file bytes collected separately. */
    private static final class Recorder implements MultipartParser.Listener {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream current = new ByteArrayOutputStream();
        final List<byte[]> parts = new ArrayList<>();

        @Override
        public void partStart(String fieldName, String fileName, String contentType) {
            events.add("start " + fieldName + " " + fileName + " " + contentType);
            current.reset();
        }

        @Override
        public void partData(byte[] buf, int off, int len) {
            current.write(buf, off, len);
        }

        @Override
        public void partEnd() {
            parts.add(current.toByteArray());
            events.add("end");
        }
    }

    private static byte[] body(byte[] file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String head = "--" + B + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n"
                + "--" + B + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b%22.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        out.writeBytes(("\r\n--" + B + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void parsesFieldsAndFileAcrossEveryChunkSplit() throws Exception {
        byte[] file = new byte[3000];
        new Random(7).nextBytes(file);
        // Plant delimiter look-alikes inside the file.
        byte[] fake = ("\r\n--" + B.substring(0, 10)).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(fake, 0, file, 100, fake.length);
        byte[] body = body(file);
        for (int chunk : new int[] {1, 2, 7, 13, 64, 1000, body.length}) {
            Recorder r = new Recorder();
            MultipartParser p = new MultipartParser(B, r);
            for (int off = 0; off < body.length; off += chunk) {
                p.feed(body, off, Math.min(chunk, body.length - off));
            }
            assertTrue(p.isComplete(), "chunk " + chunk);
            assertEquals(List.of("start csrf null application/octet-stream", "end",
                    "start file a b\".bin application/octet-stream", "end"), r.events);
            assertEquals("tok123", new String(r.parts.get(0), StandardCharsets.UTF_8));
            assertArrayEquals(file, r.parts.get(1), "chunk " + chunk);
        }
    }

    @Test
    void findsBoundaryInContentType() {
        assertEquals(B, MultipartParser.boundaryOf("multipart/form-data; boundary=" + B));
        assertEquals("x y", MultipartParser.boundaryOf("multipart/form-data; charset=utf-8; boundary=\"x y\""));
        assertEquals(null, MultipartParser.boundaryOf("application/x-www-form-urlencoded"));
    }

    @Test
    void rejectsGarbageAfterDelimiter() {
        MultipartParser p = new MultipartParser(B, new Recorder());
        byte[] bad = ("--" + B + "XX").getBytes(StandardCharsets.US_ASCII);
        assertThrows(MultipartParser.MalformedMultipartException.class, () -> p.feed(bad, 0, bad.length));
    }

    @Test
    void truncatedBodyIsNotComplete() throws Exception {
        byte[] body = body(new byte[10]);
        Recorder r = new Recorder();
        MultipartParser p = new MultipartParser(B, r);
        p.feed(body, 0, body.length - 10);
        assertEquals(false, p.isComplete());
    }
}
