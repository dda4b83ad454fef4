package dev.dualkey.compat.lock;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectLockConfigurationResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object Lock through AWS SDK for Java v2, against AWS's documented behaviour ("How S3 Object Lock works",
 * "Configuring S3 Object Lock", the S3 API reference) and the spec's tables (§1.2-§1.5), error codes and messages as
 * AWS answers them. Time past a retain-until date is reached by moving the store's clock.
 */
class ObjectLockSdkV2Test {
    static final String LOCKED = "Access Denied because object protected by object lock.";

    private static LockFixture fx;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
        s3 = fx.root;
    }


    private static Instant inDays(int days) {
        return fx.storeClock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String putLocked(String bucket, String key, ObjectLockMode mode, Instant until) {
        return s3.putObject(r -> r.bucket(bucket).key(key).objectLockMode(mode).objectLockRetainUntilDate(until),
                RequestBody.fromString("locked " + key)).versionId();
    }

    // ---- buckets and configuration ----------------------------------------------------------------------

    @Test
    void aLockBucketIsVersionedAndStaysSo() {
        String b = fx.lockBucket();
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(r -> r.bucket(b)).status());
        GetObjectLockConfigurationResponse c = s3.getObjectLockConfiguration(r -> r.bucket(b));
        assertEquals("Enabled", c.objectLockConfiguration().objectLockEnabledAsString());
        assertNull(c.objectLockConfiguration().rule());
        S3Exception e = assertS3Error(409, "InvalidBucketState", () -> s3.putBucketVersioning(r -> r.bucket(b)
                .versioningConfiguration(v -> v.status("Suspended"))));
        assertEquals("An Object Lock configuration is present on this bucket, so the versioning state cannot be"
                + " changed.", e.awsErrorDetails().errorMessage());
        s3.putBucketVersioning(r -> r.bucket(b).versioningConfiguration(v -> v.status("Enabled")));
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(r -> r.bucket(b)).status());
    }

    @Test
    void configurationOnPlainBucketsAndEnablingLater() {
        String plain = fx.plainBucket();
        S3Exception e = assertS3Error(404, "ObjectLockConfigurationNotFoundError",
                () -> s3.getObjectLockConfiguration(r -> r.bucket(plain)));
        assertEquals("Object Lock configuration does not exist for this bucket", e.awsErrorDetails().errorMessage());
        e = assertS3Error(409, "InvalidBucketState", () -> s3.putObjectLockConfiguration(r -> r.bucket(plain)
                .objectLockConfiguration(c -> c.objectLockEnabled("Enabled"))));
        assertEquals("Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
                e.awsErrorDetails().errorMessage());
        // AWS (since 2023-11): an existing versioning-Enabled bucket can get Object Lock.
        s3.putBucketVersioning(r -> r.bucket(plain).versioningConfiguration(v -> v.status("Enabled")));
        s3.putObjectLockConfiguration(r -> r.bucket(plain).objectLockConfiguration(c -> c.objectLockEnabled(
                "Enabled").rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE)
                .days(1)))));
        var got = s3.getObjectLockConfiguration(r -> r.bucket(plain)).objectLockConfiguration();
        assertEquals(ObjectLockRetentionMode.GOVERNANCE, got.rule().defaultRetention().mode());
        assertEquals(1, got.rule().defaultRetention().days());
        assertNull(got.rule().defaultRetention().years(), "Get echoes what was set: Days, not Years");
        assertS3Error(409, "InvalidBucketState", () -> s3.putBucketVersioning(r -> r.bucket(plain)
                .versioningConfiguration(v -> v.status("Suspended"))));
    }

    @Test
    void invalidConfigurationsAreRefused() {
        String b = fx.lockBucket();
        assertS3Error(400, "MalformedXML", () -> s3.putObjectLockConfiguration(r -> r.bucket(b)
                .objectLockConfiguration(c -> c.objectLockEnabled("Enabled").rule(rule -> rule.defaultRetention(
                        d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(1).years(1))))));
        assertS3Error(400, "MalformedXML", () -> s3.putObjectLockConfiguration(r -> r.bucket(b)
                .objectLockConfiguration(c -> c.objectLockEnabled("Enabled").rule(rule -> rule.defaultRetention(
                        d -> d.mode("governance").days(1))))));
        S3Exception e = assertS3Error(400, "InvalidArgument", () -> s3.putObjectLockConfiguration(r -> r.bucket(b)
                .objectLockConfiguration(c -> c.objectLockEnabled("Enabled").rule(rule -> rule.defaultRetention(
                        d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(0))))));
        assertEquals("Default retention period must be a positive integer value.",
                e.awsErrorDetails().errorMessage());
        assertNull(s3.getObjectLockConfiguration(r -> r.bucket(b)).objectLockConfiguration().rule());
    }

    // ---- COMPLIANCE -------------------------------------------------------------------------------------

    @Test
    void complianceVersionCannotBeDeletedByRootOrAnAdminUserBeforeItsDateAndCanAfter() {
        String b = fx.lockBucket();
        String v = putLocked(b, "c", ObjectLockMode.COMPLIANCE, inDays(2));
        AccessKey admin = fx.user(LockFixture.S3_ALL);
        try (S3Client adminS3 = Clients.v2(fx.gw, admin)) {
            for (S3Client who : List.of(s3, adminS3)) {
                S3Exception e = assertS3Error(403, "AccessDenied",
                        () -> who.deleteObject(r -> r.bucket(b).key("c").versionId(v)));
                assertEquals(LOCKED, e.awsErrorDetails().errorMessage());
                assertS3Error(403, "AccessDenied", () -> who.deleteObject(r -> r.bucket(b).key("c").versionId(v)
                        .bypassGovernanceRetention(true)));
                // neither shortened nor downgraded nor removed, bypass or not
                assertS3Error(403, "AccessDenied", () -> who.putObjectRetention(r -> r.bucket(b).key("c")
                        .versionId(v).bypassGovernanceRetention(true).retention(ret -> ret
                                .mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(inDays(1)))));
                assertS3Error(403, "AccessDenied", () -> who.putObjectRetention(r -> r.bucket(b).key("c")
                        .versionId(v).bypassGovernanceRetention(true).retention(ret -> ret
                                .mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(inDays(2)))));
                DeleteObjectsResponse batch = who.deleteObjects(r -> r.bucket(b).bypassGovernanceRetention(true)
                        .delete(d -> d.objects(ObjectIdentifier.builder().key("c").versionId(v).build())));
                assertTrue(batch.deleted().isEmpty());
                assertEquals("AccessDenied", batch.errors().get(0).code());
                assertEquals(LOCKED, batch.errors().get(0).message());
                assertEquals(v, batch.errors().get(0).versionId());
            }
            // extending is allowed, to anyone with s3:PutObjectRetention
            Instant three = inDays(3);
            adminS3.putObjectRetention(r -> r.bucket(b).key("c").versionId(v).retention(ret -> ret
                    .mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(three)));
            assertEquals(three, s3.getObjectRetention(r -> r.bucket(b).key("c").versionId(v)).retention()
                    .retainUntilDate());
            // a plain delete adds a marker (delete markers are not WORM-protected)
            assertTrue(adminS3.deleteObject(r -> r.bucket(b).key("c")).deleteMarker());
            fx.storeClock.advance(Duration.ofDays(3).plusMinutes(1));
            adminS3.deleteObject(r -> r.bucket(b).key("c").versionId(v));
        }
        assertTrue(s3.listObjectVersions(r -> r.bucket(b).prefix("c")).versions().isEmpty());
    }

    // ---- GOVERNANCE -------------------------------------------------------------------------------------

    @Test
    void governanceBypassNeedsTheHeaderAndThePermission() {
        String b = fx.lockBucket();
        String v = putLocked(b, "g", ObjectLockMode.GOVERNANCE, inDays(5));
        AccessKey denied = fx.user(LockFixture.S3_ALL_NO_BYPASS);
        AccessKey admin = fx.user(LockFixture.S3_ALL);
        try (S3Client deniedS3 = Clients.v2(fx.gw, denied); S3Client adminS3 = Clients.v2(fx.gw, admin)) {
            S3Exception e = assertS3Error(403, "AccessDenied",
                    () -> adminS3.deleteObject(r -> r.bucket(b).key("g").versionId(v)));
            assertEquals(LOCKED, e.awsErrorDetails().errorMessage());
            assertS3Error(403, "AccessDenied", () -> deniedS3.deleteObject(r -> r.bucket(b).key("g").versionId(v)
                    .bypassGovernanceRetention(true)));
            assertS3Error(403, "AccessDenied", () -> deniedS3.putObjectRetention(r -> r.bucket(b).key("g")
                    .versionId(v).bypassGovernanceRetention(true).retention(ret -> ret
                            .mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(inDays(1)))));
            // shortening without the header is refused even with the permission; mode change too
            assertS3Error(403, "AccessDenied", () -> adminS3.putObjectRetention(r -> r.bucket(b).key("g")
                    .versionId(v).retention(ret -> ret.mode(ObjectLockRetentionMode.GOVERNANCE)
                            .retainUntilDate(inDays(1)))));
            assertS3Error(403, "AccessDenied", () -> adminS3.putObjectRetention(r -> r.bucket(b).key("g")
                    .versionId(v).retention(ret -> ret.mode(ObjectLockRetentionMode.COMPLIANCE)
                            .retainUntilDate(inDays(5)))));
            // a user denied the bypass still deletes versions that are not locked
            String free = fx.put(b, "free", "x");
            deniedS3.deleteObject(r -> r.bucket(b).key("free").versionId(free).bypassGovernanceRetention(true));
            Instant one = inDays(1);
            adminS3.putObjectRetention(r -> r.bucket(b).key("g").versionId(v).bypassGovernanceRetention(true)
                    .retention(ret -> ret.mode(ObjectLockRetentionMode.GOVERNANCE).retainUntilDate(one)));
            assertEquals(one, s3.getObjectRetention(r -> r.bucket(b).key("g").versionId(v)).retention()
                    .retainUntilDate());
            adminS3.deleteObject(r -> r.bucket(b).key("g").versionId(v).bypassGovernanceRetention(true));
        }
        assertTrue(s3.listObjectVersions(r -> r.bucket(b).prefix("g")).versions().isEmpty());
    }

    @Test
    void emptyRetentionRemovesGovernanceWithBypassOnly() {
        String b = fx.lockBucket();
        String v = putLocked(b, "e", ObjectLockMode.GOVERNANCE, inDays(5));
        assertS3Error(403, "AccessDenied", () -> s3.putObjectRetention(r -> r.bucket(b).key("e").versionId(v)
                .retention(ret -> { })));
        s3.putObjectRetention(r -> r.bucket(b).key("e").versionId(v).bypassGovernanceRetention(true)
                .retention(ret -> { }));
        S3Exception e = assertS3Error(404, "NoSuchObjectLockConfiguration",
                () -> s3.getObjectRetention(r -> r.bucket(b).key("e").versionId(v)));
        assertEquals("The specified object does not have a ObjectLock configuration",
                e.awsErrorDetails().errorMessage());
        s3.deleteObject(r -> r.bucket(b).key("e").versionId(v));
    }

    // ---- legal hold -------------------------------------------------------------------------------------

    @Test
    void legalHoldBlocksDeletionUntilRemovedWhateverTheBypass() {
        String b = fx.lockBucket();
        String v = s3.putObject(r -> r.bucket(b).key("h").objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON),
                RequestBody.fromString("held")).versionId();
        assertEquals(ObjectLockLegalHoldStatus.ON, s3.getObjectLegalHold(r -> r.bucket(b).key("h").versionId(v))
                .legalHold().status());
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("h")
                .versionId(v).bypassGovernanceRetention(true)));
        assertEquals(LOCKED, e.awsErrorDetails().errorMessage());
        s3.putObjectLegalHold(r -> r.bucket(b).key("h").versionId(v).legalHold(h -> h.status("OFF")));
        assertEquals(ObjectLockLegalHoldStatus.OFF, s3.getObjectLegalHold(r -> r.bucket(b).key("h").versionId(v))
                .legalHold().status());
        s3.deleteObject(r -> r.bucket(b).key("h").versionId(v));
        String never = fx.put(b, "n", "x");
        assertS3Error(404, "NoSuchObjectLockConfiguration",
                () -> s3.getObjectLegalHold(r -> r.bucket(b).key("n").versionId(never)));
        assertS3Error(400, "MalformedXML", () -> s3.putObjectLegalHold(r -> r.bucket(b).key("n")
                .legalHold(h -> h.status("on"))));
    }

    // ---- writes, reads, errors ------------------------------------------------------------------------

    @Test
    void defaultRetentionAppliesAtWriteAndHeadShowsTheLock() {
        String b = fx.lockBucket();
        s3.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(1)))));
        Instant before = fx.storeClock.instant();
        String v = fx.put(b, "d", "default");
        HeadObjectResponse h = s3.headObject(r -> r.bucket(b).key("d").versionId(v));
        assertEquals(ObjectLockMode.COMPLIANCE, h.objectLockMode());
        Instant until = h.objectLockRetainUntilDate();
        assertTrue(!until.isBefore(before.plus(Duration.ofDays(1)).minusSeconds(5))
                && !until.isAfter(fx.storeClock.instant().plus(Duration.ofDays(1)).plusSeconds(5)), until::toString);
        assertNull(h.objectLockLegalHoldStatus());
        assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("d").versionId(v)));
        // explicit headers override the default
        String g = putLocked(b, "x", ObjectLockMode.GOVERNANCE, inDays(3));
        assertEquals(ObjectLockMode.GOVERNANCE, s3.headObject(r -> r.bucket(b).key("x").versionId(g))
                .objectLockMode());
        // a copy never inherits the source's lock: only the destination's default
        s3.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")));
        String copied = s3.copyObject(r -> r.sourceBucket(b).sourceKey("d").sourceVersionId(v)
                .destinationBucket(b).destinationKey("copy")).versionId();
        HeadObjectResponse ch = s3.headObject(r -> r.bucket(b).key("copy").versionId(copied));
        assertNull(ch.objectLockMode());
        s3.deleteObject(r -> r.bucket(b).key("copy").versionId(copied));
        fx.storeClock.advance(Duration.ofDays(3).plusMinutes(1));
        s3.deleteObject(r -> r.bucket(b).key("d").versionId(v));
        s3.deleteObject(r -> r.bucket(b).key("x").versionId(g));
    }

    @Test
    void multipartUploadCarriesTheLockToTheObject() {
        String b = fx.lockBucket();
        Instant until = inDays(2);
        String id = s3.createMultipartUpload(r -> r.bucket(b).key("mp").objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(until).objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON)).uploadId();
        String etag = s3.uploadPart(r -> r.bucket(b).key("mp").uploadId(id).partNumber(1),
                RequestBody.fromString("part")).eTag();
        String v = s3.completeMultipartUpload(r -> r.bucket(b).key("mp").uploadId(id).multipartUpload(
                m -> m.parts(p -> p.partNumber(1).eTag(etag)))).versionId();
        HeadObjectResponse h = s3.headObject(r -> r.bucket(b).key("mp").versionId(v));
        assertEquals(ObjectLockMode.COMPLIANCE, h.objectLockMode());
        assertEquals(until, h.objectLockRetainUntilDate());
        assertEquals(ObjectLockLegalHoldStatus.ON, h.objectLockLegalHoldStatus());
        assertS3Error(403, "AccessDenied", () -> s3.deleteObject(r -> r.bucket(b).key("mp").versionId(v)));
    }

    @Test
    void lockRequestsOnABucketWithoutObjectLock() {
        String b = fx.plainBucket();
        fx.put(b, "k", "x");
        S3Exception e = assertS3Error(400, "InvalidRequest", () -> s3.putObject(r -> r.bucket(b).key("k2")
                .objectLockMode(ObjectLockMode.GOVERNANCE).objectLockRetainUntilDate(inDays(1)),
                RequestBody.fromString("x")));
        assertEquals("Bucket is missing Object Lock Configuration", e.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidRequest", () -> s3.getObjectRetention(r -> r.bucket(b).key("k")));
        assertS3Error(400, "InvalidRequest", () -> s3.putObjectLegalHold(r -> r.bucket(b).key("k")
                .legalHold(h -> h.status("ON"))));
        e = assertS3Error(400, "InvalidArgument", () -> s3.deleteObject(r -> r.bucket(b).key("k")
                .bypassGovernanceRetention(true)));
        assertEquals("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.",
                e.awsErrorDetails().errorMessage());
    }

    @Test
    void retentionDatesMustBeInTheFutureAndModesValid() {
        String b = fx.lockBucket();
        String v = fx.put(b, "k", "x");
        S3Exception e = assertS3Error(400, "InvalidArgument", () -> s3.putObjectRetention(r -> r.bucket(b).key("k")
                .versionId(v).retention(ret -> ret.mode(ObjectLockRetentionMode.GOVERNANCE)
                        .retainUntilDate(Instant.parse("2019-12-31T00:00:00Z")))));
        assertEquals("The retain until date must be in the future!", e.awsErrorDetails().errorMessage());
        assertS3Error(400, "MalformedXML", () -> s3.putObjectRetention(r -> r.bucket(b).key("k").versionId(v)
                .retention(ret -> ret.mode("governance").retainUntilDate(inDays(1)))));
        e = assertS3Error(400, "InvalidArgument", () -> s3.putObject(r -> r.bucket(b).key("k")
                .objectLockMode("WORM").objectLockRetainUntilDate(inDays(1)), RequestBody.fromString("x")));
        assertEquals("Unknown wormMode directive.", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "InvalidArgument", () -> s3.putObject(r -> r.bucket(b).key("k")
                .objectLockMode(ObjectLockMode.GOVERNANCE), RequestBody.fromString("x")));
        assertEquals("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
                e.awsErrorDetails().errorMessage());
        assertFalse(s3.headObject(r -> r.bucket(b).key("k")).objectLockMode() != null);
    }
}
