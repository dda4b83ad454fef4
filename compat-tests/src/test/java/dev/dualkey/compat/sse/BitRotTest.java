package dev.dualkey.compat.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.rocks.Schema;
import dev.dualkey.storage.rocks.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Bit rot (issue 17): a flipped byte in a stored body never reaches a client as data. Damage in the first chunk of
 * a read answers 500 InternalError; damage further on, after the 200 and the first bytes went out, aborts the
 * connection before Content-Length is reached, which a raw socket sees as a short body and SDK v2 raises.
 */
class BitRotTest {
    private static final int CHUNK = 64 * 1024;
    private static final String BUCKET = "bitrot";
    private MfaDeleteServer server;
    private S3Client s3;

    @BeforeEach
    void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void stop() {
        s3.close();
        server.close();
    }

    private Path onlySealedBlob() throws IOException {
        try (Stream<Path> s = Files.walk(server.dataDir().resolve("blobs"))) {
            List<Path> sealed = s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(SealedLayout.BLOB_ID_SUFFIX)).toList();
            assertEquals(1, sealed.size(), "one blob: " + sealed);
            return sealed.get(0);
        }
    }

    private static void flip(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.put(0, (byte) (one.get(0) ^ 0x04));
            one.rewind();
            ch.write(one, position);
        }
    }

    @Test
    void damageInALaterChunkAbortsTheConnectionBeforeTheLastByte() throws IOException {
        int size = 16 * CHUNK;
        byte[] data = EncryptionAtRestTest.random(size, 5);
        s3.putObject(b -> b.bucket(BUCKET).key("big"), RequestBody.fromBytes(data));
        flip(onlySealedBlob(), SealedLayout.HEADER_BYTES + 10L * (CHUNK + 16) + 100);

        RawResponse raw = rawGet("/" + BUCKET + "/big");
        assertEquals(200, raw.status, "the response had started: " + raw.head);
        assertEquals(size, raw.contentLength);
        assertTrue(raw.body.length < size, "connection aborted before the last byte, got " + raw.body.length);
        assertTrue(raw.body.length >= 10 * CHUNK, "undamaged chunks before it were sent: " + raw.body.length);
        assertArrayEquals(Arrays.copyOfRange(data, 0, raw.body.length), raw.body, "no wrong byte was sent");

        assertThrows(SdkClientException.class, () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("big")),
                "SDK v2 raises on the aborted body");
        // a range that avoids the damaged chunk still reads; the server keeps serving
        assertArrayEquals(Arrays.copyOfRange(data, 0, 1000), s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("big")
                .range("bytes=0-999")).asByteArray());
    }

    @Test
    void damageInTheFirstChunkAnswersInternalError() throws IOException {
        s3.putObject(b -> b.bucket(BUCKET).key("big"), RequestBody.fromBytes(EncryptionAtRestTest.random(
                3 * CHUNK, 6)));
        flip(onlySealedBlob(), SealedLayout.HEADER_BYTES + 7);
        S3Exception e = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("big")));
        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
        s3.putObject(b -> b.bucket(BUCKET).key("other"), RequestBody.fromString("still serving"));
        assertEquals("still serving", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("other")).asUtf8String());
    }

    @Test
    void aCorruptInlineValueAnswersInternalError() {
        s3.putObject(b -> b.bucket(BUCKET).key("small"), RequestBody.fromString("a small inline object"));
        // test hook: damage the stored inline value in RocksDB (as a flipped bit in an SST block would be caught by
        // RocksDB's own checksum; this one passes RocksDB and must be caught by the GCM tag)
        Table<byte[], byte[]> inline = server.engine().database().table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
        try (KvIterator<byte[], byte[]> it = inline.scanRaw(null, null)) {
            KvEntry<byte[], byte[]> e = it.next();
            byte[] v = e.value();
            v[v.length - 20] ^= 0x01;
            inline.put(e.key(), v);
        }
        S3Exception e = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("small")));
        assertEquals(500, e.statusCode());
        assertEquals("InternalError", e.awsErrorDetails().errorCode());
    }

    private record RawResponse(int status, String head, long contentLength, byte[] body) {
    }

    /** A signed GET over a plain socket, reading until the server closes or Content-Length is reached. */
    private RawResponse rawGet(String path) throws IOException {
        SdkHttpRequest signed;
        try (RawS3 raw = new RawS3(server.endpoint())) {
            signed = raw.request("GET", path).sign().request();
        }
        StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
        signed.headers().forEach((name, values) -> values.forEach(v -> req.append(name).append(": ").append(v)
                .append("\r\n")));
        if (!signed.headers().containsKey("Host")) {
            req.append("Host: ").append(signed.host()).append(':').append(signed.port()).append("\r\n");
        }
        req.append("\r\n");
        try (Socket socket = new Socket(server.endpoint().endpoint().getHost(),
                server.endpoint().endpoint().getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("closed in the head: " + headBytes);
                }
                headBytes.write(c);
                matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
            }
            String head = headBytes.toString(StandardCharsets.US_ASCII);
            int status = Integer.parseInt(head.substring(9, 12));
            long length = -1;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(line.substring(15).trim());
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            while (body.size() < length) {
                int n;
                try {
                    n = in.read(buf);
                } catch (java.net.SocketException reset) {
                    break; // connection reset by the server: aborted
                }
                if (n < 0) {
                    break;
                }
                body.write(buf, 0, n);
            }
            return new RawResponse(status, head, length, body.toByteArray());
        }
    }
}
