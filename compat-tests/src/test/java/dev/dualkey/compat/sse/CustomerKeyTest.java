package dev.dualkey.compat.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.SSECustomerKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest.Builder;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * SSE-C through SDK v2 and SDK v1: the object is readable only with its key (400 without, 403 with another),
 * AWS's errors for a malformed key, the ETag is not the plaintext's MD5, and neither the plaintext nor the key is
 * anywhere in the data directory.
 */
class CustomerKeyTest {
    private static final String BUCKET = "sse-c";
    private static MfaDeleteServer server;
    private static S3Client s3;
    private static final byte[] KEY = EncryptionAtRestTest.random(32, 1234);
    private static final byte[] OTHER_KEY = EncryptionAtRestTest.random(32, 5678);

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Builder withKey(Builder b, byte[] key) {
        return b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(key))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(key));
    }

    private static PutObjectResponse put(String key, byte[] data) {
        return s3.putObject(b -> b.bucket(BUCKET).key(key).sseCustomerAlgorithm("AES256").sseCustomerKey(b64(KEY))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(KEY)), RequestBody.fromBytes(data));
    }

    @Test
    void roundTripWithTheKeySmallLargeAndRanges() throws Exception {
        for (int size : new int[] {100, 300_000}) {
            byte[] data = EncryptionAtRestTest.random(size, size);
            PutObjectResponse put = put("obj-" + size, data);
            assertEquals("AES256", put.sseCustomerAlgorithm());
            assertEquals(EncryptionAtRestTest.md5Base64(KEY), put.sseCustomerKeyMD5());
            String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
            assertNotEquals("\"" + md5 + "\"", put.eTag(), "the ETag of an SSE-C object is not its MD5");
            var got = s3.getObjectAsBytes(b -> withKey(b.bucket(BUCKET).key("obj-" + size), KEY));
            assertArrayEquals(data, got.asByteArray());
            assertEquals("AES256", got.response().sseCustomerAlgorithm());
            assertEquals(null, got.response().serverSideEncryption(), "SSE-C, not SSE-S3");
            assertEquals(put.eTag(), got.response().eTag());
            var head = s3.headObject(b -> b.bucket(BUCKET).key("obj-" + size).sseCustomerAlgorithm("AES256")
                    .sseCustomerKey(b64(KEY)).sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(KEY)));
            assertEquals(size, head.contentLength());
            var range = s3.getObjectAsBytes(b -> withKey(b.bucket(BUCKET).key("obj-" + size).range("bytes=50-89"),
                    KEY));
            assertArrayEquals(Arrays.copyOfRange(data, 50, 90), range.asByteArray());
        }
    }

    @Test
    void withoutTheKeyTheObjectIsUnreadable() {
        put("locked", "secret words".getBytes(StandardCharsets.UTF_8));
        S3Exception none = assertThrows(S3Exception.class,
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("locked")));
        assertEquals(400, none.statusCode());
        assertEquals("InvalidRequest", none.awsErrorDetails().errorCode());
        assertTrue(none.awsErrorDetails().errorMessage().contains("The correct parameters must be provided to "
                + "retrieve the object."), none.awsErrorDetails().errorMessage());
        S3Exception head = assertThrows(S3Exception.class, () -> s3.headObject(b -> b.bucket(BUCKET).key("locked")));
        assertEquals(400, head.statusCode());
        S3Exception wrong = assertThrows(S3Exception.class,
                () -> s3.getObjectAsBytes(b -> withKey(b.bucket(BUCKET).key("locked"), OTHER_KEY)));
        assertEquals(403, wrong.statusCode());
        assertEquals("AccessDenied", wrong.awsErrorDetails().errorCode());
        S3Exception wrongHead = assertThrows(S3Exception.class, () -> s3.headObject(b -> b.bucket(BUCKET)
                .key("locked").sseCustomerAlgorithm("AES256").sseCustomerKey(b64(OTHER_KEY))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(OTHER_KEY))));
        assertEquals(403, wrongHead.statusCode());
        // a copy cannot read it without the key either
        S3Exception copy = assertThrows(S3Exception.class, () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("locked").destinationBucket(BUCKET).destinationKey("stolen")));
        assertEquals(400, copy.statusCode());
        assertEquals("InvalidRequest", copy.awsErrorDetails().errorCode());
        // and a key for an object stored without one is refused
        s3.putObject(b -> b.bucket(BUCKET).key("plain"), RequestBody.fromString("x"));
        S3Exception notApplicable = assertThrows(S3Exception.class,
                () -> s3.getObjectAsBytes(b -> withKey(b.bucket(BUCKET).key("plain"), KEY)));
        assertEquals(400, notApplicable.statusCode());
        assertEquals("InvalidRequest", notApplicable.awsErrorDetails().errorCode());
    }

    @Test
    void malformedKeysGetAwsErrors() {
        try (RawS3 raw = new RawS3(server.endpoint())) {
            RawS3.Response badMd5 = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption-customer-algorithm", "AES256")
                    .header("x-amz-server-side-encryption-customer-key", b64(KEY))
                    .header("x-amz-server-side-encryption-customer-key-MD5", EncryptionAtRestTest.md5Base64(OTHER_KEY))
                    .body("x").send();
            assertEquals(400, badMd5.status());
            assertTrue(badMd5.bodyText().contains("<Code>InvalidArgument</Code>"), badMd5.bodyText());
            assertTrue(badMd5.bodyText().contains("The calculated MD5 hash of the key did not match the hash that "
                    + "was provided."), badMd5.bodyText());
            RawS3.Response badAlg = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption-customer-algorithm", "AES128")
                    .header("x-amz-server-side-encryption-customer-key", b64(KEY))
                    .header("x-amz-server-side-encryption-customer-key-MD5", EncryptionAtRestTest.md5Base64(KEY))
                    .body("x").send();
            assertEquals(400, badAlg.status());
            assertTrue(badAlg.bodyText().contains("<Code>InvalidEncryptionAlgorithmError</Code>"), badAlg.bodyText());
            byte[] shortKey = Arrays.copyOf(KEY, 16);
            RawS3.Response shortK = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption-customer-algorithm", "AES256")
                    .header("x-amz-server-side-encryption-customer-key", b64(shortKey))
                    .header("x-amz-server-side-encryption-customer-key-MD5", EncryptionAtRestTest.md5Base64(shortKey))
                    .body("x").send();
            assertEquals(400, shortK.status());
            assertTrue(shortK.bodyText().contains("The secret key was invalid for the specified algorithm."));
            RawS3.Response noMd5 = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption-customer-algorithm", "AES256")
                    .header("x-amz-server-side-encryption-customer-key", b64(KEY)).body("x").send();
            assertEquals(400, noMd5.status());
            assertTrue(noMd5.bodyText().contains("<Code>InvalidArgument</Code>"), noMd5.bodyText());
            RawS3.Response both = raw.request("PUT", "/" + BUCKET + "/bad")
                    .header("x-amz-server-side-encryption", "AES256")
                    .header("x-amz-server-side-encryption-customer-algorithm", "AES256")
                    .header("x-amz-server-side-encryption-customer-key", b64(KEY))
                    .header("x-amz-server-side-encryption-customer-key-MD5", EncryptionAtRestTest.md5Base64(KEY))
                    .body("x").send();
            assertEquals(400, both.status());
            assertTrue(both.bodyText().contains("incompatible with the encryption method specified"),
                    both.bodyText());
        }
        assertThrows(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class,
                () -> s3.headObject(b -> b.bucket(BUCKET).key("bad")), "nothing was stored");
    }

    @Test
    void sdkV1RoundTripOverHttps() throws Exception {
        // SDK v1 refuses to send a customer key over plain HTTP (as S3 refuses to receive one)
        try (MfaDeleteServer tls = MfaDeleteServer.https()) {
            AmazonS3 v1 = Clients.v1(tls.endpoint());
            v1.createBucket(BUCKET);
            sdkV1RoundTrip(v1);
        }
    }

    private static void sdkV1RoundTrip(AmazonS3 v1) throws Exception {
        try {
            SSECustomerKey key = new SSECustomerKey(KEY);
            byte[] data = EncryptionAtRestTest.random(150_000, 77);
            com.amazonaws.services.s3.model.ObjectMetadata meta = new com.amazonaws.services.s3.model.ObjectMetadata();
            meta.setContentLength(data.length);
            v1.putObject(new PutObjectRequest(BUCKET, "v1", new ByteArrayInputStream(data), meta)
                    .withSSECustomerKey(key));
            try (var o = v1.getObject(new GetObjectRequest(BUCKET, "v1").withSSECustomerKey(key))) {
                assertArrayEquals(data, o.getObjectContent().readAllBytes());
            }
            var e = assertThrows(com.amazonaws.services.s3.model.AmazonS3Exception.class,
                    () -> v1.getObject(new GetObjectRequest(BUCKET, "v1")
                            .withSSECustomerKey(new SSECustomerKey(OTHER_KEY))));
            assertEquals(403, e.getStatusCode());
        } finally {
            v1.shutdown();
        }
    }

    @Test
    void neitherThePlaintextNorTheKeyTouchesTheDisk() throws Exception {
        long seed = System.nanoTime();
        byte[] small = EncryptionAtRestTest.random(2000, seed);
        byte[] large = EncryptionAtRestTest.random(200_000, seed + 1);
        put("scan-small", small);
        put("scan-large", large);
        server.engine().database().flushAndCompact();
        List<byte[]> needles = List.of(Arrays.copyOfRange(small, 0, 24), Arrays.copyOfRange(large, 100_000, 100_024),
                KEY, b64(KEY).getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(large))
                        .getBytes(StandardCharsets.US_ASCII));
        for (byte[] needle : needles) {
            assertEquals(List.of(), EncryptionAtRestTest.filesContaining(server.dataDir(), needle),
                    "found on disk: plaintext, the key, or the plaintext's MD5");
        }
    }
}
