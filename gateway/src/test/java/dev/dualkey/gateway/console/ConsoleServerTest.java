package dev.dualkey.gateway.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.StreamingBody;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;

/**
 * The console listener on the wire, with raw sockets: bodies that arrive after their head, pipelined requests,
 * security headers, form size cap, streamed uploads (the file reaches the sink in order, chunk by chunk; a
 * refused upload stores nothing) and streamed downloads.
 */
class ConsoleServerTest {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream uploaded = new ByteArrayOutputStream();
    private final List<String> uploadEvents = new CopyOnWriteArrayList<>();
    private ExecutorService executor;
    private ConsoleServer server;

    @BeforeEach
    void start() throws Exception {
        executor = Executors.newFixedThreadPool(2);
        ConsoleApp app = new ConsoleApp() {
            @Override
            public ConsoleResponse handle(ConsoleRequest r) {
                seen.add(r.method() + " " + r.path() + " " + r.form().get("a"));
                if (r.path().equals("/download")) {
                    byte[] data = new byte[200_000];
                    new Random(1).nextBytes(data);
                    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(data);
                    return ConsoleResponse.stream(200, "application/octet-stream", new StreamingBody() {
                        @Override
                        public long length() {
                            return data.length;
                        }

                        @Override
                        public int read(byte[] buf) {
                            return in.read(buf, 0, buf.length);
                        }

                        @Override
                        public void close() {
                            uploadEvents.add("download closed");
                        }
                    });
                }
                return ConsoleResponse.text(200, "ok " + r.form().get("a"));
            }

            @Override
            public boolean isUpload(String method, String path) {
                return method.equals("POST") && path.equals("/upload");
            }

            @Override
            public UploadSink beginUpload(ConsoleRequest r, String fileName, String contentType)
                    throws UploadRefusedException {
                if (!r.form().get("csrf").equals("good")) {
                    throw new UploadRefusedException(ConsoleResponse.text(403, "refused"));
                }
                uploadEvents.add("begin " + fileName + " prefix=" + r.form().get("prefix"));
                return new UploadSink() {
                    @Override
                    public void write(byte[] buf, int off, int len) {
                        synchronized (uploaded) {
                            uploaded.write(buf, off, len);
                        }
                    }

                    @Override
                    public ConsoleResponse commit() {
                        uploadEvents.add("commit");
                        return ConsoleResponse.redirect("/done");
                    }

                    @Override
                    public void abort() {
                        uploadEvents.add("abort");
                    }
                };
            }
        };
        server = new ConsoleServer(new InetSocketAddress("127.0.0.1", 0), null, app, executor).start();
    }

    @AfterEach
    void stop() {
        server.close();
        executor.shutdownNow();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one response (head + Content-Length body). */
    private static String[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int len = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                len = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(len);
        return new String[] {h, new String(body, StandardCharsets.ISO_8859_1)};
    }

    @Test
    void aFormBodyArrivingAfterItsHeadIsRead() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /f HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 3\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // not a timing assertion: only makes the body a separate TCP segment
            out.write("a=1".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] r = readResponse(s.getInputStream());
            assertTrue(r[0].startsWith("HTTP/1.1 200"), r[0]);
            assertEquals("ok 1", r[1]);
            assertTrue(r[0].contains("content-security-policy: default-src 'self'")
                    || r[0].contains("Content-Security-Policy: default-src 'self'"), r[0]);
            assertTrue(r[0].contains("X-Frame-Options: DENY"), r[0]);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("GET /one?x HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 3\r\n\r\na=2GET /three HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertEquals("ok ", readResponse(in)[1]);
            assertEquals("ok 2", readResponse(in)[1]);
            assertEquals("ok ", readResponse(in)[1]);
            assertEquals(List.of("GET /one ", "POST /two 2", "GET /three "), seen);
        }
    }

    @Test
    void aBadPercentEscapeInThePathIsAnsweredNotDropped() throws Exception {
        // found by RequestFuzzTest: "GET /signin%zz" closed the connection without an answer
        for (String path : List.of("/signin%zz", "/%", "/a/1%%2")) {
            try (Socket s = connect()) {
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertTrue(readResponse(s.getInputStream())[0].startsWith("HTTP/1.1 400"), path);
            }
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void oversizedFormsAreRefused() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(("POST /f HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                    + "\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(s.getInputStream())[0].startsWith("HTTP/1.1 413"));
        }
        assertTrue(seen.isEmpty());
    }

    private static byte[] multipart(String csrf, byte[] file) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String bd = "XyZ";
        b.writeBytes(("--" + bd + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n--" + bd
                + "\r\nContent-Disposition: form-data; name=\"prefix\"\r\n\r\nphotos/\r\n--" + bd
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(file);
        b.writeBytes(("\r\n--" + bd + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    @Test
    void uploadsStreamToTheSinkInOrder() throws Exception {
        byte[] file = new byte[3 * 1024 * 1024 + 17];
        new Random(5).nextBytes(file);
        byte[] body = multipart("good", file);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            String[] r = readResponse(s.getInputStream());
            assertTrue(r[0].startsWith("HTTP/1.1 303"), r[0]);
            assertTrue(r[0].contains("Location: /done"), r[0]);
        }
        assertEquals(List.of("begin a.bin prefix=photos/", "commit"), uploadEvents);
        synchronized (uploaded) {
            assertArrayEquals(file, uploaded.toByteArray());
        }
    }

    @Test
    void aRefusedUploadStoresNothing() throws Exception {
        byte[] body = multipart("forged", new byte[100_000]);
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 300);
            out.flush();
            assertTrue(readResponse(s.getInputStream())[0].startsWith("HTTP/1.1 403"));
        }
        assertTrue(uploadEvents.isEmpty(), uploadEvents.toString());
        assertEquals(0, uploaded.size());
    }

    @Test
    void downloadsStreamTheWholeBody() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /download HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream());
            byte[] expected = new byte[200_000];
            new Random(1).nextBytes(expected);
            assertArrayEquals(expected, r[1].getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
