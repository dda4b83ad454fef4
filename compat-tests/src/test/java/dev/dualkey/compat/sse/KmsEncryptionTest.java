package dev.dualkey.compat.sse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.SSEAwsKeyManagementParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.iam.IamClients;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SSE-KMS (issue 16) through SDK v2, SDK v1 and the aws CLI against a server wired as {@code serve} wires it: keys
 * from the local registry named every way AWS allows, the AWS managed {@code aws/s3} key, bucket default
 * encryption with {@code aws:kms}, encryption context and bucket keys, AWS's errors for unknown, disabled and
 * pending-deletion keys, {@code kms:GenerateDataKey} / {@code kms:Decrypt} in IAM users' policies, a scheduled
 * deletion that makes the objects unreadable for good once its waiting period ends, and no plaintext on disk.
 */
class KmsEncryptionTest {
    private static MfaDeleteServer server;
    private static S3Client s3;
    private static KmsRegistry kms;
    private static final String BUCKET = "kms-objects";

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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static S3Exception putFails(String key, String keyId) {
        return assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(BUCKET).key(key)
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(keyId), RequestBody.fromString("x")));
    }

    @Test
    void sdkV2PutsAndReadsUnderAKeyNamedEveryWayAws() {
        KmsKey key = kms.createKey(server.accountId(), "sdk v2");
        kms.createAlias(server.accountId(), "alias/app-data", key.keyId());
        String[] names = {key.keyId(), key.arn(), "alias/app-data",
                "arn:aws:kms:" + GatewayExtension.REGION + ":" + server.accountId() + ":alias/app-data"};
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            String objectKey = "named-" + i;
            byte[] data = bytes("encrypted under " + name + " ".repeat(i * 40_000)); // inline and blob sizes
            PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key(objectKey)
                    .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(name), RequestBody.fromBytes(data));
            assertEquals(ServerSideEncryption.AWS_KMS, put.serverSideEncryption());
            assertEquals(key.arn(), put.ssekmsKeyId(), "S3 answers the key's ARN whatever name was sent");
            String context = new String(Base64.getDecoder().decode(put.ssekmsEncryptionContext()),
                    StandardCharsets.UTF_8);
            assertEquals("{\"aws:s3:arn\":\"arn:aws:s3:::" + BUCKET + "/" + objectKey + "\"}", context);
            var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(objectKey));
            assertArrayEquals(data, got.asByteArray());
            assertEquals(ServerSideEncryption.AWS_KMS, got.response().serverSideEncryption());
            assertEquals(key.arn(), got.response().ssekmsKeyId());
            HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key(objectKey));
            assertEquals(key.arn(), head.ssekmsKeyId());
            assertNull(head.bucketKeyEnabled());
        }
        // a range decrypts only what it reads, under the KMS key's data key
        GetObjectResponse range = s3.getObject(b -> b.bucket(BUCKET).key("named-3").range("bytes=5-9"),
                (r, in) -> {
                    assertArrayEquals(Arrays.copyOfRange(bytes("encrypted under"), 5, 10), in.readAllBytes());
                    return r;
                });
        assertEquals(206, range.sdkHttpResponse().statusCode());
    }

    @Test
    void awsKmsWithoutAKeyIdUsesTheAwsManagedKeyCreatedOnFirstUse() {
        PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key("managed")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS), RequestBody.fromString("managed"));
        KmsKey managed = kms.describe(server.accountId(), "alias/aws/s3");
        assertTrue(managed.awsManaged());
        assertEquals(managed.arn(), put.ssekmsKeyId());
        assertTrue(managed.arn().matches("arn:aws:kms:" + GatewayExtension.REGION + ":" + server.accountId()
                + ":key/[0-9a-f-]{36}"), managed.arn());
        assertEquals("managed", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("managed")).asUtf8String());
        // the same key the next time; the operator cannot disable or delete it
        PutObjectResponse again = s3.putObject(b -> b.bucket(BUCKET).key("managed-2")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS), RequestBody.fromString("again"));
        assertEquals(managed.arn(), again.ssekmsKeyId());
        assertEquals("UnsupportedOperationException", assertThrows(dev.dualkey.gateway.kms.KmsException.class,
                () -> kms.scheduleDeletion(server.accountId(), "alias/aws/s3", 7)).code());
    }

    @Test
    void encryptionContextAndBucketKeyAreBoundAndEchoed() {
        String ctx = Base64.getEncoder().encodeToString(bytes("{\"project\":\"x\",\"team\":\"blue\"}"));
        PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key("ctx")
                .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsEncryptionContext(ctx)
                .bucketKeyEnabled(true), RequestBody.fromString("context"));
        assertTrue(put.bucketKeyEnabled());
        assertEquals("{\"aws:s3:arn\":\"arn:aws:s3:::" + BUCKET + "\",\"project\":\"x\",\"team\":\"blue\"}",
                new String(Base64.getDecoder().decode(put.ssekmsEncryptionContext()), StandardCharsets.UTF_8),
                "with a bucket key the context names the bucket, as AWS");
        var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ctx"));
        assertEquals("context", got.asUtf8String());
        assertTrue(got.response().bucketKeyEnabled());
        for (String bad : new String[] {"not base64!", Base64.getEncoder().encodeToString(bytes("[1,2]")),
                Base64.getEncoder().encodeToString(bytes("{\"n\":1}"))}) {
            S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(BUCKET).key("bad-ctx")
                    .serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsEncryptionContext(bad),
                    RequestBody.fromString("x")));
            assertEquals(400, e.statusCode());
            assertEquals("InvalidArgument", e.awsErrorDetails().errorCode());
        }
        // a key id without aws:kms is refused, as S3 does
        S3Exception noMethod = assertThrows(S3Exception.class, () -> s3.putObject(b -> b.bucket(BUCKET)
                .key("no-method").ssekmsKeyId("alias/aws/s3"), RequestBody.fromString("x")));
        assertEquals("InvalidArgument", noMethod.awsErrorDetails().errorCode());
    }

    @Test
    void unknownDisabledAndPendingDeletionKeysGetAwsErrors() {
        S3Exception unknown = putFails("e1", "11111111-2222-3333-4444-555555555555");
        assertEquals(400, unknown.statusCode());
        assertEquals("KMS.NotFoundException", unknown.awsErrorDetails().errorCode());
        assertTrue(unknown.awsErrorDetails().errorMessage().contains("arn:aws:kms:" + GatewayExtension.REGION + ":"
                + server.accountId() + ":key/11111111-2222-3333-4444-555555555555"));
        assertEquals("KMS.NotFoundException", putFails("e2", "alias/nope").awsErrorDetails().errorCode());
        assertEquals("KMS.NotFoundException", putFails("e3", "not-a-key").awsErrorDetails().errorCode());

        KmsKey key = kms.createKey(server.accountId(), "states");
        s3.putObject(b -> b.bucket(BUCKET).key("states").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(key.keyId()), RequestBody.fromString("kept"));
        kms.disable(server.accountId(), key.keyId());
        S3Exception disabled = putFails("e4", key.keyId());
        assertEquals(400, disabled.statusCode());
        assertEquals("KMS.DisabledException", disabled.awsErrorDetails().errorCode());
        S3Exception read = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                .key("states")));
        assertEquals("KMS.DisabledException", read.awsErrorDetails().errorCode());
        assertEquals(key.arn(), s3.headObject(b -> b.bucket(BUCKET).key("states")).ssekmsKeyId(),
                "HeadObject decrypts nothing: no KMS call, as AWS");
        kms.enable(server.accountId(), key.keyId());
        assertEquals("kept", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("states")).asUtf8String());

        kms.scheduleDeletion(server.accountId(), key.keyId(), 7);
        assertEquals("KMS.KMSInvalidStateException", putFails("e5", key.keyId()).awsErrorDetails().errorCode());
        assertEquals("KMS.KMSInvalidStateException", assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b ->
                b.bucket(BUCKET).key("states"))).awsErrorDetails().errorCode());
        kms.cancelDeletion(server.accountId(), key.keyId());
        kms.enable(server.accountId(), key.keyId());
        assertEquals("kept", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("states")).asUtf8String(),
                "a cancelled deletion destroys nothing");
    }

    @Test
    void aKeyOfAnotherAccountCannotBeUsed() {
        KmsKey theirs = kms.createKey(server.otherAccountId(), "other account");
        S3Exception e = putFails("cross", theirs.arn());
        assertEquals(403, e.statusCode());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        // a bare key id is looked up in the caller's account, where it does not exist
        assertEquals("KMS.NotFoundException", putFails("cross-2", theirs.keyId()).awsErrorDetails().errorCode());
    }

    @Test
    void iamUsersNeedGenerateDataKeyToWriteAndDecryptToRead() {
        KmsKey key = kms.createKey(server.accountId(), "iam");
        String s3Only = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                + "\"Resource\":\"*\"}]}";
        String writeOnly = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
                + "\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Action\":\"kms:GenerateDataKey\",\"Resource\":\""
                + key.arn() + "\",\"Condition\":{\"StringEquals\":{\"kms:ViaService\":\"s3."
                + GatewayExtension.REGION + ".amazonaws.com\"}}}]}";
        String both = writeOnly.replace("\"kms:GenerateDataKey\"", "[\"kms:GenerateDataKey\",\"kms:Decrypt\"]");
        try (IamClient iam = IamClients.v2(server.endpoint(), server.endpoint().root())) {
            AccessKey none = user(iam, "kms-none", s3Only);
            AccessKey writer = user(iam, "kms-writer", writeOnly);
            AccessKey reader = user(iam, "kms-both", both);
            try (S3Client asNone = Clients.v2(server.endpoint(), none);
                 S3Client asWriter = Clients.v2(server.endpoint(), writer);
                 S3Client asBoth = Clients.v2(server.endpoint(), reader)) {
                S3Exception denied = assertThrows(S3Exception.class, () -> asNone.putObject(b -> b.bucket(BUCKET)
                        .key("iam").serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(key.arn()),
                        RequestBody.fromString("x")));
                assertEquals(403, denied.statusCode());
                assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
                assertTrue(denied.awsErrorDetails().errorMessage().contains("kms:GenerateDataKey"));
                asWriter.putObject(b -> b.bucket(BUCKET).key("iam").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                        .ssekmsKeyId(key.arn()), RequestBody.fromString("iam"));
                S3Exception noDecrypt = assertThrows(S3Exception.class, () -> asWriter.getObjectAsBytes(b ->
                        b.bucket(BUCKET).key("iam")));
                assertEquals(403, noDecrypt.statusCode());
                assertTrue(noDecrypt.awsErrorDetails().errorMessage().contains("kms:Decrypt"));
                assertEquals(key.arn(), asWriter.headObject(b -> b.bucket(BUCKET).key("iam")).ssekmsKeyId());
                assertEquals("iam", asBoth.getObjectAsBytes(b -> b.bucket(BUCKET).key("iam")).asUtf8String());
                // SSE-S3 objects need no KMS permission
                asNone.putObject(b -> b.bucket(BUCKET).key("iam-s3"), RequestBody.fromString("plain"));
                assertEquals("plain", asNone.getObjectAsBytes(b -> b.bucket(BUCKET).key("iam-s3")).asUtf8String());
            }
        }
    }

    private static AccessKey user(IamClient iam, String name, String policy) {
        iam.createUser(b -> b.userName(name));
        iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policy));
        var k = iam.createAccessKey(b -> b.userName(name));
        return new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
    }

    @Test
    void anonymousWritersCannotUseKmsKeys() throws Exception {
        String bucket = "kms-public";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketPolicy(b -> b.bucket(bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Principal\":\"*\",\"Action\":[\"s3:PutObject\",\"s3:GetObject\"],\"Resource\":"
                + "\"arn:aws:s3:::" + bucket + "/*\"}]}"));
        s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)))));
        java.net.http.HttpResponse<String> put = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(server.endpoint().endpoint().resolve("/" + bucket + "/anon"))
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("anonymous")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, put.statusCode(), put.body());
        assertTrue(put.body().contains("<Code>AccessDenied</Code>"), put.body());
        assertTrue(kms.listKeys("anonymous").isEmpty(), "no aws/s3 key made for the anonymous caller");
    }

    @Test
    void bucketDefaultEncryptionWithAwsKmsThroughSdkV2() {
        String bucket = "kms-default-v2";
        s3.createBucket(b -> b.bucket(bucket));
        KmsKey key = kms.createKey(server.accountId(), "bucket default");
        s3.putBucketEncryption(b -> b.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)
                        .kmsMasterKeyID(key.arn())).bucketKeyEnabled(true))));
        var rule = s3.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0);
        assertEquals(ServerSideEncryption.AWS_KMS, rule.applyServerSideEncryptionByDefault().sseAlgorithm());
        assertEquals(key.arn(), rule.applyServerSideEncryptionByDefault().kmsMasterKeyID());
        assertTrue(rule.bucketKeyEnabled());
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("d"), RequestBody.fromString("default"));
        assertEquals(ServerSideEncryption.AWS_KMS, put.serverSideEncryption());
        assertEquals(key.arn(), put.ssekmsKeyId());
        assertTrue(put.bucketKeyEnabled());
        // AES256 named on the request wins over the bucket default
        assertEquals(ServerSideEncryption.AES256, s3.putObject(b -> b.bucket(bucket).key("s3")
                .serverSideEncryption(ServerSideEncryption.AES256), RequestBody.fromString("s3")).serverSideEncryption());
        // multipart uploads take the bucket default too; a copy out of the bucket takes its destination's (SSE-S3)
        assertEquals(key.arn(), s3.createMultipartUpload(b -> b.bucket(bucket).key("mp")).ssekmsKeyId());
        assertEquals(ServerSideEncryption.AES256, s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("d")
                .destinationBucket(BUCKET).destinationKey("copied")).serverSideEncryption());
        assertEquals("default", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("copied")).asUtf8String());
        s3.deleteBucketEncryption(b -> b.bucket(bucket));
        assertEquals(ServerSideEncryption.AES256, s3.putObject(b -> b.bucket(bucket).key("after"),
                RequestBody.fromString("after")).serverSideEncryption());
        assertEquals("default", s3.getObjectAsBytes(b -> b.bucket(bucket).key("d")).asUtf8String());
    }

    @Test
    void sdkV1PutsWithSseKmsParamsOverHttps() throws IOException {
        // SDK v1 sends SSE-KMS parameters only over HTTPS (and signs them with SigV4)
        try (MfaDeleteServer tls = MfaDeleteServer.https()) {
            AmazonS3 v1 = Clients.v1(tls.endpoint());
            v1.createBucket(BUCKET);
            sdkV1RoundTrip(v1, tls.identity().kms(GatewayExtension.REGION, tls.clock())
                    .createKey(tls.accountId(), "sdk v1"));
        }
    }

    private static void sdkV1RoundTrip(AmazonS3 v1, KmsKey key) throws IOException {
        try {
            byte[] data = bytes("sdk v1 kms");
            com.amazonaws.services.s3.model.ObjectMetadata meta = new com.amazonaws.services.s3.model.ObjectMetadata();
            meta.setContentLength(data.length);
            var result = v1.putObject(new PutObjectRequest(BUCKET, "v1", new ByteArrayInputStream(data), meta)
                    .withSSEAwsKeyManagementParams(new SSEAwsKeyManagementParams(key.keyId())));
            assertEquals("aws:kms", result.getMetadata().getSSEAlgorithm());
            assertEquals(key.arn(), result.getMetadata().getSSEAwsKmsKeyId());
            try (var obj = v1.getObject(BUCKET, "v1")) {
                assertArrayEquals(data, obj.getObjectContent().readAllBytes());
                assertEquals(key.arn(), obj.getObjectMetadata().getSSEAwsKmsKeyId());
            }
            AmazonS3Exception e = assertThrows(AmazonS3Exception.class, () -> v1.putObject(new PutObjectRequest(
                    BUCKET, "v1-bad", new ByteArrayInputStream(data), meta)
                    .withSSEAwsKeyManagementParams(new SSEAwsKeyManagementParams("alias/missing"))));
            assertEquals(400, e.getStatusCode());
            assertEquals("KMS.NotFoundException", e.getErrorCode());
        } finally {
            v1.shutdown();
        }
    }

    @Test
    void awsCliCopiesWithSseKmsAndSetsBucketEncryption(@TempDir Path dir) throws IOException {
        AwsCli cli = AwsCli.require(server.endpoint(), dir);
        KmsKey key = kms.createKey(server.accountId(), "aws cli");
        Path file = dir.resolve("in.txt");
        Files.writeString(file, "aws cli kms");
        cli.run("s3", "cp", file.toString(), "s3://" + BUCKET + "/cli", "--sse", "aws:kms", "--sse-kms-key-id",
                key.keyId()).assertSuccess();
        JsonNode head = cli.run("s3api", "head-object", "--bucket", BUCKET, "--key", "cli").assertSuccess().json();
        assertEquals("aws:kms", head.path("ServerSideEncryption").asText());
        assertEquals(key.arn(), head.path("SSEKMSKeyId").asText());
        cli.run("s3", "cp", "s3://" + BUCKET + "/cli", dir.resolve("out.txt").toString()).assertSuccess();
        assertEquals("aws cli kms", Files.readString(dir.resolve("out.txt")));

        String bucket = "kms-default-cli";
        cli.run("s3api", "create-bucket", "--bucket", bucket).assertSuccess();
        cli.run("s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
                "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\","
                        + "\"KMSMasterKeyID\":\"" + key.arn() + "\"}}]}").assertSuccess();
        JsonNode enc = cli.run("s3api", "get-bucket-encryption", "--bucket", bucket).assertSuccess().json();
        assertEquals(key.arn(), enc.path("ServerSideEncryptionConfiguration").path("Rules").get(0)
                .path("ApplyServerSideEncryptionByDefault").path("KMSMasterKeyID").asText());
        JsonNode put = cli.run("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", file.toString())
                .assertSuccess().json();
        assertEquals(key.arn(), put.path("SSEKMSKeyId").asText());
        var bad = cli.run("s3", "cp", file.toString(), "s3://" + BUCKET + "/cli-bad", "--sse", "aws:kms",
                "--sse-kms-key-id", "alias/none");
        assertTrue(bad.exitCode() != 0);
        assertTrue(bad.stderr().contains("KMS.NotFoundException"), bad.stderr());
    }

    @Test
    void aDeletedKeyLeavesItsObjectsUnreadableAndTheDiskHoldsNoPlaintext() throws IOException {
        KmsKey key = kms.createKey(server.accountId(), "to delete");
        byte[] small = EncryptionAtRestTest.random(3000, System.nanoTime());
        byte[] large = EncryptionAtRestTest.random(300_000, System.nanoTime());
        s3.putObject(b -> b.bucket(BUCKET).key("doomed-small").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(key.keyId()), RequestBody.fromBytes(small));
        s3.putObject(b -> b.bucket(BUCKET).key("doomed-large").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(key.keyId()), RequestBody.fromBytes(large));
        List<byte[]> needles = List.of(Arrays.copyOfRange(small, 0, 24), Arrays.copyOfRange(large, 200_000,
                200_024));
        for (byte[] needle : needles) {
            assertEquals(List.of(), EncryptionAtRestTest.filesContaining(server.dataDir(), needle), "WAL");
        }
        server.engine().database().flushAndCompact();
        for (byte[] needle : needles) {
            assertEquals(List.of(), EncryptionAtRestTest.filesContaining(server.dataDir(), needle), "SST, blobs");
        }
        kms.scheduleDeletion(server.accountId(), key.keyId(), 7);
        server.clock().advance(7 * 2880 + 1); // the waiting period ends on the registry's clock
        assertTrue(kms.byId(key.keyId()).isEmpty(), "material destroyed");
        assertFalse(kms.listKeys(server.accountId()).stream().anyMatch(k -> k.keyId().equals(key.keyId())));
        for (String k : new String[] {"doomed-small", "doomed-large"}) {
            S3Exception gone = assertThrows(S3Exception.class, () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(k)));
            assertEquals(400, gone.statusCode());
            assertEquals("KMS.NotFoundException", gone.awsErrorDetails().errorCode());
        }
    }
}
