package dev.dualkey.compat.sse;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.CopyObjectRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.SSEAwsKeyManagementParams;
import com.amazonaws.services.s3.model.UploadPartRequest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * SSE-KMS on CopyObject, UploadPartCopy and the multipart calls (issue 16) through SDK v2, SDK v1 and the aws CLI:
 * a copy is encrypted under the request's key or the destination bucket's default (never the source's), an SSE-KMS
 * source is readable while its key is Enabled; a multipart upload's key is chosen at CreateMultipartUpload and
 * answered on every UploadPart, UploadPartCopy and CompleteMultipartUpload; a key disabled or scheduled for deletion
 * refuses the next part or copy with AWS's KMS.DisabledException / KMS.KMSInvalidStateException; no plaintext of a
 * part reaches the disk.
 */
class KmsCopyAndMultipartTest {
    private static final String BUCKET = "kms-copies";
    private static final int PART = 5 * 1024 * 1024;
    private static MfaDeleteServer server;
    private static S3Client s3;
    private static KmsRegistry kms;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket(BUCKET));
        kms = server.identity().kms(GatewayExtension.REGION, server.clock());
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

    private static String context(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void copyObjectMovesBetweenSseS3AndKmsKeys() {
        KmsKey a = kms.createKey(server.accountId(), "copy a");
        KmsKey b = kms.createKey(server.accountId(), "copy b");
        for (int size : new int[] {200, 300_000}) { // inline and blob
            byte[] data = EncryptionAtRestTest.random(size, size);
            String src = "plain-" + size;
            s3.putObject(r -> r.bucket(BUCKET).key(src), RequestBody.fromBytes(data));
            // SSE-S3 -> SSE-KMS under key a
            CopyObjectResponse toA = s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey(src).destinationBucket(BUCKET)
                    .destinationKey("a-" + size).serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .ssekmsKeyId(a.keyId()));
            assertEquals(ServerSideEncryption.AWS_KMS, toA.serverSideEncryption());
            assertEquals(a.arn(), toA.ssekmsKeyId());
            assertEquals("{\"aws:s3:arn\":\"arn:aws:s3:::" + BUCKET + "/a-" + size + "\"}",
                    context(toA.ssekmsEncryptionContext()), "the copy's context names the copy");
            // SSE-KMS a -> SSE-KMS b (bucket key on)
            CopyObjectResponse toB = s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey("a-" + size)
                    .destinationBucket(BUCKET).destinationKey("b-" + size)
                    .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(b.arn()).bucketKeyEnabled(true));
            assertEquals(b.arn(), toB.ssekmsKeyId());
            assertTrue(toB.bucketKeyEnabled());
            // SSE-KMS -> SSE-S3: no header means the bucket default, AES256 here (never the source's key)
            CopyObjectResponse back = s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey("b-" + size)
                    .destinationBucket(BUCKET).destinationKey("s3-" + size));
            assertEquals(ServerSideEncryption.AES256, back.serverSideEncryption());
            assertNull(back.ssekmsKeyId());
            for (String k : new String[] {"a-" + size, "b-" + size, "s3-" + size}) {
                var got = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(k));
                assertArrayEquals(data, got.asByteArray(), k);
            }
            assertEquals(b.arn(), s3.headObject(r -> r.bucket(BUCKET).key("b-" + size)).ssekmsKeyId());
            assertNull(s3.headObject(r -> r.bucket(BUCKET).key("s3-" + size)).ssekmsKeyId());
        }
        // in place, SSE-S3 -> SSE-KMS (the way to move existing data under a KMS key)
        s3.putObject(r -> r.bucket(BUCKET).key("inplace"), RequestBody.fromString("in place"));
        s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey("inplace").destinationBucket(BUCKET)
                .destinationKey("inplace").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(a.keyId()));
        var head = s3.headObject(r -> r.bucket(BUCKET).key("inplace"));
        assertEquals(a.arn(), head.ssekmsKeyId());
        assertEquals("in place", s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("inplace")).asUtf8String());
    }

    @Test
    void copiesAndPartsFollowTheBucketDefaultAndTheKeysState() {
        String bucket = "kms-default-copies";
        s3.createBucket(r -> r.bucket(bucket));
        KmsKey key = kms.createKey(server.accountId(), "default");
        s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(x -> x
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)
                        .kmsMasterKeyID(key.arn())))));
        s3.putObject(r -> r.bucket(BUCKET).key("to-default"), RequestBody.fromString("default"));
        CopyObjectResponse copied = s3.copyObject(r -> r.sourceBucket(BUCKET).sourceKey("to-default")
                .destinationBucket(bucket).destinationKey("copied"));
        assertEquals(key.arn(), copied.ssekmsKeyId(), "a copy takes the destination bucket's default");

        // source key disabled: the copy is refused; destination key disabled: refused too
        kms.disable(server.accountId(), key.keyId());
        assertEquals("KMS.DisabledException", assertS3Error(400, "KMS.DisabledException", () -> s3.copyObject(r -> r
                .sourceBucket(bucket).sourceKey("copied").destinationBucket(BUCKET).destinationKey("x")))
                .awsErrorDetails().errorCode());
        assertS3Error(400, "KMS.DisabledException", () -> s3.copyObject(r -> r.sourceBucket(BUCKET)
                .sourceKey("to-default").destinationBucket(bucket).destinationKey("y")));
        assertS3Error(400, "KMS.DisabledException", () -> s3.createMultipartUpload(r -> r.bucket(bucket).key("mp")));
        kms.enable(server.accountId(), key.keyId());

        // a multipart upload in the default bucket: the key on every response
        CreateMultipartUploadResponse created = s3.createMultipartUpload(r -> r.bucket(bucket).key("mp"));
        assertEquals(ServerSideEncryption.AWS_KMS, created.serverSideEncryption());
        assertEquals(key.arn(), created.ssekmsKeyId());
        String id = created.uploadId();
        UploadPartResponse p1 = s3.uploadPart(r -> r.bucket(bucket).key("mp").uploadId(id).partNumber(1),
                RequestBody.fromString("first"));
        assertEquals(ServerSideEncryption.AWS_KMS, p1.serverSideEncryption());
        assertEquals(key.arn(), p1.ssekmsKeyId());
        // the key disabled or scheduled for deletion after the upload began: the next part is refused
        kms.disable(server.accountId(), key.keyId());
        assertS3Error(400, "KMS.DisabledException", () -> s3.uploadPart(r -> r.bucket(bucket).key("mp").uploadId(id)
                .partNumber(1), RequestBody.fromString("again")));
        kms.enable(server.accountId(), key.keyId());
        kms.scheduleDeletion(server.accountId(), key.keyId(), 7);
        assertS3Error(400, "KMS.KMSInvalidStateException", () -> s3.uploadPart(r -> r.bucket(bucket).key("mp")
                .uploadId(id).partNumber(1), RequestBody.fromString("again")));
        assertS3Error(400, "KMS.KMSInvalidStateException", () -> s3.uploadPartCopy(r -> r.sourceBucket(BUCKET)
                .sourceKey("to-default").destinationBucket(bucket).destinationKey("mp").uploadId(id).partNumber(2)));
        kms.cancelDeletion(server.accountId(), key.keyId());
        kms.enable(server.accountId(), key.keyId());
        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(r -> r.bucket(bucket).key("mp").uploadId(id)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build())));
        assertEquals(ServerSideEncryption.AWS_KMS, done.serverSideEncryption());
        assertEquals(key.arn(), done.ssekmsKeyId());
        assertEquals("first", s3.getObjectAsBytes(r -> r.bucket(bucket).key("mp")).asUtf8String());
    }

    @Test
    void sdkV2MultipartWithPartCopiesFromKmsAndCustomerKeySources() throws Exception {
        KmsKey key = kms.createKey(server.accountId(), "multipart");
        KmsKey sourceKey = kms.createKey(server.accountId(), "multipart source");
        byte[] part1 = EncryptionAtRestTest.random(PART, 31);
        byte[] source = EncryptionAtRestTest.random(250_000, 32);
        s3.putObject(r -> r.bucket(BUCKET).key("kms-source").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(sourceKey.keyId()), RequestBody.fromBytes(source));
        CreateMultipartUploadResponse created = s3.createMultipartUpload(r -> r.bucket(BUCKET).key("kms-mp")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId("alias/aws/s3").bucketKeyEnabled(true));
        KmsKey managed = kms.describe(server.accountId(), "alias/aws/s3");
        assertEquals(managed.arn(), created.ssekmsKeyId());
        assertTrue(created.bucketKeyEnabled());
        assertEquals("{\"aws:s3:arn\":\"arn:aws:s3:::" + BUCKET + "\"}", context(created.ssekmsEncryptionContext()));
        String id = created.uploadId();
        UploadPartResponse p1 = s3.uploadPart(r -> r.bucket(BUCKET).key("kms-mp").uploadId(id).partNumber(1),
                RequestBody.fromBytes(part1));
        assertEquals(managed.arn(), p1.ssekmsKeyId());
        assertTrue(p1.bucketKeyEnabled());
        UploadPartCopyResponse p2 = s3.uploadPartCopy(r -> r.sourceBucket(BUCKET).sourceKey("kms-source")
                .destinationBucket(BUCKET).destinationKey("kms-mp").uploadId(id).partNumber(2));
        assertEquals(ServerSideEncryption.AWS_KMS, p2.serverSideEncryption());
        assertEquals(managed.arn(), p2.ssekmsKeyId());
        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(r -> r.bucket(BUCKET).key("kms-mp")
                .uploadId(id).multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(p1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(p2.copyPartResult().eTag()).build())));
        assertEquals(managed.arn(), done.ssekmsKeyId());
        assertTrue(done.bucketKeyEnabled());
        var got = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("kms-mp"));
        assertArrayEquals(part1, Arrays.copyOf(got.asByteArray(), PART));
        assertArrayEquals(source, Arrays.copyOfRange(got.asByteArray(), PART, PART + source.length));
        assertEquals(managed.arn(), got.response().ssekmsKeyId());
        assertArrayEquals(source, s3.getObjectAsBytes(r -> r.bucket(BUCKET).key("kms-mp").partNumber(2))
                .asByteArray());

        server.engine().database().flushAndCompact();
        for (byte[] needle : List.of(Arrays.copyOfRange(part1, 3_000_000, 3_000_024),
                Arrays.copyOfRange(source, 100_000, 100_024))) {
            assertEquals(List.of(), EncryptionAtRestTest.filesContaining(server.dataDir(), needle));
        }
    }

    @Test
    void sdkV1CopiesAndUploadsPartsUnderKmsKeysOverHttps() throws Exception {
        try (MfaDeleteServer tls = MfaDeleteServer.https()) {
            KmsKey key = tls.identity().kms(GatewayExtension.REGION, tls.clock()).createKey(tls.accountId(), "v1");
            AmazonS3 v1 = Clients.v1(tls.endpoint());
            try {
                v1.createBucket(BUCKET);
                v1.putObject(BUCKET, "v1-plain", "plain for v1");
                var copy = v1.copyObject(new CopyObjectRequest(BUCKET, "v1-plain", BUCKET, "v1-kms")
                        .withSSEAwsKeyManagementParams(new SSEAwsKeyManagementParams(key.keyId())));
                assertEquals("aws:kms", copy.getSSEAlgorithm());
                assertEquals(key.arn(), v1.getObjectMetadata(BUCKET, "v1-kms").getSSEAwsKmsKeyId());
                assertEquals("plain for v1", v1.getObjectAsString(BUCKET, "v1-kms"));
                var init = v1.initiateMultipartUpload(new InitiateMultipartUploadRequest(BUCKET, "v1-mp")
                        .withSSEAwsKeyManagementParams(new SSEAwsKeyManagementParams(key.keyId())));
                assertEquals("aws:kms", init.getSSEAlgorithm());
                byte[] data = "v1 multipart".getBytes(StandardCharsets.UTF_8);
                var part = v1.uploadPart(new UploadPartRequest().withBucketName(BUCKET).withKey("v1-mp")
                        .withUploadId(init.getUploadId()).withPartNumber(1)
                        .withInputStream(new ByteArrayInputStream(data)).withPartSize(data.length));
                assertEquals("aws:kms", part.getSSEAlgorithm());
                v1.completeMultipartUpload(new CompleteMultipartUploadRequest(BUCKET, "v1-mp", init.getUploadId(),
                        List.of(part.getPartETag())));
                assertEquals("v1 multipart", v1.getObjectAsString(BUCKET, "v1-mp"));
                assertEquals(key.arn(), v1.getObjectMetadata(BUCKET, "v1-mp").getSSEAwsKmsKeyId());
            } finally {
                v1.shutdown();
            }
        }
    }

    @Test
    void awsCliUploadsAndCopiesLargeObjectsUnderKmsKeys(@TempDir Path work) throws Exception {
        AwsCli cli = AwsCli.require(server.endpoint(), work);
        KmsKey key = kms.createKey(server.accountId(), "cli upload");
        KmsKey other = kms.createKey(server.accountId(), "cli copy");
        Path file = work.resolve("big.bin");
        byte[] data = EncryptionAtRestTest.random(9 * 1024 * 1024, 77); // multipart above the CLI's 8 MiB
        Files.write(file, data);
        cli.run("s3", "cp", file.toString(), "s3://" + BUCKET + "/cli-kms", "--sse", "aws:kms", "--sse-kms-key-id",
                key.keyId()).assertSuccess();
        JsonNode head = cli.run("s3api", "head-object", "--bucket", BUCKET, "--key", "cli-kms").assertSuccess().json();
        assertEquals(key.arn(), head.path("SSEKMSKeyId").asText());
        assertTrue(head.path("ETag").asText().endsWith("-2\""), head.toString());
        // a multipart copy (UploadPartCopy from an SSE-KMS source) under another key
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli-kms", "s3://" + BUCKET + "/cli-kms-copy", "--sse", "aws:kms",
                "--sse-kms-key-id", other.arn()).assertSuccess();
        JsonNode copyHead = cli.run("s3api", "head-object", "--bucket", BUCKET, "--key", "cli-kms-copy")
                .assertSuccess().json();
        assertEquals(other.arn(), copyHead.path("SSEKMSKeyId").asText());
        Path back = work.resolve("back.bin");
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli-kms-copy", back.toString()).assertSuccess();
        assertArrayEquals(data, Files.readAllBytes(back));
        // copy-object (one request) to SSE-S3
        JsonNode copied = cli.run("s3api", "copy-object", "--bucket", BUCKET, "--key", "cli-s3", "--copy-source",
                BUCKET + "/cli-kms-copy").assertSuccess().json();
        assertEquals("AES256", copied.path("ServerSideEncryption").asText());
    }
}
