package dev.dualkey.compat.sse;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.CopyPartRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.SSECustomerKey;
import com.amazonaws.services.s3.model.UploadPartRequest;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest.Builder;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-C on the multipart calls (issue 16) through SDK v2, SDK v1 and the aws CLI: the key given at
 * CreateMultipartUpload must come with every UploadPart and UploadPartCopy (AWS's 400 InvalidRequest without it or
 * with another), an UploadPartCopy source stored under a customer key is read with the
 * {@code x-amz-copy-source-server-side-encryption-customer-*} key (400 without, 403 wrong), the completed object is
 * readable only with the key (GET and HEAD with {@code partNumber} too), and the raw data directory holds none of
 * its parts' plaintext.
 */
class MultipartCustomerKeyTest {
    private static final String BUCKET = "sse-c-multipart";
    private static final int PART = 5 * 1024 * 1024;
    private static final byte[] KEY = EncryptionAtRestTest.random(32, 1616);
    private static final byte[] OTHER = EncryptionAtRestTest.random(32, 6161);
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

    private static String md5Hex(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static Builder partKey(Builder b, byte[] key) {
        return b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(key))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(key));
    }

    private static UploadPartCopyRequest.Builder copyKeys(UploadPartCopyRequest.Builder b, byte[] source,
                                                          byte[] destination) {
        if (source != null) {
            b.copySourceSSECustomerAlgorithm("AES256").copySourceSSECustomerKey(b64(source))
                    .copySourceSSECustomerKeyMD5(EncryptionAtRestTest.md5Base64(source));
        }
        if (destination != null) {
            b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(destination))
                    .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(destination));
        }
        return b;
    }

    private static byte[] get(String key, byte[] customerKey, Integer partNumber) {
        return s3.getObjectAsBytes(b -> {
            b.bucket(BUCKET).key(key).partNumber(partNumber);
            if (customerKey != null) {
                b.sseCustomerAlgorithm("AES256").sseCustomerKey(b64(customerKey))
                        .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(customerKey));
            }
        }).asByteArray();
    }

    @Test
    void sdkV2UploadsPartsAndPartCopiesUnderTheUploadsKey() throws Exception {
        byte[] part1 = EncryptionAtRestTest.random(PART, 1);
        byte[] source = EncryptionAtRestTest.random(300_000, 2);
        // the part-copy source is itself SSE-C, under another key
        s3.putObject(b -> b.bucket(BUCKET).key("source").sseCustomerAlgorithm("AES256").sseCustomerKey(b64(OTHER))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(OTHER)), RequestBody.fromBytes(source));

        CreateMultipartUploadResponse created = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mp")
                .sseCustomerAlgorithm("AES256").sseCustomerKey(b64(KEY))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(KEY)));
        assertEquals("AES256", created.sseCustomerAlgorithm());
        assertEquals(EncryptionAtRestTest.md5Base64(KEY), created.sseCustomerKeyMD5());
        String id = created.uploadId();

        // every part must present the upload's key: AWS's errors without it and with another
        var none = assertS3Error(400, "InvalidRequest", () -> s3.uploadPart(b -> b.bucket(BUCKET).key("mp")
                .uploadId(id).partNumber(1), RequestBody.fromBytes(part1)));
        assertTrue(none.awsErrorDetails().errorMessage().contains("Subsequent part requests must include the "
                + "appropriate encryption parameters"), none.awsErrorDetails().errorMessage());
        var wrong = assertS3Error(400, "InvalidRequest", () -> s3.uploadPart(b -> partKey(b.bucket(BUCKET).key("mp")
                .uploadId(id).partNumber(1), OTHER), RequestBody.fromBytes(part1)));
        assertTrue(wrong.awsErrorDetails().errorMessage().contains("did not match the ones used originally"));
        UploadPartResponse p1 = s3.uploadPart(b -> partKey(b.bucket(BUCKET).key("mp").uploadId(id).partNumber(1),
                KEY), RequestBody.fromBytes(part1));
        assertEquals("AES256", p1.sseCustomerAlgorithm());
        assertEquals(EncryptionAtRestTest.md5Base64(KEY), p1.sseCustomerKeyMD5());
        assertNotEquals('"' + md5Hex(part1) + '"', p1.eTag(),
                "an SSE-C part's ETag is not the MD5 of its plaintext");

        // UploadPartCopy: the source's key and the upload's key, each checked
        assertS3Error(400, "InvalidRequest", () -> s3.uploadPartCopy(b -> copyKeys(b.sourceBucket(BUCKET)
                .sourceKey("source").destinationBucket(BUCKET).destinationKey("mp").uploadId(id).partNumber(2),
                null, KEY)));
        assertS3Error(403, "AccessDenied", () -> s3.uploadPartCopy(b -> copyKeys(b.sourceBucket(BUCKET)
                .sourceKey("source").destinationBucket(BUCKET).destinationKey("mp").uploadId(id).partNumber(2),
                KEY, KEY)));
        assertS3Error(400, "InvalidRequest", () -> s3.uploadPartCopy(b -> copyKeys(b.sourceBucket(BUCKET)
                .sourceKey("source").destinationBucket(BUCKET).destinationKey("mp").uploadId(id).partNumber(2),
                OTHER, null)));
        UploadPartCopyResponse p2 = s3.uploadPartCopy(b -> copyKeys(b.sourceBucket(BUCKET).sourceKey("source")
                .destinationBucket(BUCKET).destinationKey("mp").uploadId(id).partNumber(2)
                .copySourceRange("bytes=1000-200999"), OTHER, KEY));
        assertEquals("AES256", p2.sseCustomerAlgorithm());
        assertEquals(EncryptionAtRestTest.md5Base64(KEY), p2.sseCustomerKeyMD5());

        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("mp").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(p2.copyPartResult().eTag()).build())));
        assertTrue(done.eTag().endsWith("-2\""), done.eTag());

        byte[] whole = new byte[PART + 200_000];
        System.arraycopy(part1, 0, whole, 0, PART);
        System.arraycopy(source, 1000, whole, PART, 200_000);
        assertArrayEquals(whole, get("mp", KEY, null));
        assertS3Error(400, "InvalidRequest", () -> get("mp", null, null));
        assertS3Error(403, "AccessDenied", () -> get("mp", OTHER, null));
        // a part read (GET/HEAD partNumber) needs the key too
        assertS3Error(400, "InvalidRequest", () -> get("mp", null, 2));
        assertArrayEquals(Arrays.copyOfRange(source, 1000, 201_000), get("mp", KEY, 2));
        assertEquals(400, org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.s3.model.S3Exception.class, () -> s3.headObject(b -> b.bucket(BUCKET)
                        .key("mp").partNumber(1))).statusCode(), "HEAD has no body: the status says it");
        var head = s3.headObject(b -> b.bucket(BUCKET).key("mp").partNumber(1).sseCustomerAlgorithm("AES256")
                .sseCustomerKey(b64(KEY)).sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(KEY)));
        assertEquals(PART, head.contentLength());
        assertEquals(2, head.partsCount());

        // no part's plaintext on disk (WAL, SSTs, blobs)
        server.engine().database().flushAndCompact();
        for (byte[] needle : List.of(Arrays.copyOfRange(part1, 4_000_000, 4_000_024),
                Arrays.copyOfRange(source, 150_000, 150_024))) {
            assertEquals(List.of(), EncryptionAtRestTest.filesContaining(server.dataDir(), needle));
        }
    }

    @Test
    void aCustomerKeyForAnUploadWithoutOneAndACompleteWithAnotherKeyAreRefused() {
        String plain = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("plain")).uploadId();
        assertS3Error(400, "InvalidRequest", () -> s3.uploadPart(b -> partKey(b.bucket(BUCKET).key("plain")
                .uploadId(plain).partNumber(1), KEY), RequestBody.fromString("x")));
        s3.abortMultipartUpload(b -> b.bucket(BUCKET).key("plain").uploadId(plain));

        String keyed = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("keyed").sseCustomerAlgorithm("AES256")
                .sseCustomerKey(b64(KEY)).sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(KEY))).uploadId();
        UploadPartResponse p = s3.uploadPart(b -> partKey(b.bucket(BUCKET).key("keyed").uploadId(keyed)
                .partNumber(1), KEY), RequestBody.fromString("keyed"));
        assertS3Error(400, "InvalidRequest", () -> s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("keyed")
                .uploadId(keyed).sseCustomerAlgorithm("AES256").sseCustomerKey(b64(OTHER))
                .sseCustomerKeyMD5(EncryptionAtRestTest.md5Base64(OTHER))
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p.eTag()).build()))));
        assertS3Error(404, "NoSuchKey", () -> s3.headObject(b -> b.bucket(BUCKET).key("keyed")));
        // without a key (AWS needs it only for checksummed uploads) the upload completes
        s3.completeMultipartUpload(b -> b.bucket(BUCKET).key("keyed").uploadId(keyed)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p.eTag()).build())));
        assertEquals("keyed", new String(get("keyed", KEY, null), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void sdkV1UploadsAndCopiesPartsWithCustomerKeysOverHttps() throws Exception {
        try (MfaDeleteServer tls = MfaDeleteServer.https()) {
            AmazonS3 v1 = Clients.v1(tls.endpoint());
            try {
                v1.createBucket(BUCKET);
                SSECustomerKey key = new SSECustomerKey(KEY);
                SSECustomerKey other = new SSECustomerKey(OTHER);
                byte[] part1 = EncryptionAtRestTest.random(PART, 7);
                byte[] source = EncryptionAtRestTest.random(100_000, 8);
                com.amazonaws.services.s3.model.ObjectMetadata meta =
                        new com.amazonaws.services.s3.model.ObjectMetadata();
                meta.setContentLength(source.length);
                v1.putObject(new com.amazonaws.services.s3.model.PutObjectRequest(BUCKET, "v1-src",
                        new ByteArrayInputStream(source), meta).withSSECustomerKey(other));
                String id = v1.initiateMultipartUpload(new InitiateMultipartUploadRequest(BUCKET, "v1-mp")
                        .withSSECustomerKey(key)).getUploadId();
                var up = v1.uploadPart(new UploadPartRequest().withBucketName(BUCKET).withKey("v1-mp")
                        .withUploadId(id).withPartNumber(1).withInputStream(new ByteArrayInputStream(part1))
                        .withPartSize(part1.length).withSSECustomerKey(key));
                var copy = v1.copyPart(new CopyPartRequest().withSourceBucketName(BUCKET).withSourceKey("v1-src")
                        .withDestinationBucketName(BUCKET).withDestinationKey("v1-mp").withUploadId(id)
                        .withPartNumber(2).withSourceSSECustomerKey(other).withDestinationSSECustomerKey(key));
                v1.completeMultipartUpload(new CompleteMultipartUploadRequest(BUCKET, "v1-mp", id,
                        List.of(up.getPartETag(), new PartETag(2, copy.getETag()))));
                try (var o = v1.getObject(new com.amazonaws.services.s3.model.GetObjectRequest(BUCKET, "v1-mp")
                        .withSSECustomerKey(key))) {
                    byte[] got = o.getObjectContent().readAllBytes();
                    assertArrayEquals(part1, Arrays.copyOf(got, PART));
                    assertArrayEquals(source, Arrays.copyOfRange(got, PART, got.length));
                }
                var e = org.junit.jupiter.api.Assertions.assertThrows(
                        com.amazonaws.services.s3.model.AmazonS3Exception.class,
                        () -> v1.uploadPart(new UploadPartRequest().withBucketName(BUCKET).withKey("v1-mp2")
                                .withUploadId(v1.initiateMultipartUpload(new InitiateMultipartUploadRequest(BUCKET,
                                        "v1-mp2").withSSECustomerKey(key)).getUploadId()).withPartNumber(1)
                                .withInputStream(new ByteArrayInputStream(new byte[10])).withPartSize(10)));
                assertEquals(400, e.getStatusCode());
                assertEquals("InvalidRequest", e.getErrorCode());
            } finally {
                v1.shutdown();
            }
        }
    }

    @Test
    void awsCliUploadsAndCopiesLargeObjectsWithCustomerKeys(@TempDir Path work) throws Exception {
        AwsCli cli = AwsCli.require(server.endpoint(), work);
        String key = "0123456789abcdef0123456789abcdef";
        String newKey = "fedcba9876543210fedcba9876543210";
        Path file = work.resolve("big.bin");
        byte[] data = EncryptionAtRestTest.random(9 * 1024 * 1024, 99); // above the CLI's 8 MiB threshold
        Files.write(file, data);
        // s3 cp: CreateMultipartUpload + UploadPart with the key
        cli.run("s3", "cp", file.toString(), "s3://" + BUCKET + "/cli-mp", "--sse-c", "AES256", "--sse-c-key", key)
                .assertSuccess();
        var head = cli.run("s3api", "head-object", "--bucket", BUCKET, "--key", "cli-mp",
                "--sse-customer-algorithm", "AES256", "--sse-customer-key", key).assertSuccess().json();
        assertTrue(head.path("ETag").asText().endsWith("-2\""), head.toString());
        // s3 cp between keys: HeadObject + CreateMultipartUpload + UploadPartCopy with both keys
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli-mp", "s3://" + BUCKET + "/cli-mp-copy", "--sse-c-copy-source",
                "AES256", "--sse-c-copy-source-key", key, "--sse-c", "AES256", "--sse-c-key", newKey)
                .assertSuccess();
        Path back = work.resolve("back.bin");
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli-mp-copy", back.toString(), "--sse-c", "AES256", "--sse-c-key",
                newKey).assertSuccess();
        assertArrayEquals(data, Files.readAllBytes(back));
        var refused = cli.run("s3", "cp", "s3://" + BUCKET + "/cli-mp-copy", work.resolve("x.bin").toString(),
                "--sse-c", "AES256", "--sse-c-key", key);
        assertNotEquals(0, refused.exitCode());
        assertTrue(refused.stderr().contains("403") || refused.stderr().contains("Forbidden"), refused.stderr());
    }
}
