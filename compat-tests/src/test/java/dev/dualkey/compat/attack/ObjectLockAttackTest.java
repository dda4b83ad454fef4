package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.lock.LockFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;

/**
 * An attacker holding a stolen access key of an IAM user with {@code s3:*} (and the root user's own key, for the
 * rules no principal passes) tries every route that could destroy or replace a COMPLIANCE-locked version before its
 * date, or weaken its lock. Each must fail, and afterwards the version is there, unchanged, still locked.
 */
class ObjectLockAttackTest {
    private static LockFixture fx;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
    }


    @Test
    void aStolenAdminKeyCannotDestroyOrWeakenALockedVersion() {
        String b = fx.lockBucket();
        Instant until = fx.storeClock.instant().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        String v = fx.root.putObject(r -> r.bucket(b).key("backup").objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(until), RequestBody.fromString("precious")).versionId();
        String etag = fx.root.headObject(r -> r.bucket(b).key("backup").versionId(v)).eTag();
        AccessKey stolen = fx.user(LockFixture.S3_ALL);
        try (S3Client s3 = Clients.v2(fx.gw, stolen)) {
            // 1. delete the version, with and without the bypass, alone and in a batch
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("backup").versionId(v)));
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("backup").versionId(v)
                    .bypassGovernanceRetention(true)));
            var batch = s3.deleteObjects(r -> r.bucket(b).bypassGovernanceRetention(true).delete(d -> d.objects(
                    ObjectIdentifier.builder().key("backup").versionId(v).build())));
            assertEquals("AccessDenied", batch.errors().get(0).code());
            // 2. weaken the retention: shorten, downgrade, remove
            assertS3Error(403, "AccessDenied", () -> s3.putObjectRetention(r -> r.bucket(b).key("backup").versionId(v)
                    .bypassGovernanceRetention(true).retention(t -> t.mode(ObjectLockRetentionMode.COMPLIANCE)
                            .retainUntilDate(until.minusSeconds(86400)))));
            assertS3Error(403, "AccessDenied", () -> s3.putObjectRetention(r -> r.bucket(b).key("backup").versionId(v)
                    .bypassGovernanceRetention(true).retention(t -> t.mode(ObjectLockRetentionMode.GOVERNANCE)
                            .retainUntilDate(until))));
            assertS3Error(403, "AccessDenied", () -> s3.putObjectRetention(r -> r.bucket(b).key("backup").versionId(v)
                    .bypassGovernanceRetention(true).retention(t -> { })));
            // 3. make the bucket's writes replace versions: versioning cannot be suspended
            assertS3Error(409, "InvalidBucketState", () -> s3.putBucketVersioning(r -> r.bucket(b)
                    .versioningConfiguration(c -> c.status("Suspended"))));
            // 4. a weaker bucket default changes no existing version
            s3.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                    .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
            // 5. metadata routes: tags and legal hold are free, but do not touch the retention
            s3.putObjectTagging(r -> r.bucket(b).key("backup").versionId(v).tagging(t -> t.tagSet(
                    tag -> tag.key("x").value("y"))));
            s3.putObjectLegalHold(r -> r.bucket(b).key("backup").versionId(v).legalHold(h -> h.status("OFF")));
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("backup").versionId(v)));
            // 6. overwrite the key by put, copy and multipart: each is a new version, never a replacement
            s3.putObject(r -> r.bucket(b).key("backup").checksumAlgorithm("CRC32"), RequestBody.fromString("evil"));
            s3.copyObject(r -> r.sourceBucket(b).sourceKey("backup").destinationBucket(b).destinationKey("backup")
                    .metadataDirective("REPLACE"));
            String id = s3.createMultipartUpload(r -> r.bucket(b).key("backup")).uploadId();
            String part = s3.uploadPart(r -> r.bucket(b).key("backup").uploadId(id).partNumber(1),
                    RequestBody.fromString("evil")).eTag();
            s3.completeMultipartUpload(r -> r.bucket(b).key("backup").uploadId(id).multipartUpload(m -> m.parts(
                    p -> p.partNumber(1).eTag(part))));
            // 7. hide it behind a marker, then delete the marker: the version is still there
            String marker = s3.deleteObject(r -> r.bucket(b).key("backup")).versionId();
            s3.deleteObject(r -> r.bucket(b).key("backup").versionId(marker));
            // 8. the bucket cannot go while it holds the version
            assertS3Error(409, "BucketNotEmpty", () -> s3.deleteBucket(r -> r.bucket(b)));
        }
        // 9. root's own key, with a raw request and odd spellings of the bypass header: the same refusal
        RawS3 raw = new RawS3(fx.gw);
        for (String bypass : new String[] {"true", "TRUE", " true "}) {
            RawS3.Response r = raw.request("DELETE", "/" + b + "/backup").query("versionId", v)
                    .header("x-amz-bypass-governance-retention", bypass).send();
            assertEquals(403, r.status(), r::bodyText);
            assertEquals("AccessDenied", r.errorCode());
        }
        HeadObjectResponse h = fx.root.headObject(r -> r.bucket(b).key("backup").versionId(v));
        assertEquals(etag, h.eTag());
        assertEquals(ObjectLockMode.COMPLIANCE, h.objectLockMode());
        assertEquals(until, h.objectLockRetainUntilDate());
        assertTrue(fx.root.getObjectAsBytes(r -> r.bucket(b).key("backup").versionId(v)).asUtf8String()
                .equals("precious"));
    }
}
