package dev.dualkey.gateway.e2e;

import static dev.dualkey.gateway.e2e.GatewayEndToEndTest.AK;
import static dev.dualkey.gateway.e2e.GatewayEndToEndTest.KEYS;
import static dev.dualkey.gateway.e2e.GatewayEndToEndTest.SK;
import static dev.dualkey.gateway.e2e.GatewayEndToEndTest.contentLength;
import static dev.dualkey.gateway.e2e.GatewayEndToEndTest.readHead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies without a usable length, over raw sockets so the framing is exactly what is tested: a PutObject or
 * UploadPart body sent {@code Transfer-Encoding: chunked} without Content-Length (or x-amz-decoded-content-length)
 * is answered 411 MissingContentLength, as S3 does, and the connection stays usable (the small rest of the body is
 * read and dropped first); an empty {@code Content-Length:} header is answered 400 before the connection closes,
 * and the client reads the answer (the server half-closes and drains instead of resetting).
 */
class ContentLengthFramingTest {
    @TempDir
    static Path dir;
    static StorageEngine engine;
    static GatewayServer server;

    @BeforeAll
    static void start() throws Exception {
        engine = StorageEngine.open(dir.resolve("data"), List.of());
        server = GatewayServer.builder().objectStore(engine.objectStore()).credentialProvider(KEYS)
                .s3Address(new InetSocketAddress("127.0.0.1", 0)).start();
        engine.objectStore().createBucket("framing", "111111111111", "us-east-1");
    }

    @AfterAll
    static void stop() {
        server.close();
        engine.close();
    }

    /** A signed request head (UNSIGNED-PAYLOAD) with {@code extra} headers, unsigned ones after. */
    private static String head(String method, String pathAndQuery, Map<String, String> extra, String unsigned) {
        URI uri = URI.create(server.s3Endpoint() + pathAndQuery);
        Map<String, String> h = new LinkedHashMap<>(extra);
        Map<String, String> all = new LinkedHashMap<>(h);
        all.putAll(TestSigner.sign(method, uri, h, "UNSIGNED-PAYLOAD", AK, SK, Instant.now()));
        StringBuilder b = new StringBuilder(method + " " + pathAndQuery + " HTTP/1.1\r\nHost: "
                + uri.getRawAuthority() + "\r\n");
        all.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        return b.append(unsigned).append("\r\n").toString();
    }

    private static String chunked(String... pieces) {
        StringBuilder b = new StringBuilder();
        for (String p : pieces) {
            b.append(Integer.toHexString(p.length())).append("\r\n").append(p).append("\r\n");
        }
        return b.append("0\r\n\r\n").toString();
    }

    private static String[] response(InputStream in) throws Exception {
        String head = readHead(in);
        String body = new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
        return new String[] {head, body};
    }

    private static String readToEnd(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void chunkedPutWithoutLengthIs411AndTheConnectionStaysUsable() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head("PUT", "/framing/chunked", Map.of(), "Transfer-Encoding: chunked\r\n")
                    + chunked("hello ", "world")).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String[] first = response(in);
            assertTrue(first[0].startsWith("HTTP/1.1 411"), first[0]);
            assertTrue(first[1].contains("<Code>MissingContentLength</Code>"), first[1]);
            assertTrue(first[1].contains("<Message>You must provide the Content-Length HTTP header.</Message>"),
                    first[1]);
            // the same connection carries the next request
            out.write(head("GET", "/framing?list-type=2", Map.of(), "").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] second = response(in);
            assertTrue(second[0].startsWith("HTTP/1.1 200"), second[0]);
            assertTrue(second[1].contains("<ListBucketResult"), second[1]);
        }
    }

    @Test
    void chunkedUploadPartWithoutLengthIs411() throws Exception {
        String uploadId = engine.objectStore().createMultipartUpload("framing", "mp",
                dev.dualkey.storage.model.ObjectMetadata.empty(), dev.dualkey.storage.WriteOptions.defaults())
                .uploadId();
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head("PUT", "/framing/mp?partNumber=1&uploadId=" + uploadId, Map.of(),
                    "Transfer-Encoding: chunked\r\n") + chunked("part")).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] r = response(s.getInputStream());
            assertTrue(r[0].startsWith("HTTP/1.1 411"), r[0]);
            assertTrue(r[1].contains("<Code>MissingContentLength</Code>"), r[1]);
        }
    }

    @Test
    void chunkedPutWithExpectContinueIs411BeforeTheBodyThenClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head("PUT", "/framing/expect", Map.of(), "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String[] r = response(in);
            assertTrue(r[0].startsWith("HTTP/1.1 411"), r[0]);
            assertTrue(r[0].toLowerCase(java.util.Locale.ROOT).contains("connection: close"), r[0]);
            // the client may still send its body: the server reads it away and ends the connection cleanly
            out.write(chunked("late body").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("", readToEnd(in));
        }
    }

    @Test
    void emptyContentLengthIs400AndTheAnswerArrivesBeforeTheClose() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((head("PUT", "/framing/empty-length", Map.of(), "Content-Length: \r\n") + "bar")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String[] r = response(in);
            assertTrue(r[0].startsWith("HTTP/1.1 400"), r[0]);
            assertTrue(r[1].contains("<Code>InvalidRequest</Code>"), r[1]);
            assertEquals("", readToEnd(in), "a clean end of stream, not a reset");
        }
    }
}
