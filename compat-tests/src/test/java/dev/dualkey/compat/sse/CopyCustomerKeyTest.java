package dev.dualkey.compat.sse;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.CopyObjectRequest;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.SSECustomerKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest.Builder;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SSE-C on CopyObject (issue 16) through SDK v2, SDK v1 and the aws CLI: the source's key in
 * {@code x-amz-copy-source-server-side-encryption-customer-*}, the copy's in {@code x-amz-server-side-encryption-
 * customer-*}. Key rotation (SSE-C to SSE-C with another key, in place too), SSE-C to SSE-S3 and back, and AWS's
 * errors: an SSE-C source without its key 400 InvalidRequest, with a wrong key 403 AccessDenied, a copy-source key
 * for a source stored without one 400 InvalidRequest, a customer key with {@code x-amz-server-side-encryption}
 * 400 InvalidArgument. A copy never carries the source's key record: a copy made without a destination key is
 * readable without any key, one made with a key only with that key. (ceph s3-tests: test_encryption_sse_c_*,
 * test_copy_object_ssec_to_ssec/ssec_to_sses3 in the newer suites.)
 */
class CopyCustomerKeyTest {
    private static final String BUCKET = "sse-c-copy";
    private static final byte[] KEY = EncryptionAtRestTest.random(32, 4321);
    private static final byte[] NEW_KEY = EncryptionAtRestTest.random(32, 8765);
    private static MfaDeleteServer server;
    private static S3Client s3;

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

    private static void putWithKey(String key, byte[] data, byte[] customerKey) {
        s3.putObject(b -> b.bucket(BUCKET).key(key).sseCustomerAlgorithm("AES256").sseCustomerKey(b64(customerKey))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(customerKey)), RequestBody.fromBytes(data));
    }

    private static byte[] getWithKey(String key, byte[] customerKey) {
        return s3.getObjectAsBytes(b -> withKey(b.bucket(BUCKET).key(key), customerKey)).asByteArray();
    }

    private static GetObjectRequest.Builder withKey(GetObjectRequest.Builder b, byte[] customerKey) {
        return b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(customerKey))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(customerKey));
    }

    private static Builder sourceKey(Builder b, byte[] customerKey) {
        return b.copySourceSSECustomerAlgorithm("AES256").copySourceSSECustomerKey(b64(customerKey))
                .copySourceSSECustomerKeyMD5(EncryptionAtRestTest.md5Base64(customerKey));
    }

    private static Builder destinationKey(Builder b, byte[] customerKey) {
        return b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(customerKey))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(customerKey));
    }

    @Test
    void rotatesTheKeyAndMovesBetweenSseCAndSseS3() {
        for (int size : new int[] {100, 300_000}) { // inline and blob
            byte[] data = EncryptionAtRestTest.random(size, size + 1);
            String src = "src-" + size;
            putWithKey(src, data, KEY);

            // SSE-C -> SSE-C under another key
            CopyObjectResponse rotated = s3.copyObject(b -> destinationKey(sourceKey(b.sourceBucket(BUCKET)
                    .sourceKey(src).destinationBucket(BUCKET).destinationKey("rotated-" + size), KEY), NEW_KEY));
            assertEquals("AES256", rotated.sseCustomerAlgorithm());
            assertEquals(EncryptionAtRestTest.md5Base64(NEW_KEY), rotated.sseCustomerKeyMD5());
            assertNull(rotated.serverSideEncryption(), "SSE-C, not SSE-S3");
            assertArrayEquals(data, getWithKey("rotated-" + size, NEW_KEY));
            assertS3Error(403, "AccessDenied", () -> getWithKey("rotated-" + size, KEY));
            assertS3Error(400, "InvalidRequest", () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                    .key("rotated-" + size)));

            // SSE-C -> SSE-S3: readable without a key, reported as AES256
            CopyObjectResponse plain = s3.copyObject(b -> sourceKey(b.sourceBucket(BUCKET).sourceKey(src)
                    .destinationBucket(BUCKET).destinationKey("sses3-" + size), KEY));
            assertEquals(ServerSideEncryption.AES256, plain.serverSideEncryption());
            assertNull(plain.sseCustomerAlgorithm());
            var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("sses3-" + size));
            assertArrayEquals(data, got.asByteArray());
            assertEquals(ServerSideEncryption.AES256, got.response().serverSideEncryption());
            assertS3Error(400, "InvalidRequest", () -> getWithKey("sses3-" + size, KEY));

            // SSE-S3 -> SSE-C: unreadable without the key
            s3.copyObject(b -> destinationKey(b.sourceBucket(BUCKET).sourceKey("sses3-" + size)
                    .destinationBucket(BUCKET).destinationKey("back-" + size), NEW_KEY));
            assertArrayEquals(data, getWithKey("back-" + size, NEW_KEY));
            assertS3Error(400, "InvalidRequest", () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                    .key("back-" + size)));
        }
    }

    @Test
    void rotatesInPlace() {
        byte[] data = "rotate me in place".getBytes(StandardCharsets.UTF_8);
        putWithKey("inplace", data, KEY);
        s3.copyObject(b -> destinationKey(sourceKey(b.sourceBucket(BUCKET).sourceKey("inplace")
                .destinationBucket(BUCKET).destinationKey("inplace"), KEY), NEW_KEY));
        assertArrayEquals(data, getWithKey("inplace", NEW_KEY));
        assertS3Error(403, "AccessDenied", () -> getWithKey("inplace", KEY));
    }

    @Test
    void missingWrongAndInapplicableKeysGetAwsErrors() {
        putWithKey("guarded", "guarded".getBytes(StandardCharsets.UTF_8), KEY);
        var none = assertS3Error(400, "InvalidRequest", () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("guarded").destinationBucket(BUCKET).destinationKey("stolen")));
        assertTrue(none.awsErrorDetails().errorMessage().contains("The correct parameters must be provided"),
                none.awsErrorDetails().errorMessage());
        // the destination key alone does not open the source
        assertS3Error(400, "InvalidRequest", () -> s3.copyObject(b -> destinationKey(b.sourceBucket(BUCKET)
                .sourceKey("guarded").destinationBucket(BUCKET).destinationKey("stolen"), KEY)));
        assertS3Error(403, "AccessDenied", () -> s3.copyObject(b -> sourceKey(b.sourceBucket(BUCKET)
                .sourceKey("guarded").destinationBucket(BUCKET).destinationKey("stolen"), NEW_KEY)));
        s3.putObject(b -> b.bucket(BUCKET).key("open"), RequestBody.fromString("x"));
        assertS3Error(400, "InvalidRequest", () -> s3.copyObject(b -> sourceKey(b.sourceBucket(BUCKET)
                .sourceKey("open").destinationBucket(BUCKET).destinationKey("stolen"), KEY)));
        assertS3Error(400, "InvalidArgument", () -> s3.copyObject(b -> destinationKey(b.sourceBucket(BUCKET)
                .sourceKey("open").destinationBucket(BUCKET).destinationKey("stolen"), KEY)
                .serverSideEncryption(ServerSideEncryption.AES256)));
        byte[] shortKey = new byte[16];
        assertS3Error(400, "InvalidArgument", () -> s3.copyObject(b -> sourceKey(b.sourceBucket(BUCKET)
                .sourceKey("guarded").destinationBucket(BUCKET).destinationKey("stolen"), shortKey)));
        assertS3Error(404, "NoSuchKey", () -> s3.headObject(b -> b.bucket(BUCKET).key("stolen")));
    }

    @Test
    void sdkV1CopiesWithSourceAndDestinationKeysOverHttps() throws Exception {
        try (MfaDeleteServer tls = MfaDeleteServer.https()) {
            AmazonS3 v1 = Clients.v1(tls.endpoint());
            try {
                v1.createBucket(BUCKET);
                SSECustomerKey key = new SSECustomerKey(KEY);
                SSECustomerKey newKey = new SSECustomerKey(NEW_KEY);
                byte[] data = EncryptionAtRestTest.random(150_000, 99);
                com.amazonaws.services.s3.model.ObjectMetadata meta = new com.amazonaws.services.s3.model.ObjectMetadata();
                meta.setContentLength(data.length);
                v1.putObject(new PutObjectRequest(BUCKET, "v1", new ByteArrayInputStream(data), meta)
                        .withSSECustomerKey(key));
                v1.copyObject(new CopyObjectRequest(BUCKET, "v1", BUCKET, "v1-copy").withSourceSSECustomerKey(key)
                        .withDestinationSSECustomerKey(newKey));
                try (var o = v1.getObject(new com.amazonaws.services.s3.model.GetObjectRequest(BUCKET, "v1-copy").withSSECustomerKey(newKey))) {
                    assertArrayEquals(data, o.getObjectContent().readAllBytes());
                }
                var e = org.junit.jupiter.api.Assertions.assertThrows(
                        com.amazonaws.services.s3.model.AmazonS3Exception.class,
                        () -> v1.copyObject(new CopyObjectRequest(BUCKET, "v1", BUCKET, "x")
                                .withSourceSSECustomerKey(newKey)));
                assertEquals(403, e.getStatusCode());
                assertEquals("AccessDenied", e.getErrorCode());
            } finally {
                v1.shutdown();
            }
        }
    }

    @Test
    void awsCliCopiesWithCustomerKeys(@TempDir Path work) throws Exception {
        AwsCli cli = AwsCli.require(server.endpoint(), work);
        // the CLI takes the raw key (32 characters) and sends its base64 and MD5 itself
        String key = "0123456789abcdef0123456789abcdef";
        String newKey = "fedcba9876543210fedcba9876543210";
        Path file = work.resolve("f.bin");
        byte[] data = EncryptionAtRestTest.random(200_000, 5);
        Files.write(file, data);
        cli.run("s3api", "put-object", "--bucket", BUCKET, "--key", "cli", "--body", file.toString(),
                "--sse-customer-algorithm", "AES256", "--sse-customer-key", key).assertSuccess();
        var copied = cli.run("s3api", "copy-object", "--bucket", BUCKET, "--key", "cli-copy", "--copy-source",
                BUCKET + "/cli", "--copy-source-sse-customer-algorithm", "AES256", "--copy-source-sse-customer-key",
                key, "--sse-customer-algorithm", "AES256", "--sse-customer-key", newKey).assertSuccess().json();
        assertEquals("AES256", copied.get("SSECustomerAlgorithm").asText());
        Path back = work.resolve("back.bin");
        cli.run("s3api", "get-object", "--bucket", BUCKET, "--key", "cli-copy", "--sse-customer-algorithm",
                "AES256", "--sse-customer-key", newKey, back.toString()).assertSuccess();
        assertArrayEquals(data, Files.readAllBytes(back));
        var refused = cli.run("s3api", "copy-object", "--bucket", BUCKET, "--key", "cli-stolen", "--copy-source",
                BUCKET + "/cli");
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("InvalidRequest"), refused.stderr());
    }
}
