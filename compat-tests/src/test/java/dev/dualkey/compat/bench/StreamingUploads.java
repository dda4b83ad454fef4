package dev.dualkey.compat.bench;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Large PUTs whose bodies are pulled on demand: presigned URLs (or plain paths for nginx) sent by the JDK
 * {@link HttpClient}, whose request body follows reactive-streams demand, so the load generator holds one shared
 * body plus a few KiB per upload however many uploads are in flight and however slowly the server reads.
 *
 * <p>Why not the AWS SDK here: its async client ran out of a 3 GiB heap with 64 x 256 MiB PUTs in flight (the
 * load generator failed, not the server), which is exactly the workload that measures the server's memory per
 * upload. Presigned PUTs are an ordinary S3 client pattern, signed with the SDK's own presigner.
 */
final class StreamingUploads implements AutoCloseable {
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "streaming-uploads");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).executor(executor).build();
    private final ServerUnderTest server;
    private final S3Presigner presigner;

    /** @param presigner null for a plain-HTTP server (nginx): then the URL is the object's plain path */
    StreamingUploads(ServerUnderTest server, S3Presigner presigner) {
        this.server = server;
        this.presigner = presigner;
    }

    /** PUT of {@code body}'s remaining bytes to {@code bucket/key}; completes with the status, failing unless 200/201/204. */
    CompletableFuture<Integer> put(String bucket, String key, ByteBuffer body) {
        URI uri = presigner == null ? server.endpoint().resolve("/" + bucket + "/" + key)
                : URI.create(presigner.presignPutObject(p -> p.signatureDuration(Duration.ofHours(1))
                        .putObjectRequest(r -> r.bucket(bucket).key(key))).url().toString());
        ByteBuffer source = body.duplicate();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(15))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new BufferInputStream(source.duplicate())),
                        source.remaining()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            int status = response.statusCode();
            if (status != 200 && status != 201 && status != 204) {
                throw new IllegalStateException("PUT " + key + " answered " + status + ": "
                        + response.body().substring(0, Math.min(300, response.body().length())));
            }
            return status;
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Reads a ByteBuffer without copying it first (the JDK copies each read into its own small buffers). */
    private static final class BufferInputStream extends InputStream {
        private final ByteBuffer buffer;

        BufferInputStream(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public int read() {
            return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (!buffer.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, buffer.remaining());
            buffer.get(b, off, n);
            return n;
        }
    }
}
