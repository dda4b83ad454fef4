package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertHeadError;
import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.S3Assertions.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.BucketVersioningConfiguration;
import com.amazonaws.services.s3.model.SetBucketVersioningConfigurationRequest;
import com.amazonaws.services.s3.model.VersionListing;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetBucketVersioningResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Bucket versioning: states, version ids, the {@code null} version, delete markers, permanent deletes. */
@ExtendWith(GatewayExtension.class)
class VersioningTest {

    private static S3Client s3;
    private static AmazonS3 v1;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        s3 = Clients.v2(gw);
        v1 = Clients.v1(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
        v1.shutdown();
    }

    private static String put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body)).versionId();
    }

    private static String get(String bucket, String key, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId)).asUtf8String();
    }

    private static void setStatus(String bucket, BucketVersioningStatus status) {
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(status)));
    }

    /** ceph: test_versioning_bucket_create_suspend (never-configured, Enabled, Suspended; no MfaDelete element). */
    @Test
    void enableAndSuspend(TestBuckets buckets) {
        String bucket = buckets.create();
        GetBucketVersioningResponse initial = s3.getBucketVersioning(b -> b.bucket(bucket));
        assertNull(initial.status(), "a never-configured bucket has no Status");
        assertNull(initial.mfaDelete(), "no MfaDelete until first configured");
        setStatus(bucket, BucketVersioningStatus.ENABLED);
        assertEquals(BucketVersioningStatus.ENABLED, s3.getBucketVersioning(b -> b.bucket(bucket)).status());
        setStatus(bucket, BucketVersioningStatus.SUSPENDED);
        assertEquals(BucketVersioningStatus.SUSPENDED, s3.getBucketVersioning(b -> b.bucket(bucket)).status());
        assertEquals("Suspended", v1.getBucketVersioningConfiguration(bucket).getStatus());
    }

    /** SDK v1 SetBucketVersioningConfigurationRequest without MFA. */
    @Test
    void sdkV1SetVersioning(TestBuckets buckets) {
        String bucket = buckets.create();
        assertEquals("Off", v1.getBucketVersioningConfiguration(bucket).getStatus());
        v1.setBucketVersioningConfiguration(new SetBucketVersioningConfigurationRequest(bucket,
                new BucketVersioningConfiguration(BucketVersioningConfiguration.ENABLED)));
        assertEquals("Enabled", v1.getBucketVersioningConfiguration(bucket).getStatus());
    }

    /** An unknown Status value is MalformedXML (S3 accepts only Enabled and Suspended). */
    @Test
    void invalidStatusIsMalformedXml(TestBuckets buckets) {
        String bucket = buckets.create();
        assertS3Error(400, "MalformedXML", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Sometimes"))));
    }

    /** Versioning of a missing bucket. */
    @Test
    void missingBucketIs404(TestBuckets buckets) {
        String missing = buckets.newName();
        assertS3Error(404, "NoSuchBucket", () -> s3.getBucketVersioning(b -> b.bucket(missing)));
        assertS3Error(404, "NoSuchBucket", () -> setStatus(missing, BucketVersioningStatus.ENABLED));
    }

    /** ceph: test_versioning_obj_create_read_remove (every PUT is a new version, readable by id). */
    @Test
    void everyPutIsANewVersion(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String v1Id = put(bucket, "k", "one");
        String v2Id = put(bucket, "k", "two");
        assertNotNull(v1Id);
        assertNotEquals("null", v1Id);
        assertNotEquals(v1Id, v2Id);
        assertEquals("one", get(bucket, "k", v1Id));
        assertEquals("two", get(bucket, "k", v2Id));
        assertEquals("two", get(bucket, "k", null));
        assertEquals(v2Id, s3.headObject(b -> b.bucket(bucket).key("k")).versionId());

        List<ObjectVersion> versions = s3.listObjectVersions(b -> b.bucket(bucket)).versions();
        assertEquals(List.of(v2Id, v1Id), versions.stream().map(ObjectVersion::versionId).toList());
        assertEquals(List.of(true, false), versions.stream().map(ObjectVersion::isLatest).toList());
        assertEquals(Bytes.etag(Bytes.utf8("one")), versions.get(1).eTag());
        assertEquals(3L, versions.get(1).size());
    }

    /** A version id that exists, but for another key, is NoSuchVersion. */
    @Test
    void versionOfAnotherKeyIsNoSuchVersion(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        put(bucket, "k", "one");
        String otherKeysVersion = put(bucket, "other", "x");
        assertS3Error(404, "NoSuchVersion", () -> get(bucket, "k", otherKeysVersion));
    }

    /** ceph: test_versioning_obj_plain_null_version_* (unversioned objects become the "null" version). */
    @Test
    void unversionedObjectBecomesNullVersion(TestBuckets buckets) {
        String bucket = buckets.create();
        String unversioned = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("plain")).versionId();
        assertNull(unversioned, "no x-amz-version-id before versioning is configured");
        setStatus(bucket, BucketVersioningStatus.ENABLED);
        String versioned = put(bucket, "k", "versioned");

        List<ObjectVersion> versions = s3.listObjectVersions(b -> b.bucket(bucket)).versions();
        assertEquals(List.of(versioned, "null"), versions.stream().map(ObjectVersion::versionId).toList());
        assertEquals("plain", get(bucket, "k", "null"));
        assertEquals("versioned", get(bucket, "k", null));
    }

    /** ceph: test_versioning_obj_suspend_versions (PUTs in a suspended bucket overwrite the one null version). */
    @Test
    void suspendedPutsReplaceTheNullVersion(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String kept = put(bucket, "k", "kept");
        setStatus(bucket, BucketVersioningStatus.SUSPENDED);
        put(bucket, "k", "first null");
        put(bucket, "k", "second null");

        List<ObjectVersion> versions = s3.listObjectVersions(b -> b.bucket(bucket)).versions();
        assertEquals(List.of("null", kept), versions.stream().map(ObjectVersion::versionId).toList());
        assertEquals("second null", get(bucket, "k", "null"));
        assertEquals("kept", get(bucket, "k", kept));
    }

    /**
     * ceph: test_versioning_obj_create_versions_remove_all / test_versioning_obj_list_marker. A plain DELETE
     * adds a delete marker: GET is 404 with x-amz-delete-marker, GET of the marker's id is 405, older
     * versions stay readable.
     */
    @Test
    void deleteAddsMarker(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String data = put(bucket, "k", "data");
        DeleteObjectResponse deleted = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertEquals(204, deleted.sdkHttpResponse().statusCode());
        assertEquals(Boolean.TRUE, deleted.deleteMarker());
        String marker = deleted.versionId();
        assertNotNull(marker);
        assertNotEquals(data, marker);

        S3Exception latest = assertS3Error(404, "NoSuchKey", () -> get(bucket, "k", null));
        assertEquals("true", header(latest, "x-amz-delete-marker").orElse(null));
        assertEquals(marker, header(latest, "x-amz-version-id").orElse(null));

        S3Exception byId = assertS3Error(405, "MethodNotAllowed", () -> get(bucket, "k", marker));
        assertEquals("true", header(byId, "x-amz-delete-marker").orElse(null));
        S3Exception headById = assertHeadError(405, () -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(marker)));
        assertEquals("true", header(headById, "x-amz-delete-marker").orElse(null));

        assertEquals("data", get(bucket, "k", data));
        ListObjectVersionsResponse listing = s3.listObjectVersions(b -> b.bucket(bucket));
        assertEquals(List.of(marker), listing.deleteMarkers().stream().map(DeleteMarkerEntry::versionId).toList());
        assertTrue(listing.deleteMarkers().get(0).isLatest());
        assertFalse(listing.versions().get(0).isLatest());
        assertEquals(0, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount(), "a deleted key is not listed");
    }

    /** ceph: test_versioning_obj_create_read_remove_head (deleting the latest version promotes the previous). */
    @Test
    void deletingLatestVersionPromotesPrevious(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String first = put(bucket, "k", "first");
        String second = put(bucket, "k", "second");
        DeleteObjectResponse removed = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(second));
        assertEquals(second, removed.versionId());
        assertEquals("first", get(bucket, "k", null));
        assertEquals(first, s3.headObject(b -> b.bucket(bucket).key("k")).versionId());
        assertS3Error(404, "NoSuchVersion", () -> get(bucket, "k", second));
        List<ObjectVersion> left = s3.listObjectVersions(b -> b.bucket(bucket)).versions();
        assertEquals(List.of(first), left.stream().map(ObjectVersion::versionId).toList());
        assertTrue(left.get(0).isLatest());
    }

    /** ceph: test_versioning_obj_create_versions_remove_special_names's marker case: removing the marker restores. */
    @Test
    void deletingTheMarkerRestoresTheObject(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        put(bucket, "k", "data");
        String marker = s3.deleteObject(b -> b.bucket(bucket).key("k")).versionId();
        DeleteObjectResponse removed = s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(marker));
        assertEquals(Boolean.TRUE, removed.deleteMarker(), "x-amz-delete-marker: true when the removed version was a marker");
        assertEquals(marker, removed.versionId());
        assertEquals("data", get(bucket, "k", null));
    }

    /** ceph: test_versioning_obj_suspend_versions (a DELETE in a suspended bucket makes a null marker). */
    @Test
    void deleteInSuspendedBucketReplacesNullVersionWithNullMarker(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String kept = put(bucket, "k", "kept");
        setStatus(bucket, BucketVersioningStatus.SUSPENDED);
        put(bucket, "k", "null content");
        DeleteObjectResponse deleted = s3.deleteObject(b -> b.bucket(bucket).key("k"));
        assertEquals(Boolean.TRUE, deleted.deleteMarker());
        assertEquals("null", deleted.versionId());
        ListObjectVersionsResponse listing = s3.listObjectVersions(b -> b.bucket(bucket));
        assertEquals(List.of(kept), listing.versions().stream().map(ObjectVersion::versionId).toList(),
                "the null version was replaced by the null delete marker");
        assertEquals(List.of("null"), listing.deleteMarkers().stream().map(DeleteMarkerEntry::versionId).toList());
    }

    /** SDK v1 listVersions and deleteVersion. */
    @Test
    void sdkV1ListAndDeleteVersion(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String first = put(bucket, "k", "first");
        String second = put(bucket, "k", "second");
        VersionListing listing = v1.listVersions(bucket, "");
        assertEquals(List.of(second, first), listing.getVersionSummaries().stream().map(v -> v.getVersionId()).toList());
        v1.deleteVersion(bucket, "k", first);
        assertEquals(List.of(second), v1.listVersions(bucket, "").getVersionSummaries().stream()
                .map(v -> v.getVersionId()).toList());
        assertArrayEquals(Bytes.utf8("second"), s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
    }
}
