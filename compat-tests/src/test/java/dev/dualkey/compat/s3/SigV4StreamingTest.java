package dev.dualkey.compat.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * aws-chunked uploads in all three streaming modes, encoded by the SDK v2 signer itself (so the wire format is
 * exactly what SDK clients send), then sent intact or with one deliberate alteration: a chunk signature, chunk
 * data, a trailing checksum or the trailer signature. S3 refuses each alteration and stores nothing.
 */
@ExtendWith(GatewayExtension.class)
class SigV4StreamingTest {

    /** Two full 128 KiB chunks (the signer's default chunk size), a short one, then the final empty chunk. */
    private static final byte[] BODY = Bytes.random(300_000, 31);

    private static GatewayEndpoint gateway;
    private static S3Client s3;
    private static SdkHttpClient http;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
        http = ApacheHttpClient.builder().build();
    }

    @AfterAll
    static void close() {
        s3.close();
        http.close();
    }

    private enum Mode {
        SIGNED(true, false, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        SIGNED_TRAILER(true, true, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
        UNSIGNED_TRAILER(false, true, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");

        final boolean payloadSigning;
        final boolean trailer;
        final String contentSha256;

        Mode(boolean payloadSigning, boolean trailer, String contentSha256) {
            this.payloadSigning = payloadSigning;
            this.trailer = trailer;
            this.contentSha256 = contentSha256;
        }
    }

    /** A chunk-encoded PUT: the signed head and the aws-chunked body the signer produced. */
    private record Encoded(SdkHttpRequest request, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }

        Encoded withBody(String latin1) {
            byte[] bytes = latin1.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(body.length, bytes.length, "alterations keep the length, so Content-Length still fits");
            return new Encoded(request, bytes);
        }
    }

    private static Encoded encode(Mode mode, String bucket, String key) {
        SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.PUT)
                // The SDK signer always signs payloads over plain HTTP; sign for the https scheme (which the
                // signature does not cover) so that UNSIGNED-PAYLOAD-TRAILER is produced, then send over http.
                .protocol("https")
                .host(gateway.host())
                .port(gateway.endpoint().getPort())
                .encodedPath("/" + bucket + "/" + key)
                .putHeader("Content-Length", Integer.toString(BODY.length))
                .putHeader("Content-Encoding", "aws-chunked")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> {
            r.identity(AwsCredentialsIdentity.create(gateway.root().accessKeyId(), gateway.root().secretKey()))
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(BODY))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, gateway.region())
                    .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                    .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                    .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, mode.payloadSigning)
                    .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, true);
            if (mode.trailer) {
                r.putProperty(AwsV4HttpSigner.CHECKSUM_ALGORITHM, DefaultChecksumAlgorithm.CRC32);
            }
        });
        try (InputStream in = signed.payload().orElseThrow().newStream()) {
            SdkHttpRequest onTheWire = signed.request().toBuilder().protocol(gateway.endpoint().getScheme())
                    .port(gateway.endpoint().getPort()).build();
            Encoded encoded = new Encoded(onTheWire, in.readAllBytes());
            assertEquals(mode.contentSha256, encoded.request().firstMatchingHeader("x-amz-content-sha256").orElse(null));
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RawS3.Response send(Encoded encoded) {
        SdkHttpRequest request = encoded.request().toBuilder()
                .putHeader("Content-Length", Integer.toString(encoded.body().length)).build();
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(request)
                    .contentStreamProvider(ContentStreamProvider.fromByteArray(encoded.body())).build()).call();
            byte[] bytes;
            if (response.responseBody().isPresent()) {
                try (InputStream in = response.responseBody().get()) {
                    bytes = in.readAllBytes();
                }
            } else {
                bytes = new byte[0];
            }
            Map<String, List<String>> headers = response.httpResponse().headers();
            return new RawS3.Response(response.httpResponse().statusCode(), headers, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertNothingStored(String bucket) {
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "a refused upload stored nothing");
    }

    /** Flips one hex digit of the {@code n}-th {@code chunk-signature=} in the encoded body. */
    private static String alterChunkSignature(String body, int n) {
        int at = -1;
        for (int i = 0; i <= n; i++) {
            at = body.indexOf("chunk-signature=", at + 1);
            assertTrue(at >= 0, "chunk signature " + n + " present");
        }
        int digit = at + "chunk-signature=".length();
        return flipHex(body, digit);
    }

    private static String flipHex(String s, int index) {
        char c = s.charAt(index);
        char other = c == '0' ? '1' : '0';
        return s.substring(0, index) + other + s.substring(index + 1);
    }

    // ---- intact uploads in each mode ------------------------------------------------------------------

    @Test
    void signedChunksAreDecodedAndStored(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = send(encode(Mode.SIGNED, bucket, "k"));
        assertEquals(200, response.status(), response::bodyText);
        assertEquals(Bytes.etag(BODY), response.header("ETag").orElse(null));
        assertArrayEquals(BODY, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
    }

    @Test
    void signedChunksWithSignedTrailerAreStoredWithTheirChecksum(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = send(encode(Mode.SIGNED_TRAILER, bucket, "k"));
        assertEquals(200, response.status(), response::bodyText);
        assertEquals(Bytes.crc32Base64(BODY), response.header("x-amz-checksum-crc32").orElse(null));
        assertArrayEquals(BODY, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
    }

    @Test
    void unsignedChunksWithTrailerAreStoredWithTheirChecksum(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = send(encode(Mode.UNSIGNED_TRAILER, bucket, "k"));
        assertEquals(200, response.status(), response::bodyText);
        assertEquals(Bytes.crc32Base64(BODY), response.header("x-amz-checksum-crc32").orElse(null));
        assertArrayEquals(BODY, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
    }

    // ---- alterations ----------------------------------------------------------------------------------

    /** A wrong signature on the second chunk: 403 SignatureDoesNotMatch, nothing stored. */
    @Test
    void tamperedChunkSignatureIsSignatureDoesNotMatch(TestBuckets buckets) {
        String bucket = buckets.create();
        Encoded encoded = encode(Mode.SIGNED, bucket, "k");
        RawS3.Response response = send(encoded.withBody(alterChunkSignature(encoded.text(), 1)));
        assertEquals(403, response.status(), response::bodyText);
        assertEquals("SignatureDoesNotMatch", response.errorCode());
        assertNothingStored(bucket);
    }

    /** A wrong signature on the final, empty chunk is caught too (the chain covers the end of the body). */
    @Test
    void tamperedFinalChunkSignatureIsSignatureDoesNotMatch(TestBuckets buckets) {
        String bucket = buckets.create();
        Encoded encoded = encode(Mode.SIGNED, bucket, "k");
        String text = encoded.text();
        int chunks = text.split("chunk-signature=", -1).length - 1;
        RawS3.Response response = send(encoded.withBody(alterChunkSignature(text, chunks - 1)));
        assertEquals(403, response.status(), response::bodyText);
        assertEquals("SignatureDoesNotMatch", response.errorCode());
        assertNothingStored(bucket);
    }

    /** Chunk data altered under an intact signature: 403 SignatureDoesNotMatch, nothing stored. */
    @Test
    void tamperedChunkDataIsSignatureDoesNotMatch(TestBuckets buckets) {
        String bucket = buckets.create();
        Encoded encoded = encode(Mode.SIGNED, bucket, "k");
        byte[] body = encoded.body().clone();
        int firstData = encoded.text().indexOf("\r\n") + 2;
        body[firstData + 1000] ^= 0x01;
        RawS3.Response response = send(new Encoded(encoded.request(), body));
        assertEquals(403, response.status(), response::bodyText);
        assertEquals("SignatureDoesNotMatch", response.errorCode());
        assertNothingStored(bucket);
    }

    /** An unsigned trailer whose checksum does not match the data: 400 BadDigest, nothing stored. */
    @Test
    void wrongTrailingChecksumIsBadDigest(TestBuckets buckets) {
        String bucket = buckets.create();
        Encoded encoded = encode(Mode.UNSIGNED_TRAILER, bucket, "k");
        String right = Bytes.crc32Base64(BODY);
        String wrong = Bytes.crc32Base64(Bytes.utf8("something else"));
        assertEquals(right.length(), wrong.length());
        String text = encoded.text();
        assertTrue(text.contains("x-amz-checksum-crc32:" + right), "trailer carries the body's CRC32");
        RawS3.Response response = send(encoded.withBody(text.replace("x-amz-checksum-crc32:" + right,
                "x-amz-checksum-crc32:" + wrong)));
        assertEquals(400, response.status(), response::bodyText);
        assertEquals("BadDigest", response.errorCode());
        assertNothingStored(bucket);
    }

    /** A signed trailer whose checksum was replaced (so its signature no longer fits): 403 SignatureDoesNotMatch. */
    @Test
    void alteredSignedTrailerIsRefused(TestBuckets buckets) {
        String bucket = buckets.create();
        Encoded encoded = encode(Mode.SIGNED_TRAILER, bucket, "k");
        String text = encoded.text();
        int at = text.indexOf("x-amz-trailer-signature:");
        assertTrue(at >= 0, "trailer signature present");
        RawS3.Response response = send(encoded.withBody(flipHex(text, at + "x-amz-trailer-signature:".length())));
        assertEquals(403, response.status(), response::bodyText);
        assertEquals("SignatureDoesNotMatch", response.errorCode());
        assertNothingStored(bucket);
    }

    /**
     * The signed x-amz-content-sha256 names a hex digest that is not the body's: 400 XAmzContentSHA256Mismatch
     * with the client's and the computed digest, as S3 reports them.
     */
    @Test
    void wrongContentSha256IsXAmzContentSha256Mismatch(TestBuckets buckets) {
        String bucket = buckets.create();
        byte[] other = Bytes.random(BODY.length, 32);
        String claimed = Bytes.sha256Hex(other);
        try (RawS3 raw = new RawS3(gateway)) {
            RawS3.Response response = raw.request("PUT", "/" + bucket + "/k").body(other).sendDifferentBody(BODY)
                    .send();
            assertEquals(400, response.status(), response::bodyText);
            assertEquals("XAmzContentSHA256Mismatch", response.errorCode());
            assertEquals(claimed, response.xmlText("ClientComputedContentSHA256").orElse(null), response::bodyText);
            assertEquals(Bytes.sha256Hex(BODY), response.xmlText("S3ComputedContentSHA256").orElse(null));
        }
        assertNothingStored(bucket);
    }
}
