package dev.dualkey.compat.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.GatewayExtension.TlsGateway;
import dev.dualkey.compat.PinnedTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The same operations over HTTPS, against a gateway with a self-signed certificate that the clients pin
 * (host name verification on). Over TLS SDK v2 sends {@code UNSIGNED-PAYLOAD} trailers instead of signed
 * chunks, so this is also the unsigned-trailer payload path.
 */
@ExtendWith(GatewayExtension.class)
class TlsTest {

    private static final byte[] BODY = Bytes.random(1_000_000, 9);

    /** SDK v2 sync client: bucket, put (STREAMING-UNSIGNED-PAYLOAD-TRAILER), get, list, delete. */
    @Test
    void sdkV2SyncOverHttps(TlsGateway tls) {
        GatewayEndpoint gw = tls.endpoint();
        assertTrue(gw.isTls());
        dev.dualkey.compat.WireLog wire = new dev.dualkey.compat.WireLog();
        try (S3Client s3 = Clients.v2(gw, wire)) {
            String bucket = "compat-tls-" + System.nanoTime();
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(BODY));
            assertEquals("STREAMING-UNSIGNED-PAYLOAD-TRAILER", wire.lastHeader("x-amz-content-sha256"));
            assertArrayEquals(BODY, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
            assertEquals(1, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
            s3.deleteObject(b -> b.bucket(bucket).key("k"));
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }

    /** SDK v2 async client (Netty, TLS via the JDK provider). */
    @Test
    void sdkV2AsyncOverHttps(TlsGateway tls) {
        try (S3AsyncClient s3 = Clients.v2Async(tls.endpoint())) {
            String bucket = "compat-tls-async-" + System.nanoTime();
            s3.createBucket(b -> b.bucket(bucket)).join();
            s3.putObject(b -> b.bucket(bucket).key("k"), AsyncRequestBody.fromBytes(BODY)).join();
            byte[] got = s3.getObject(b -> b.bucket(bucket).key("k"), AsyncResponseTransformer.toBytes()).join().asByteArray();
            assertArrayEquals(BODY, got);
            s3.deleteObject(b -> b.bucket(bucket).key("k")).join();
            s3.deleteBucket(b -> b.bucket(bucket)).join();
        }
    }

    /** SDK v1 over HTTPS (payload signing is off by default under TLS: UNSIGNED-PAYLOAD). */
    @Test
    void sdkV1OverHttps(TlsGateway tls) throws IOException {
        AmazonS3 v1 = Clients.v1(tls.endpoint());
        try {
            String bucket = "compat-tls-v1-" + System.nanoTime();
            v1.createBucket(bucket);
            v1.putObject(bucket, "k", "over tls");
            try (InputStream in = v1.getObject(bucket, "k").getObjectContent()) {
                assertArrayEquals(Bytes.utf8("over tls"), in.readAllBytes());
            }
            v1.deleteObject(bucket, "k");
            v1.deleteBucket(bucket);
        } finally {
            v1.shutdown();
        }
    }

    /** A presigned HTTPS URL works from a plain JDK HttpClient that trusts the same certificate. */
    @Test
    void presignedGetOverHttps(TlsGateway tls) throws Exception {
        GatewayEndpoint gw = tls.endpoint();
        try (S3Client s3 = Clients.v2(gw); S3Presigner presigner = Clients.presigner(gw)) {
            String bucket = "compat-tls-presign-" + System.nanoTime();
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(BODY));
            URL url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(bucket).key("k"))).url();
            assertEquals("https", url.getProtocol());
            HttpClient http = HttpClient.newBuilder().sslContext(PinnedTls.sslContext(gw.endpoint())).build();
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(url.toURI()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(BODY, response.body());
            s3.deleteObject(b -> b.bucket(bucket).key("k"));
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }
}
