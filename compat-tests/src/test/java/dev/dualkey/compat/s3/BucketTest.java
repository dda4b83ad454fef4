package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertHeadError;
import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation. */
@ExtendWith(GatewayExtension.class)
class BucketTest {

    private static S3Client s3;
    private static AmazonS3 v1;
    private static S3Client otherAccount;
    private static RawS3 raw;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        s3 = Clients.v2(gw);
        v1 = Clients.v1(gw);
        otherAccount = Clients.v2(gw, gw.otherAccount());
        raw = new RawS3(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
        v1.shutdown();
        otherAccount.close();
        raw.close();
    }

    @Nested
    class Create {

        /** ceph: test_bucket_list_empty / test_buckets_create_then_list. */
        @Test
        void withoutLocationConstraintIsListedAndInUsEast1(TestBuckets buckets) {
            String name = buckets.newName();
            CreateBucketResponse created = s3.createBucket(b -> b.bucket(name));
            assertEquals(200, created.sdkHttpResponse().statusCode());
            assertEquals("/" + name, created.location());

            List<String> names = s3.listBuckets().buckets().stream().map(Bucket::name).toList();
            assertTrue(names.contains(name), () -> names + " lacks " + name);
            // S3 answers an empty <LocationConstraint/> for us-east-1.
            String location = s3.getBucketLocation(b -> b.bucket(name)).locationConstraintAsString();
            assertTrue(location == null || location.isEmpty(), () -> "location " + location);
        }

        /** ceph: test_buckets_create_then_list (SDK v1 spelling of the same calls). */
        @Test
        void withSdkV1(TestBuckets buckets) {
            String name = buckets.newName();
            com.amazonaws.services.s3.model.Bucket bucket = v1.createBucket(name);
            assertEquals(name, bucket.getName());
            assertTrue(v1.doesBucketExistV2(name));
            assertTrue(v1.listBuckets().stream().anyMatch(b -> b.getName().equals(name)));
            assertEquals("US", v1.getBucketLocation(name), "SDK v1 maps the empty us-east-1 constraint to US");
        }

        /** S3 in us-east-1 rejects the explicit constraint "us-east-1": it must be omitted there. */
        @Test
        void explicitUsEast1ConstraintIsInvalid(TestBuckets buckets) {
            String name = buckets.newName();
            assertS3Error(400, "InvalidLocationConstraint", () -> s3.createBucket(b -> b.bucket(name)
                    .createBucketConfiguration(c -> c.locationConstraint("us-east-1"))));
        }

        /** ceph: test_bucket_create_bad_location (a constraint naming another region than the endpoint's). */
        @Test
        void constraintOfAnotherRegionIsIllegal(TestBuckets buckets) {
            String name = buckets.newName();
            assertS3Error(400, "IllegalLocationConstraintException", () -> s3.createBucket(b -> b.bucket(name)
                    .createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.EU_WEST_1))));
            assertHeadError(404, () -> s3.headBucket(b -> b.bucket(name)));
        }

        /**
         * ceph: test_bucket_create_exists. S3 answers 409 BucketAlreadyOwnedByYou in every region but a legacy
         * 200 in us-east-1 (this gateway's region), as Dualkey does since issue 14; the 409 of other regions:
         * {@code acl.RegionalCreateBucketTest}.
         */
        @Test
        void twiceInUsEast1IsTheLegacy200(TestBuckets buckets) {
            String name = buckets.create();
            assertEquals(200, s3.createBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode());
        }

        /** ceph: test_bucket_create_exists_nonowner. */
        @Test
        void takenByAnotherAccountIsBucketAlreadyExists(TestBuckets buckets) {
            String name = buckets.create();
            assertS3Error(409, "BucketAlreadyExists", () -> otherAccount.createBucket(b -> b.bucket(name)));
        }

        /**
         * ceph: test_bucket_create_naming_bad_short_one, _bad_ip, _bad_punctuation, _dns_underscore,
         * _dns_dot_dot, _dns_dash_at_end, _bad_starts_nonalpha. Sent raw: the SDKs refuse some names locally.
         */
        @ParameterizedTest
        @ValueSource(strings = {"ab", "UpperCase", "under_score", "-dash-first", "dash-last-", "dot..dot",
                "192.168.5.4", "with%20space", "a234567890123456789012345678901234567890123456789012345678901234"})
        void invalidNameIsInvalidBucketName(String name) {
            RawS3.Response response = raw.request("PUT", "/" + name).send();
            assertEquals(400, response.status(), response::bodyText);
            assertEquals("InvalidBucketName", response.errorCode());
        }
    }

    @Nested
    class Head {

        /** ceph: test_bucket_head. */
        @Test
        void existingIs200(TestBuckets buckets) {
            String name = buckets.create();
            assertEquals(200, s3.headBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode());
        }

        /** ceph: test_bucket_head_notexist. */
        @Test
        void missingIs404NoSuchBucket(TestBuckets buckets) {
            String name = buckets.newName();
            NoSuchBucketException e = org.junit.jupiter.api.Assertions.assertThrows(NoSuchBucketException.class,
                    () -> s3.headBucket(b -> b.bucket(name)));
            assertEquals(404, e.statusCode());
            assertFalse(v1.doesBucketExistV2(name));
        }

        /** ceph: test_bucket_list_objects_anonymous_fail's authenticated cousin: another account is refused. */
        @Test
        void otherAccountsBucketIs403(TestBuckets buckets) {
            String name = buckets.create();
            assertHeadError(403, () -> otherAccount.headBucket(b -> b.bucket(name)));
            assertS3Error(403, "AccessDenied", () -> otherAccount.listObjectsV2(b -> b.bucket(name)));
        }
    }

    @Nested
    class Delete {

        /** ceph: test_bucket_delete_nonempty. */
        @Test
        void nonEmptyIs409BucketNotEmpty(TestBuckets buckets) {
            String name = buckets.create();
            s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("x"));
            assertS3Error(409, "BucketNotEmpty", () -> s3.deleteBucket(b -> b.bucket(name)));
            assertEquals(200, s3.headBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode());
        }

        /** A versioned bucket holding only a delete marker is still not empty. */
        @Test
        void onlyDeleteMarkerLeftIsStillNotEmpty(TestBuckets buckets) {
            String name = buckets.createVersioned();
            s3.putObject(b -> b.bucket(name).key("k"), RequestBody.fromString("x"));
            s3.deleteObject(b -> b.bucket(name).key("k"));
            assertS3Error(409, "BucketNotEmpty", () -> s3.deleteBucket(b -> b.bucket(name)));
        }

        /** ceph: test_bucket_create_delete. */
        @Test
        void emptyIs204ThenGone(TestBuckets buckets) {
            String name = buckets.create();
            assertEquals(204, s3.deleteBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode());
            assertHeadError(404, () -> s3.headBucket(b -> b.bucket(name)));
            assertS3Error(404, "NoSuchBucket", () -> s3.listObjectsV2(b -> b.bucket(name)));
        }

        /** ceph: test_bucket_delete_notexist. */
        @Test
        void missingIs404NoSuchBucket(TestBuckets buckets) {
            String name = buckets.newName();
            assertS3Error(404, "NoSuchBucket", () -> s3.deleteBucket(b -> b.bucket(name)));
            assertV1Error(404, "NoSuchBucket", () -> v1.deleteBucket(name));
        }

        /** Another account may not delete the owner's bucket. */
        @Test
        void byOtherAccountIs403(TestBuckets buckets) {
            String name = buckets.create();
            assertS3Error(403, "AccessDenied", () -> otherAccount.deleteBucket(b -> b.bucket(name)));
            assertEquals(200, s3.headBucket(b -> b.bucket(name)).sdkHttpResponse().statusCode());
        }
    }

    @Nested
    class Location {

        /** ceph: test_bucket_get_location. */
        @Test
        void getBucketLocationOfMissingBucketIs404(TestBuckets buckets) {
            String name = buckets.newName();
            assertS3Error(404, "NoSuchBucket", () -> s3.getBucketLocation(b -> b.bucket(name)));
        }

        /** The raw XML: an empty LocationConstraint element in S3's namespace. */
        @Test
        void rawResponseIsEmptyLocationConstraint(TestBuckets buckets) {
            String name = buckets.create();
            RawS3.Response response = raw.request("GET", "/" + name).query("location", "").send();
            assertEquals(200, response.status(), response::bodyText);
            assertEquals("LocationConstraint", response.xml().getDocumentElement().getTagName());
            assertEquals("", response.xml().getDocumentElement().getTextContent());
            assertNotNull(response.header("x-amz-request-id").orElse(null), "x-amz-request-id");
        }
    }

    /** ceph: test_list_buckets_* : ListBuckets shows only the caller's own buckets, with creation dates. */
    @Test
    void listBucketsShowsOnlyOwnBuckets(TestBuckets buckets) {
        String mine = buckets.create();
        List<Bucket> own = s3.listBuckets().buckets();
        Bucket listed = own.stream().filter(b -> b.name().equals(mine)).findFirst().orElseThrow();
        assertNotNull(listed.creationDate());
        assertFalse(otherAccount.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(mine)),
                "another account must not see the bucket in ListBuckets");
    }
}
