package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.HttpMethod;
import com.amazonaws.Request;
import com.amazonaws.Response;
import com.amazonaws.handlers.RequestHandler2;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.ObjectMetadata;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** SigV4: header signatures, presigned URLs, payload modes, and the authentication errors S3 answers. */
@ExtendWith(GatewayExtension.class)
class SigV4Test {

    private static final byte[] BODY = Bytes.random(300_000, 4);

    private static GatewayEndpoint gateway;
    private static S3Client s3;
    private static RawS3 raw;
    private static HttpClient http;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
        raw = new RawS3(gw);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void close() {
        s3.close();
        raw.close();
    }

    private static HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** ceph: test_object_raw_get_x_amz_expires_not_expired (SDK v2 presigner, GET and PUT). */
    @Test
    void sdkV2PresignedGetAndPut(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        try (S3Presigner presigner = Clients.presigner(gateway)) {
            URL put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(o -> o.bucket(bucket).key("k"))).url();
            HttpResponse<byte[]> putResponse = send(HttpRequest.newBuilder(put.toURI())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(BODY)).build());
            assertEquals(200, putResponse.statusCode(), () -> new String(putResponse.body()));
            assertArrayEquals(BODY, get(bucket, "k"));

            URL getUrl = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(o -> o.bucket(bucket).key("k"))).url();
            HttpResponse<byte[]> got = send(HttpRequest.newBuilder(getUrl.toURI()).GET().build());
            assertEquals(200, got.statusCode());
            assertArrayEquals(BODY, got.body());
        }
    }

    /** SDK v1 generatePresignedUrl, GET and PUT. */
    @Test
    void sdkV1PresignedGetAndPut(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        AmazonS3 v1 = Clients.v1(gateway);
        try {
            Date expiry = Date.from(Instant.now().plus(Duration.ofMinutes(5)));
            URL put = v1.generatePresignedUrl(bucket, "k", expiry, HttpMethod.PUT);
            HttpResponse<byte[]> putResponse = send(HttpRequest.newBuilder(put.toURI())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(BODY)).build());
            assertEquals(200, putResponse.statusCode(), () -> new String(putResponse.body()));
            URL getUrl = v1.generatePresignedUrl(bucket, "k", expiry, HttpMethod.GET);
            HttpResponse<byte[]> got = send(HttpRequest.newBuilder(getUrl.toURI()).GET().build());
            assertEquals(200, got.statusCode());
            assertArrayEquals(BODY, got.body());
        } finally {
            v1.shutdown();
        }
    }

    /** ceph: test_object_raw_get_x_amz_expires_out_range_zero (signed 10 min ago, valid for 1 min). */
    @Test
    void expiredPresignedUrlIsAccessDenied(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(BODY));
        Clock tenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
        URI url = RawS3.uriOf(raw.request("GET", "/" + bucket + "/k").signingClock(tenMinutesAgo)
                .presigned(Duration.ofMinutes(1)).sign());
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url).GET().build());
        assertEquals(403, response.statusCode());
        assertTrue(new String(response.body()).contains("<Code>AccessDenied</Code>"), () -> new String(response.body()));
    }

    /** A presigned URL whose signature was altered is SignatureDoesNotMatch. */
    @Test
    void tamperedPresignedUrlIsSignatureDoesNotMatch(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(BODY));
        URI url = RawS3.uriOf(raw.request("GET", "/" + bucket + "/k").presigned(Duration.ofMinutes(5)).sign());
        URI otherKey = URI.create(url.toString().replace("/" + bucket + "/k?", "/" + bucket + "/k2?"));
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(otherKey).GET().build());
        assertEquals(403, response.statusCode());
        assertTrue(new String(response.body()).contains("<Code>SignatureDoesNotMatch</Code>"), () -> new String(response.body()));
    }

    /** ceph: test_bucket_create_bad_authorization_invalid_aws2's v4 cousin: wrong secret. */
    @Test
    void wrongSecretIsSignatureDoesNotMatchWithDiagnostics(TestBuckets buckets) {
        String bucket = buckets.create();
        AccessKey wrong = new AccessKey(gateway.root().accessKeyId(), "not-the-secret-key-000000000000000000000");
        try (S3Client bad = Clients.v2(gateway, wrong)) {
            assertS3Error(403, "SignatureDoesNotMatch", () -> bad.listObjectsV2(b -> b.bucket(bucket)));
            assertS3Error(403, "SignatureDoesNotMatch", () -> bad.putObject(b -> b.bucket(bucket).key("k"),
                    RequestBody.fromBytes(BODY)));
        }
        RawS3.Response response = raw.request("GET", "/" + bucket).query("list-type", "2").key(wrong).send();
        assertEquals(403, response.status());
        assertEquals("SignatureDoesNotMatch", response.errorCode());
        assertTrue(response.xmlText("StringToSign").orElse("").startsWith("AWS4-HMAC-SHA256\n"), response::bodyText);
        assertTrue(response.xmlText("CanonicalRequest").orElse("").startsWith("GET\n/" + bucket + "\n"), response::bodyText);
        assertEquals(wrong.accessKeyId(), response.xmlText("AWSAccessKeyId").orElse(null));
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "the refused PUT stored nothing");
    }

    /** ceph: test_bucket_create_bad_authorization_invalid (unknown access key id). */
    @Test
    void unknownAccessKeyIsInvalidAccessKeyId(TestBuckets buckets) {
        String bucket = buckets.create();
        AccessKey unknown = new AccessKey("AKIAUNKNOWNKEY000000", "whatever-secret-000000000000000000000000");
        try (S3Client bad = Clients.v2(gateway, unknown)) {
            assertS3Error(403, "InvalidAccessKeyId", () -> bad.listBuckets());
            assertS3Error(403, "InvalidAccessKeyId", () -> bad.getObjectAsBytes(b -> b.bucket(bucket).key("k")));
        }
        AmazonS3 v1 = Clients.v1(gateway, unknown);
        try {
            assertV1Error(403, "InvalidAccessKeyId", () -> v1.listBuckets());
        } finally {
            v1.shutdown();
        }
    }

    /** ceph: test_bucket_create_bad_date_after_end_aws4 / _before_today_aws4: 15-minute skew rule. */
    @Test
    void skewedClockIsRequestTimeTooSkewed(TestBuckets buckets) {
        String bucket = buckets.create();
        for (Duration skew : new Duration[] {Duration.ofMinutes(20), Duration.ofMinutes(-20)}) {
            RawS3.Response response = raw.request("GET", "/" + bucket).query("list-type", "2")
                    .signingClock(Clock.offset(Clock.systemUTC(), skew)).send();
            assertEquals(403, response.status(), response::bodyText);
            assertEquals("RequestTimeTooSkewed", response.errorCode());
        }
        RawS3.Response withinWindow = raw.request("GET", "/" + bucket).query("list-type", "2")
                .signingClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10))).send();
        assertEquals(200, withinWindow.status(), withinWindow::bodyText);
    }

    /** Anonymous requests to a private bucket are AccessDenied. */
    @Test
    void unsignedRequestIsAccessDenied(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(BODY));
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(gateway.endpoint().resolve("/" + bucket + "/k")).GET().build());
        assertEquals(403, response.statusCode());
        assertTrue(new String(response.body()).contains("<Code>AccessDenied</Code>"), () -> new String(response.body()));
    }

    /** x-amz-content-sha256: UNSIGNED-PAYLOAD with a header signature. */
    @Test
    void unsignedPayload(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = raw.request("PUT", "/" + bucket + "/k").payloadSigning(false).body(BODY).send();
        assertEquals(200, response.status(), response::bodyText);
        assertEquals(Bytes.etag(BODY), response.header("ETag").orElse(null));
        assertArrayEquals(BODY, get(bucket, "k"));
    }

    /** A body that does not hash to the signed x-amz-content-sha256 is XAmzContentSHA256Mismatch; nothing stored. */
    @Test
    void payloadHashMismatchIsRejected(TestBuckets buckets) {
        String bucket = buckets.create();
        byte[] other = BODY.clone();
        other[12345] ^= 1;
        RawS3.Response response = raw.request("PUT", "/" + bucket + "/k").body(BODY).sendDifferentBody(other).send();
        assertEquals(400, response.status(), response::bodyText);
        assertEquals("XAmzContentSHA256Mismatch", response.errorCode());
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty());
    }

    /** SDK v1 with chunked encoding: STREAMING-AWS4-HMAC-SHA256-PAYLOAD with a signature per chunk. */
    @Test
    void sdkV1ChunkedSignedPayload(TestBuckets buckets) {
        String bucket = buckets.create();
        AtomicReference<String> payloadMode = new AtomicReference<>();
        RequestHandler2 capture = new RequestHandler2() {
            @Override
            public void afterResponse(Request<?> request, Response<?> response) {
                payloadMode.set(request.getHeaders().get("x-amz-content-sha256"));
            }
        };
        AmazonS3 v1 = AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration(
                        gateway.endpoint().toString(), gateway.region()))
                .withCredentials(new com.amazonaws.auth.AWSStaticCredentialsProvider(
                        new com.amazonaws.auth.BasicAWSCredentials(gateway.root().accessKeyId(), gateway.root().secretKey())))
                .withPathStyleAccessEnabled(true)
                .withChunkedEncodingDisabled(false)
                .withPayloadSigningEnabled(true)
                .withRequestHandlers(capture)
                .build();
        try {
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentLength(BODY.length);
            v1.putObject(bucket, "chunked", new ByteArrayInputStream(BODY), meta);
            assertEquals("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", payloadMode.get());
            assertArrayEquals(BODY, get(bucket, "chunked"));
        } finally {
            v1.shutdown();
        }
    }

    /** Error responses carry S3's request id header and an Error document with Code, Message, RequestId. */
    @Test
    void errorDocumentShape(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = raw.request("GET", "/" + bucket + "/absent").send();
        assertEquals(404, response.status());
        assertEquals("Error", response.xml().getDocumentElement().getTagName());
        assertEquals("NoSuchKey", response.errorCode());
        assertTrue(response.xmlText("Message").isPresent());
        String requestId = response.header("x-amz-request-id").orElseThrow();
        assertEquals(requestId, response.xmlText("RequestId").orElse(null));
        assertEquals("application/xml", response.header("Content-Type").orElse("").split(";")[0]);
    }
}
