package dev.dualkey.compat.lock;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.CreateBucketRequest;
import com.amazonaws.services.s3.model.DeleteVersionRequest;
import com.amazonaws.services.s3.model.GetObjectLegalHoldRequest;
import com.amazonaws.services.s3.model.GetObjectLockConfigurationRequest;
import com.amazonaws.services.s3.model.GetObjectRetentionRequest;
import com.amazonaws.services.s3.model.GetObjectTaggingRequest;
import com.amazonaws.services.s3.model.ObjectLockConfiguration;
import com.amazonaws.services.s3.model.ObjectLockLegalHold;
import com.amazonaws.services.s3.model.ObjectLockLegalHoldStatus;
import com.amazonaws.services.s3.model.ObjectLockRetention;
import com.amazonaws.services.s3.model.ObjectLockRetentionMode;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.ObjectTagging;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.SetObjectLegalHoldRequest;
import com.amazonaws.services.s3.model.SetObjectRetentionRequest;
import com.amazonaws.services.s3.model.SetObjectTaggingRequest;
import com.amazonaws.services.s3.model.Tag;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Object Lock and tagging through AWS SDK for Java v1 (which sends Content-MD5 where S3 requires a checksum): the
 * COMPLIANCE and legal-hold rules against root and an IAM user with {@code s3:*}, the GOVERNANCE bypass, tags.
 */
class ObjectLockSdkV1Test {
    private static LockFixture fx;
    private static AmazonS3 v1;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
        v1 = Clients.v1(fx.gw);
    }

    @AfterAll
    static void stop() {
        v1.shutdown();
    }

    private static Date inDays(int days) {
        return Date.from(fx.storeClock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS));
    }

    private static String lockBucket() {
        String b = LockFixture.name("v1lock");
        v1.createBucket(new CreateBucketRequest(b).withObjectLockEnabledForBucket(true));
        return b;
    }

    private static String put(String b, String key) {
        byte[] data = key.getBytes(StandardCharsets.UTF_8);
        ObjectMetadata m = new ObjectMetadata();
        m.setContentLength(data.length);
        return v1.putObject(new PutObjectRequest(b, key, new ByteArrayInputStream(data), m)).getVersionId();
    }

    @Test
    void complianceRetentionHoldsAgainstRootAndAnAdminUntilItsDate() {
        String b = lockBucket();
        assertEquals("Enabled", v1.getObjectLockConfiguration(new GetObjectLockConfigurationRequest()
                .withBucketName(b)).getObjectLockConfiguration().getObjectLockEnabled());
        String v = put(b, "c");
        v1.setObjectRetention(new SetObjectRetentionRequest().withBucketName(b).withKey("c").withVersionId(v)
                .withRetention(new ObjectLockRetention().withMode(ObjectLockRetentionMode.COMPLIANCE)
                        .withRetainUntilDate(inDays(1))));
        assertEquals("COMPLIANCE", v1.getObjectRetention(new GetObjectRetentionRequest().withBucketName(b)
                .withKey("c").withVersionId(v)).getRetention().getMode());
        AccessKey admin = fx.user(LockFixture.S3_ALL);
        AmazonS3 adminV1 = Clients.v1(fx.gw, admin);
        try {
            for (AmazonS3 who : List.of(v1, adminV1)) {
                AmazonS3Exception e = assertV1Error(403, "AccessDenied", () -> who.deleteVersion(
                        new DeleteVersionRequest(b, "c", v).withBypassGovernanceRetention(true)));
                assertEquals(ObjectLockSdkV2Test.LOCKED, e.getErrorMessage());
                assertV1Error(403, "AccessDenied", () -> who.setObjectRetention(new SetObjectRetentionRequest()
                        .withBucketName(b).withKey("c").withVersionId(v).withBypassGovernanceRetention(true)
                        .withRetention(new ObjectLockRetention().withMode(ObjectLockRetentionMode.GOVERNANCE)
                                .withRetainUntilDate(inDays(1)))));
            }
            fx.storeClock.advance(Duration.ofDays(1).plusMinutes(1));
            adminV1.deleteVersion(b, "c", v);
        } finally {
            adminV1.shutdown();
        }
        assertTrue(v1.listVersions(b, "c").getVersionSummaries().isEmpty());
    }

    @Test
    void legalHoldAndGovernanceBypass() {
        String b = lockBucket();
        String v = put(b, "h");
        v1.setObjectLegalHold(new SetObjectLegalHoldRequest().withBucketName(b).withKey("h").withVersionId(v)
                .withLegalHold(new ObjectLockLegalHold().withStatus(ObjectLockLegalHoldStatus.ON)));
        v1.setObjectRetention(new SetObjectRetentionRequest().withBucketName(b).withKey("h").withVersionId(v)
                .withRetention(new ObjectLockRetention().withMode(ObjectLockRetentionMode.GOVERNANCE)
                        .withRetainUntilDate(inDays(3))));
        assertV1Error(403, "AccessDenied", () -> v1.deleteVersion(new DeleteVersionRequest(b, "h", v)
                .withBypassGovernanceRetention(true)));
        v1.setObjectLegalHold(new SetObjectLegalHoldRequest().withBucketName(b).withKey("h").withVersionId(v)
                .withLegalHold(new ObjectLockLegalHold().withStatus(ObjectLockLegalHoldStatus.OFF)));
        assertEquals("OFF", v1.getObjectLegalHold(new GetObjectLegalHoldRequest().withBucketName(b).withKey("h")
                .withVersionId(v)).getLegalHold().getStatus());
        assertV1Error(403, "AccessDenied", () -> v1.deleteVersion(b, "h", v));
        v1.deleteVersion(new DeleteVersionRequest(b, "h", v).withBypassGovernanceRetention(true));
    }

    @Test
    void defaultRetentionAndTags() {
        String b = lockBucket();
        v1.setObjectLockConfiguration(new com.amazonaws.services.s3.model.SetObjectLockConfigurationRequest()
                .withBucketName(b).withObjectLockConfiguration(new ObjectLockConfiguration().withObjectLockEnabled(
                        "Enabled").withRule(new com.amazonaws.services.s3.model.ObjectLockRule().withDefaultRetention(
                        new com.amazonaws.services.s3.model.DefaultRetention().withMode(ObjectLockRetentionMode
                                .GOVERNANCE).withDays(1)))));
        // SDK v1 sends no Content-MD5 on PutObject: AWS (and Dualkey) refuse a write that gets a retention without
        // one, and v1 users set it themselves, as AWS's Object Lock guide tells them.
        AmazonS3Exception e = assertV1Error(400, "InvalidRequest", () -> put(b, "d"));
        assertEquals("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock"
                + " parameters", e.getErrorMessage());
        byte[] data = "d".getBytes(StandardCharsets.UTF_8);
        ObjectMetadata m = new ObjectMetadata();
        m.setContentLength(data.length);
        m.setContentMD5(com.amazonaws.util.Md5Utils.md5AsBase64(data));
        String v = v1.putObject(new PutObjectRequest(b, "d", new ByteArrayInputStream(data), m)).getVersionId();
        ObjectMetadata head = v1.getObjectMetadata(new com.amazonaws.services.s3.model.GetObjectMetadataRequest(
                b, "d", v));
        assertEquals("GOVERNANCE", head.getObjectLockMode());
        v1.setObjectTagging(new SetObjectTaggingRequest(b, "d", new ObjectTagging(List.of(new Tag("a", "1"))))
                .withVersionId(v));
        assertEquals("1", v1.getObjectTagging(new GetObjectTaggingRequest(b, "d", v)).getTagSet().get(0)
                .getValue());
        assertEquals("GOVERNANCE", v1.getObjectMetadata(new com.amazonaws.services.s3.model.GetObjectMetadataRequest(
                b, "d", v)).getObjectLockMode(), "a tag update keeps the lock");
        assertV1Error(400, "BadRequest", () -> v1.setObjectTagging(new SetObjectTaggingRequest(b, "d",
                new ObjectTagging(java.util.stream.IntStream.range(0, 11).mapToObj(i -> new Tag("k" + i, "v"))
                        .toList()))));
    }
}
