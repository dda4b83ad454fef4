package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.iam.IamClients;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.gateway.kms.KeyState;
import dev.dualkey.gateway.kms.KmsKey;
import dev.dualkey.gateway.kms.KmsRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * SECURITY.md K1-K3: deleting (or disabling) a KMS key makes every version encrypted under it unreadable, which is
 * a permanent delete without a code. A thief holding root's access key, or an IAM user allowed {@code kms:*} and
 * {@code iam:*}, tries every door a client has: the KMS API itself (aws CLI {@code aws kms ...} pointed at the
 * server, and a raw KMS JSON request signed for {@code kms}), the IAM Query API, and S3. Nothing may change the
 * key: it stays Enabled with no deletion date, and the versions under it stay readable.
 */
class KmsKeyDeletionAttackTest {
    private static MfaDeleteServer server;
    private static S3Client s3;
    private static KmsRegistry kms;
    private static KmsKey key;
    private static final String BUCKET = "kms-attack";

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putBucketVersioning(b -> b.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
        kms = server.identity().kms(GatewayExtension.REGION, server.clock());
        key = kms.createKey(server.accountId(), "the victim's key");
        kms.createAlias(server.accountId(), "alias/victim", key.keyId());
        s3.putObject(b -> b.bucket(BUCKET).key("precious").serverSideEncryption(ServerSideEncryption.AWS_KMS)
                .ssekmsKeyId(key.arn()), RequestBody.fromString("precious"));
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

    private static void keyIsIntactAndDataReadable() {
        KmsKey now = kms.describe(server.accountId(), key.keyId());
        assertEquals(KeyState.ENABLED, now.state());
        assertEquals(null, now.deletionDate());
        assertEquals("precious", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("precious")).asUtf8String());
    }

    private static void kmsApiRefused(AwsCli cli) {
        String[][] attempts = {
            {"kms", "schedule-key-deletion", "--key-id", key.arn(), "--pending-window-in-days", "7"},
            {"kms", "schedule-key-deletion", "--key-id", "alias/victim", "--pending-window-in-days", "7"},
            {"kms", "disable-key", "--key-id", key.keyId()},
            {"kms", "update-alias", "--alias-name", "alias/victim", "--target-key-id", key.keyId()},
            {"kms", "list-keys"},
        };
        for (String[] a : attempts) {
            AwsCli.Result r = cli.run(a);
            assertNotEquals(0, r.exitCode(), String.join(" ", a) + " succeeded: " + r.stdout());
        }
        keyIsIntactAndDataReadable();
    }

    @Test
    void aStolenRootKeyCannotReachTheKeyRegistryThroughTheKmsApi(@TempDir Path dir) {
        kmsApiRefused(AwsCli.require(server.endpoint(), dir));
    }

    @Test
    void anIamUserAllowedKmsStarAndIamStarCannotEither(@TempDir Path dir) {
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kms:*\","
                + "\"iam:*\",\"s3:*\"],\"Resource\":\"*\"}]}";
        try (IamClient iam = IamClients.v2(server.endpoint(), server.endpoint().root())) {
            iam.createUser(b -> b.userName("kms-admin"));
            iam.putUserPolicy(b -> b.userName("kms-admin").policyName("p").policyDocument(policy));
            var k = iam.createAccessKey(b -> b.userName("kms-admin"));
            AccessKey stolen = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
            kmsApiRefused(AwsCli.require(server.endpoint(), dir).as(stolen));
        }
    }

    @Test
    void rawKmsAndIamRequestsAreNotServed() throws Exception {
        try (RawS3 raw = new RawS3(server.endpoint())) {
            // the KMS JSON protocol, signed for service kms: the S3 endpoint does not accept that scope
            RawS3.Response kmsCall = raw.request("POST", "/")
                    .header("X-Amz-Target", "TrentService.ScheduleKeyDeletion")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .service("kms")
                    .body("{\"KeyId\":\"" + key.arn() + "\",\"PendingWindowInDays\":7}").send();
            assertTrue(kmsCall.status() >= 400, "status " + kmsCall.status());
            // IAM has no action that reaches KMS keys: the Query API refuses an unknown Action
            RawS3.Response iamCall = raw.request("POST", "/")
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .service("iam")
                    .body("Action=ScheduleKeyDeletion&Version=2010-05-08&KeyId=" + key.keyId()
                            + "&PendingWindowInDays=7").send();
            assertEquals(400, iamCall.status(), iamCall.bodyText());
            assertTrue(iamCall.bodyText().contains("InvalidAction"), iamCall.bodyText());
        }
        keyIsIntactAndDataReadable();
    }

    @Test
    void s3CannotRetireTheKeyOrBypassItsState() {
        // S3 only ever names a key; pointing the bucket default elsewhere or removing it changes new objects only
        s3.putBucketEncryption(b -> b.bucket(BUCKET).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
        s3.deleteBucketEncryption(b -> b.bucket(BUCKET));
        keyIsIntactAndDataReadable();
    }
}
