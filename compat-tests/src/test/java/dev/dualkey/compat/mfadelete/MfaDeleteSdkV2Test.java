package dev.dualkey.compat.mfadelete;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.RawS3;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.VersioningConfiguration;

/**
 * The spec's MFA Delete table (§1.2) row by row through AWS SDK for Java v2 ({@code .mfa("SERIAL CODE")}), plus
 * the decisions D1, D2, D5 and D8, replay, a code from another account's device, and one code raced by several
 * requests. Raw requests ({@link RawS3}) only where the SDK hides what is checked (the error's ArgumentName).
 */
class MfaDeleteSdkV2Test {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client s3;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        startOn(MfaDeleteServer.loopback());
    }

    /** Runs the suite against {@code s} ({@link ClusterMfaDeleteSdkV2Test}: cluster mode). */
    static void startOn(MfaDeleteServer s) {
        server = s;
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        s3 = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
    }

    @AfterAll
    static void stop() {
        s3.close();
        rootIam.close();
        server.close();
    }

    // ---- PutBucketVersioning / GetBucketVersioning ------------------------------------------------------

    @Test
    void enablingMfaDeleteNeedsTheHeaderAndGetShowsItOnlyOnceConfigured() {
        String bucket = newBucket();
        assertVersioning(bucket, null, null);
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, null);

        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(enabledWithMfaDelete())));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, null);

        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(enabledWithMfaDelete()));
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.ENABLED);

        // Turning it off needs the code too; afterwards GET keeps reporting it, as Disabled.
        e = assertS3Error(403, "AccessDenied", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.DISABLED))));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.DISABLED)));
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.DISABLED);

        // Off again: versions go without a code, and versioning changes too.
        String v1 = put(bucket, "k", "one");
        s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1));
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Suspended")));
        assertVersioning(bucket, BucketVersioningStatus.SUSPENDED, MFADeleteStatus.DISABLED);
    }

    @Test
    void mfaDeleteCanBeTurnedOnTogetherWithVersioningOnANewBucket() {
        String bucket = newBucket();
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(enabledWithMfaDelete()));
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.ENABLED);
    }

    @Test
    void mfaDeleteWithoutStatusIsRefusedAndDoesNotSpendTheCode() {
        String bucket = newBucket();
        String header = rootDevice.header();
        S3Exception e = assertS3Error(400, "IllegalVersioningConfigurationException", () -> s3.putBucketVersioning(
                b -> b.bucket(bucket).mfa(header).versioningConfiguration(v -> v.mfaDelete(MFADelete.ENABLED))));
        assertEquals("The Versioning element must be specified", e.awsErrorDetails().errorMessage());
        assertVersioning(bucket, null, null);
        // The configuration was refused before the gate: the code is still good.
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(header).versioningConfiguration(enabledWithMfaDelete()));
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.ENABLED);
    }

    @Test
    void everyVersioningRequestNeedsTheCodeWhileMfaDeleteIsOn() {
        String bucket = mfaBucket();
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Suspended"))));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        // D1: even a request that changes nothing.
        e = assertS3Error(403, "AccessDenied", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Enabled"))));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.ENABLED);

        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled")));
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        // Changing Status leaves MfaDelete as it was.
        assertVersioning(bucket, BucketVersioningStatus.SUSPENDED, MFADeleteStatus.ENABLED);
    }

    // ---- DeleteObject -----------------------------------------------------------------------------------

    @Test
    void deletingAVersionWithoutTheHeaderIsDenied() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        S3Exception e = assertS3Error(403, "AccessDenied",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1)));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals(List.of(v1), versionIds(bucket));

        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1)
                .mfa(rootDevice.header()));
        assertEquals(v1, r.versionId());
        assertTrue(versionIds(bucket).isEmpty());
    }

    @Test
    void wrongMalformedAndUnknownSerialHeadersAreAllInvalidArgument() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        // Each header is made just before it is sent, so "wrong" is wrong at the moment of the check.
        List<Supplier<String>> refused = List.of(
                () -> rootDevice.header(rootDevice.wrongCode()),        // wrong code
                rootDevice::freshCode,                                  // code only, no serial
                rootDevice::serial,                                     // serial only
                () -> rootDevice.serial() + " 12345",                   // five digits
                () -> rootDevice.serial() + " 12a456",                  // not digits
                () -> rootDevice.serial() + rootDevice.freshCode(),     // no separator
                () -> "arn:aws:iam::" + server.accountId() + ":mfa/nobody " + rootDevice.freshCode()); // unknown
        for (Supplier<String> make : refused) {
            String header = make.get();
            S3Exception e = assertS3Error(400, "InvalidArgument",
                    () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(header)));
            assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage(), header);
        }
        assertEquals(List.of(v1), versionIds(bucket));
        // Fewer than five failures per step: the device is not locked out, a good code still works.
        s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(rootDevice.header()));
        assertTrue(versionIds(bucket).isEmpty());
    }

    @Test
    void malformedHeaderNamesTheArgumentAsS3Does() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        String codeOnly = rootDevice.freshCode();
        try (RawS3 raw = new RawS3(gw)) {
            RawS3.Response r = raw.request("DELETE", "/" + bucket + "/doc").query("versionId", v1)
                    .header("x-amz-mfa", codeOnly).send();
            assertEquals(400, r.status());
            assertEquals("InvalidArgument", r.errorCode());
            assertEquals(Messages.HEADER_INVALID, r.xmlText("Message").orElseThrow());
            assertEquals("x-amz-mfa", r.xmlText("ArgumentName").orElseThrow());
            assertEquals(codeOnly, r.xmlText("ArgumentValue").orElseThrow());

            // A wrong code: same answer, and nothing says whether the serial or the code was wrong.
            RawS3.Response wrong = raw.request("DELETE", "/" + bucket + "/doc").query("versionId", v1)
                    .header("x-amz-mfa", rootDevice.header(rootDevice.wrongCode())).send();
            assertEquals(400, wrong.status());
            assertEquals("InvalidArgument", wrong.errorCode());
            assertEquals(Messages.HEADER_INVALID, wrong.xmlText("Message").orElseThrow());
            assertEquals("x-amz-mfa", wrong.xmlText("ArgumentName").orElseThrow());
        }
        assertEquals(List.of(v1), versionIds(bucket));
    }

    @Test
    void aCodeIsAcceptedOnceAndAPercentEncodedSpaceSeparatesToo() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        String v2 = put(bucket, "doc", "v2");
        String header = rootDevice.header();
        s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(header));
        S3Exception e = assertS3Error(400, "InvalidArgument",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v2).mfa(header)));
        assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());
        assertEquals(List.of(v2), versionIds(bucket));

        // D7: "%20" as separator (S3's docs ask for URL-encoded signed header values).
        s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v2)
                .mfa(rootDevice.serial() + "%20" + rootDevice.freshCode()));
        assertTrue(versionIds(bucket).isEmpty());
    }

    @Test
    void plainDeleteAddsAMarkerWithoutACodeButRemovingTheMarkerNeedsOne() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        DeleteObjectResponse marker = s3.deleteObject(b -> b.bucket(bucket).key("doc"));
        assertTrue(marker.deleteMarker());
        String markerId = marker.versionId();
        assertTrue(markerId != null && !markerId.equals(v1), markerId);

        S3Exception e = assertS3Error(403, "AccessDenied",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(markerId)));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals(1, s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers().size());

        DeleteObjectResponse undelete = s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(markerId)
                .mfa(rootDevice.header()));
        assertTrue(undelete.deleteMarker());
        assertEquals(markerId, undelete.versionId());
        assertEquals("v1", s3.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
    }

    @Test
    void theNullVersionNeedsTheCode() {
        String bucket = newBucket();
        s3.putObject(b -> b.bucket(bucket).key("old"), RequestBody.fromString("before versioning"));
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(enabledWithMfaDelete()));
        S3Exception e = assertS3Error(403, "AccessDenied",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("old").versionId("null")));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals(List.of("null"), versionIds(bucket));
        s3.deleteObject(b -> b.bucket(bucket).key("old").versionId("null").mfa(rootDevice.header()));
        assertTrue(versionIds(bucket).isEmpty());
    }

    @Test
    void onASuspendedBucketAPlainDeleteNeedsTheCodeBecauseItDestroysTheNullVersion() {
        String bucket = mfaBucket();
        String kept = put(bucket, "doc", "kept while versioned");
        s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        s3.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("null version"));

        // D2: the plain DELETE would replace (destroy) the null version with a marker.
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket).key("doc")));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals("null version", s3.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());

        DeleteObjectResponse r = s3.deleteObject(b -> b.bucket(bucket).key("doc").mfa(rootDevice.header()));
        assertTrue(r.deleteMarker());
        assertEquals("null", r.versionId());
        ListObjectVersionsResponse listed = s3.listObjectVersions(b -> b.bucket(bucket));
        assertEquals(List.of(kept), listed.versions().stream().map(v -> v.versionId()).toList());
        assertEquals(List.of("null"), listed.deleteMarkers().stream().map(m -> m.versionId()).toList());

        // The same holds for DeleteObjects entries without a version id on a Suspended bucket.
        s3.putObject(b -> b.bucket(bucket).key("other"), RequestBody.fromString("null version"));
        e = assertS3Error(403, "AccessDenied", () -> s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(id("other", null)))));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        assertEquals("null version", s3.getObjectAsBytes(b -> b.bucket(bucket).key("other")).asUtf8String());
    }

    @Test
    void theHeaderIsIgnoredAndNotSpentWhereNoCodeIsNeeded() {
        String plain = newBucket();
        s3.putBucketVersioning(b -> b.bucket(plain).versioningConfiguration(v -> v.status("Enabled")));
        String p1 = put(plain, "doc", "p1");
        String protectedBucket = mfaBucket();
        String m1 = put(protectedBucket, "doc", "m1");

        // D5: a bucket without MFA Delete neither checks nor consumes the header...
        String header = rootDevice.header();
        s3.deleteObject(b -> b.bucket(plain).key("doc").versionId(p1).mfa(header));
        s3.deleteObject(b -> b.bucket(plain).key("nothing").mfa("garbage"));
        s3.putBucketVersioning(b -> b.bucket(plain).mfa("garbage").versioningConfiguration(v -> v.status("Enabled")));
        // ...and neither does a plain DELETE that only adds a marker on an MFA Delete bucket.
        assertTrue(s3.deleteObject(b -> b.bucket(protectedBucket).key("other").mfa(header)).deleteMarker());
        assertTrue(s3.deleteObject(b -> b.bucket(protectedBucket).key("other").mfa("garbage")).deleteMarker());

        // So the same code is still good where it is needed.
        s3.deleteObject(b -> b.bucket(protectedBucket).key("doc").versionId(m1).mfa(header));
        assertEquals(List.of(), s3.listObjectVersions(b -> b.bucket(protectedBucket)).versions());
    }

    // ---- who may use a code -----------------------------------------------------------------------------

    @Test
    void aCodeFromAnotherAccountsDeviceIsRefused() {
        MfaDevice othersDevice;
        try (IamClient otherIam = Iam.client(gw, gw.otherAccount())) {
            othersDevice = MfaDevice.virtual(otherIam, server.clock(), "other-root-mfa", "root");
        }
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        S3Exception e = assertS3Error(400, "InvalidArgument",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(othersDevice.header())));
        assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());
        // The other account's root with its own valid code cannot reach this bucket at all.
        try (S3Client other = Clients.v2(gw, gw.otherAccount())) {
            assertS3Error(403, "AccessDenied", () -> other.deleteObject(b -> b.bucket(bucket).key("doc")
                    .versionId(v1).mfa(othersDevice.header())));
        }
        assertEquals(List.of(v1), versionIds(bucket));
    }

    @Test
    void onlyADeviceEnabledForRootCounts() {
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        // Created but never enabled: the seed alone is not a second factor.
        var created = rootIam.createVirtualMFADevice(b -> b.virtualMFADeviceName("never-enabled"));
        Authenticator unassigned = Authenticator.ofBase32(created.virtualMFADevice().base32StringSeed()
                .asString(java.nio.charset.StandardCharsets.US_ASCII));
        String unassignedHeader = created.virtualMFADevice().serialNumber() + " "
                + unassigned.code(server.clock().advance(2));
        S3Exception e = assertS3Error(400, "InvalidArgument",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(unassignedHeader)));
        assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());

        // A second root device cannot be enabled with root's long-term keys (issue 12 B): that takes an MFA
        // session (STS GetSessionToken with a code of the enabled device), so its codes never count either.
        var spare = rootIam.createVirtualMFADevice(b -> b.virtualMFADeviceName("spare-root-mfa"));
        Authenticator spareApp = Authenticator.ofBase32(spare.virtualMFADevice().base32StringSeed()
                .asString(java.nio.charset.StandardCharsets.US_ASCII));
        long step = server.clock().advance(2);
        var denied = org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.iam.model.IamException.class, () -> rootIam.enableMFADevice(b -> b
                        .userName("root").serialNumber(spare.virtualMFADevice().serialNumber())
                        .authenticationCode1(spareApp.code(step)).authenticationCode2(spareApp.code(step + 1))));
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", denied.awsErrorDetails().errorCode());
        String spareHeader = spare.virtualMFADevice().serialNumber() + " " + spareApp.code(server.clock().advance(2));
        e = assertS3Error(400, "InvalidArgument",
                () -> s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(spareHeader)));
        assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());
        assertEquals(List.of(v1), versionIds(bucket));
    }

    @Test
    void anIamUserAllowedEverythingIsRefusedEvenWithAValidCode() {
        AccessKey userKey = Iam.userAllowedEverything(rootIam, "admin-user");
        MfaDevice usersDevice = MfaDevice.virtual(rootIam, server.clock(), "admin-user-mfa", "admin-user");
        String bucket = mfaBucket();
        String v1 = put(bucket, "doc", "v1");
        try (S3Client user = Clients.v2(gw, userKey)) {
            // The policy works: the user may add a delete marker (no code needed).
            DeleteObjectResponse marker = user.deleteObject(b -> b.bucket(bucket).key("doc"));
            assertTrue(marker.deleteMarker());

            S3Exception e = assertS3Error(403, "AccessDenied",
                    () -> user.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1)));
            assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());

            // Headers made before the calls; the root's last, so it is still inside the window when finally used.
            String usersHeader = usersDevice.header();
            String rootHeader = rootDevice.header();
            e = assertS3Error(403, "AccessDenied",
                    () -> user.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(rootHeader)));
            assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
            e = assertS3Error(403, "AccessDenied", () -> user.deleteObject(b -> b.bucket(bucket).key("doc")
                    .versionId(v1).mfa(usersHeader)));
            assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
            e = assertS3Error(403, "AccessDenied", () -> user.putBucketVersioning(b -> b.bucket(bucket)
                    .mfa(rootHeader).versioningConfiguration(v -> v.status("Suspended"))));
            assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
            e = assertS3Error(403, "AccessDenied", () -> user.deleteObjects(b -> b.bucket(bucket).mfa(rootHeader)
                    .delete(d -> d.objects(id("doc", v1)))));
            assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
            assertVersioning(bucket, BucketVersioningStatus.ENABLED, MFADeleteStatus.ENABLED);

            // The non-owner was refused before the code was checked: the owner can still use it.
            s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(v1).mfa(rootHeader));
            assertEquals(List.of(), s3.listObjectVersions(b -> b.bucket(bucket)).versions());
        }
    }

    @Test
    void oneCodeRacedByManyRequestsHasExactlyOneWinner() throws Exception {
        String bucket = mfaBucket();
        int threads = 4; // fewer than the five failures per step that lock a device out
        List<String> versions = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            versions.add(put(bucket, "doc", "v" + i));
        }
        String header = rootDevice.header();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (String versionId : versions) {
                Callable<String> attempt = () -> {
                    start.await();
                    try {
                        s3.deleteObject(b -> b.bucket(bucket).key("doc").versionId(versionId).mfa(header));
                        return "deleted";
                    } catch (S3Exception e) {
                        return e.statusCode() + " " + e.awsErrorDetails().errorCode();
                    }
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            assertEquals(1, outcomes.stream().filter("deleted"::equals).count(), outcomes.toString());
            assertEquals(threads - 1, outcomes.stream().filter("400 InvalidArgument"::equals).count(),
                    outcomes.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads - 1, versionIds(bucket).size());
    }

    // ---- DeleteObjects ----------------------------------------------------------------------------------

    @Test
    void deleteObjectsWithOneVersionedEntryAndNoHeaderFailsWholeAndDeletesNothing() {
        String bucket = mfaBucket();
        String a1 = put(bucket, "a", "a1");
        put(bucket, "b", "b1");
        S3Exception e = assertS3Error(403, "AccessDenied", () -> s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(id("b", null), id("a", a1), id("c", null)))));
        assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
        ListObjectVersionsResponse after = s3.listObjectVersions(b -> b.bucket(bucket));
        assertEquals(2, after.versions().size());
        assertTrue(after.deleteMarkers().isEmpty(), "not even the unversioned entries were deleted");

        // Only unversioned entries: delete markers, no code needed.
        DeleteObjectsResponse markers = s3.deleteObjects(b -> b.bucket(bucket)
                .delete(d -> d.objects(id("a", null), id("b", null))));
        assertEquals(2, markers.deleted().size());
        assertTrue(markers.errors().isEmpty());
        markers.deleted().forEach(d -> assertTrue(d.deleteMarker(), d.toString()));
        assertEquals(2, s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers().size());
    }

    @Test
    void deleteObjectsWithAnInvalidHeaderFailsWholeWhateverTheEntries() {
        String bucket = mfaBucket();
        put(bucket, "a", "a1");
        String header = rootDevice.header(rootDevice.wrongCode());
        S3Exception e = assertS3Error(400, "InvalidArgument", () -> s3.deleteObjects(b -> b.bucket(bucket)
                .mfa(header).delete(d -> d.objects(id("a", null)))));
        assertEquals(Messages.HEADER_INVALID, e.awsErrorDetails().errorMessage());
        assertTrue(s3.listObjectVersions(b -> b.bucket(bucket)).deleteMarkers().isEmpty());
    }

    @Test
    void oneCodeCoversEveryVersionOfADeleteObjects() {
        String bucket = mfaBucket();
        List<ObjectIdentifier> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String key = "k" + (i % 5);
            ids.add(id(key, put(bucket, key, "body " + i)));
        }
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k0")).versionId();
        ids.add(id("k0", marker));
        DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket).mfa(rootDevice.header())
                .delete(d -> d.objects(ids)));
        assertTrue(r.errors().isEmpty(), r.errors().toString());
        assertEquals(26, r.deleted().size());
        ListObjectVersionsResponse after = s3.listObjectVersions(b -> b.bucket(bucket));
        assertTrue(after.versions().isEmpty() && after.deleteMarkers().isEmpty());
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static VersioningConfiguration enabledWithMfaDelete() {
        return VersioningConfiguration.builder().status("Enabled").mfaDelete(MFADelete.ENABLED).build();
    }

    static String newBucket() {
        String name = "mfa-v2-" + BUCKETS.incrementAndGet();
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    /** A bucket with versioning and MFA Delete enabled. */
    static String mfaBucket() {
        String name = newBucket();
        s3.putBucketVersioning(b -> b.bucket(name).mfa(rootDevice.header())
                .versioningConfiguration(enabledWithMfaDelete()));
        return name;
    }

    static String put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body)).versionId();
    }

    static ObjectIdentifier id(String key, String versionId) {
        return ObjectIdentifier.builder().key(key).versionId(versionId).build();
    }

    /** Version ids of the object versions (not markers) in {@code bucket}, newest first per key. */
    static List<String> versionIds(String bucket) {
        return s3.listObjectVersions(b -> b.bucket(bucket)).versions().stream().map(v -> v.versionId()).toList();
    }

    static void assertVersioning(String bucket, BucketVersioningStatus status, MFADeleteStatus mfaDelete) {
        GetBucketVersioningResponse r = s3.getBucketVersioning(b -> b.bucket(bucket));
        assertEquals(status, r.status());
        if (mfaDelete == null) {
            assertNull(r.mfaDeleteAsString(), "MfaDelete must be absent until first configured");
        } else {
            assertEquals(mfaDelete, r.mfaDelete());
        }
    }
}
