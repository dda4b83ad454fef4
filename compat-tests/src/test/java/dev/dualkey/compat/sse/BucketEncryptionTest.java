package dev.dualkey.compat.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * Put/Get/DeleteBucketEncryption through SDK v2 and the aws CLI: SSE-S3 is every bucket's default (as in S3 since
 * 2023), dual-layer KMS (aws:kms:dsse) rules are refused rather than recorded and ignored, and another account can neither read nor change a
 * bucket's encryption.
 */
class BucketEncryptionTest {
    private static MfaDeleteServer server;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
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

    private static ServerSideEncryptionRule rule(String bucket) {
        var rules = s3.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration().rules();
        assertEquals(1, rules.size());
        return rules.get(0);
    }

    @Test
    void aNewBucketReportsSseS3AndPutDeleteRoundTrip() {
        s3.createBucket(b -> b.bucket("enc-default"));
        ServerSideEncryptionRule r = rule("enc-default");
        assertEquals(ServerSideEncryption.AES256, r.applyServerSideEncryptionByDefault().sseAlgorithm());
        assertEquals(Boolean.FALSE, r.bucketKeyEnabled());

        s3.putBucketEncryption(b -> b.bucket("enc-default").serverSideEncryptionConfiguration(c -> c.rules(
                ServerSideEncryptionRule.builder().bucketKeyEnabled(true).applyServerSideEncryptionByDefault(
                        d -> d.sseAlgorithm(ServerSideEncryption.AES256)).build())));
        assertEquals(Boolean.TRUE, rule("enc-default").bucketKeyEnabled());

        assertEquals(204, s3.deleteBucketEncryption(b -> b.bucket("enc-default")).sdkHttpResponse().statusCode());
        assertEquals(Boolean.FALSE, rule("enc-default").bucketKeyEnabled());
        assertEquals(ServerSideEncryption.AES256, rule("enc-default").applyServerSideEncryptionByDefault()
                .sseAlgorithm());
    }

    @Test
    void dsseRulesAreRefusedAndAKmsKeyWithAes256IsInvalid() {
        s3.createBucket(b -> b.bucket("enc-kms"));
        // aws:kms rules work (KmsEncryptionTest); dual-layer aws:kms:dsse is not implemented: refused, not recorded
        S3Exception kms = assertThrows(S3Exception.class, () -> s3.putBucketEncryption(b -> b.bucket("enc-kms")
                .serverSideEncryptionConfiguration(c -> c.rules(ServerSideEncryptionRule.builder()
                        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS_DSSE))
                        .build()))));
        assertEquals(501, kms.statusCode());
        assertEquals("NotImplemented", kms.awsErrorDetails().errorCode());
        S3Exception mixed = assertThrows(S3Exception.class, () -> s3.putBucketEncryption(b -> b.bucket("enc-kms")
                .serverSideEncryptionConfiguration(c -> c.rules(ServerSideEncryptionRule.builder()
                        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)
                                .kmsMasterKeyID("arn:aws:kms:us-east-1:111122223333:key/x"))
                        .build()))));
        assertEquals(400, mixed.statusCode());
        assertEquals("InvalidArgument", mixed.awsErrorDetails().errorCode());
        assertEquals(ServerSideEncryption.AES256, rule("enc-kms").applyServerSideEncryptionByDefault()
                .sseAlgorithm(), "nothing was recorded");
        S3Exception none = assertThrows(S3Exception.class, () -> s3.getBucketEncryption(b -> b.bucket("enc-nope")));
        assertEquals(404, none.statusCode());
        assertEquals("NoSuchBucket", none.awsErrorDetails().errorCode());
    }

    @Test
    void anotherAccountCannotReadOrChangeTheEncryption() {
        s3.createBucket(b -> b.bucket("enc-owned"));
        try (S3Client other = Clients.v2(server.endpoint(), server.endpoint().otherAccount())) {
            S3Exception get = assertThrows(S3Exception.class, () -> other.getBucketEncryption(b -> b
                    .bucket("enc-owned")));
            assertEquals(403, get.statusCode());
            assertEquals("AccessDenied", get.awsErrorDetails().errorCode());
            S3Exception del = assertThrows(S3Exception.class, () -> other.deleteBucketEncryption(b -> b
                    .bucket("enc-owned")));
            assertEquals(403, del.statusCode());
            assertEquals("AccessDenied", del.awsErrorDetails().errorCode());
        }
    }

    @Test
    void awsCliReadsAndWritesTheConfiguration(@TempDir Path work) {
        s3.createBucket(b -> b.bucket("enc-cli"));
        AwsCli cli = AwsCli.require(server.endpoint(), work);
        var got = cli.run("s3api", "get-bucket-encryption", "--bucket", "enc-cli").assertSuccess().json();
        assertEquals("AES256", got.at("/ServerSideEncryptionConfiguration/Rules/0/ApplyServerSideEncryptionByDefault"
                + "/SSEAlgorithm").asText());
        cli.run("s3api", "put-bucket-encryption", "--bucket", "enc-cli", "--server-side-encryption-configuration",
                "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"},"
                        + "\"BucketKeyEnabled\":true}]}").assertSuccess();
        got = cli.run("s3api", "get-bucket-encryption", "--bucket", "enc-cli").assertSuccess().json();
        assertTrue(got.at("/ServerSideEncryptionConfiguration/Rules/0/BucketKeyEnabled").asBoolean());
    }
}
