package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertHeadError;
import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.S3Object;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.WireLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.DeletedObject;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** Object operations: Put/Get/Head/Copy/Delete object and DeleteObjects. */
@ExtendWith(GatewayExtension.class)
class ObjectTest {

    private static final byte[] HUNDRED = Bytes.random(100, 100);

    private static S3Client s3;
    private static AmazonS3 v1;
    private static RawS3 raw;
    private static WireLog wire;
    private static S3Client logged;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        s3 = Clients.v2(gw);
        v1 = Clients.v1(gw);
        raw = new RawS3(gw);
        wire = new WireLog();
        logged = Clients.v2(gw, wire);
    }

    @AfterAll
    static void close() {
        s3.close();
        v1.shutdown();
        raw.close();
        logged.close();
    }

    private static String put(String bucket, String key, byte[] content) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content)).eTag();
    }

    private static byte[] get(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Nested
    class PutGetHead {

        /** ceph: test_object_write_read_update_read_delete, test_object_set_get_metadata_*. */
        @Test
        void metadataAndStandardHeadersRoundTrip(TestBuckets buckets) {
            String bucket = buckets.create();
            byte[] content = Bytes.utf8("hello, dualkey");
            Instant expires = Instant.parse("2031-01-02T03:04:05Z");
            PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("doc.txt")
                    .contentType("text/plain; charset=utf-8")
                    .cacheControl("max-age=60")
                    .contentDisposition("attachment; filename=\"doc.txt\"")
                    .contentEncoding("identity")
                    .contentLanguage("en-GB")
                    .expires(expires)
                    .metadata(Map.of("color", "blue", "multi-word", "a b  c")), RequestBody.fromBytes(content));
            assertEquals(Bytes.etag(content), put.eTag());

            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("doc.txt"));
            assertEquals(content.length, head.contentLength());
            assertEquals(Bytes.etag(content), head.eTag());
            assertEquals("text/plain; charset=utf-8", head.contentType());
            assertEquals("max-age=60", head.cacheControl());
            assertEquals("attachment; filename=\"doc.txt\"", head.contentDisposition());
            assertEquals("identity", head.contentEncoding());
            assertEquals("en-GB", head.contentLanguage());
            assertEquals(expires, head.expires());
            assertEquals(Map.of("color", "blue", "multi-word", "a b  c"), head.metadata());
            assertNotNull(head.lastModified());
            assertTrue(Duration.between(head.lastModified(), Instant.now()).abs().toMinutes() < 5, "LastModified is now");

            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("doc.txt"));
            assertArrayEquals(content, got.asByteArray());
            assertEquals("text/plain; charset=utf-8", got.response().contentType());
            assertEquals(Map.of("color", "blue", "multi-word", "a b  c"), got.response().metadata());
            assertEquals("bytes", got.response().acceptRanges());
        }

        /** ceph: test_object_write_read_update_read_delete (overwrite replaces content and metadata). */
        @Test
        void overwriteReplacesContentAndMetadata(TestBuckets buckets) {
            String bucket = buckets.create();
            s3.putObject(b -> b.bucket(bucket).key("k").metadata(Map.of("old", "1")), RequestBody.fromString("one"));
            s3.putObject(b -> b.bucket(bucket).key("k").metadata(Map.of("new", "2")), RequestBody.fromString("two!"));
            assertArrayEquals(Bytes.utf8("two!"), get(bucket, "k"));
            assertEquals(Map.of("new", "2"), s3.headObject(b -> b.bucket(bucket).key("k")).metadata());
        }

        /** ceph: test_object_write_to_nonexist_bucket / test_object_read_not_exist. */
        @Test
        void missingKeyAndBucket(TestBuckets buckets) {
            String bucket = buckets.create();
            assertS3Error(404, "NoSuchKey", () -> get(bucket, "nope"));
            assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("nope")));
            org.junit.jupiter.api.Assertions.assertThrows(NoSuchKeyException.class,
                    () -> s3.headObject(b -> b.bucket(bucket).key("nope")));
            String missing = buckets.newName();
            assertS3Error(404, "NoSuchBucket", () -> put(missing, "k", HUNDRED));
            assertS3Error(404, "NoSuchBucket", () -> get(missing, "k"));
        }

        /** ceph: test_object_head_zero_bytes. */
        @Test
        void zeroByteObject(TestBuckets buckets) {
            String bucket = buckets.create();
            assertEquals(Bytes.etag(new byte[0]), put(bucket, "empty", new byte[0]));
            assertEquals(0L, s3.headObject(b -> b.bucket(bucket).key("empty")).contentLength());
            assertArrayEquals(new byte[0], get(bucket, "empty"));
        }

        /** SDK v1: user metadata, content type and the whole body through AmazonS3. */
        @Test
        void sdkV1RoundTrip(TestBuckets buckets) throws IOException {
            String bucket = buckets.create();
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentType("application/x-test");
            meta.setContentLength(HUNDRED.length);
            meta.addUserMetadata("owner", "v1");
            v1.putObject(bucket, "v1-key", new ByteArrayInputStream(HUNDRED), meta);
            try (S3Object object = v1.getObject(bucket, "v1-key"); InputStream in = object.getObjectContent()) {
                assertArrayEquals(HUNDRED, in.readAllBytes());
                assertEquals("application/x-test", object.getObjectMetadata().getContentType());
                assertEquals("v1", object.getObjectMetadata().getUserMetaDataOf("owner"));
                assertEquals(Bytes.md5Hex(HUNDRED), object.getObjectMetadata().getETag());
            }
            assertV1Error(404, "NoSuchKey", () -> v1.getObject(bucket, "absent"));
        }
    }

    @Nested
    class Integrity {

        /** ceph: test_object_create_bad_md5_good (correct Content-MD5 is accepted). */
        @Test
        void correctContentMd5IsAccepted(TestBuckets buckets) {
            String bucket = buckets.create();
            PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("k").contentMD5(Bytes.md5Base64(HUNDRED)),
                    RequestBody.fromBytes(HUNDRED));
            assertEquals(Bytes.etag(HUNDRED), put.eTag());
        }

        /** ceph: test_object_create_bad_md5_unreadable / _bad. A wrong digest stores nothing. */
        @Test
        void wrongContentMd5IsBadDigest(TestBuckets buckets) {
            String bucket = buckets.create();
            String otherMd5 = Bytes.md5Base64(Bytes.utf8("something else"));
            assertS3Error(400, "BadDigest", () -> s3.putObject(b -> b.bucket(bucket).key("k").contentMD5(otherMd5),
                    RequestBody.fromBytes(HUNDRED)));
            assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("k")));
        }

        /** ceph: test_object_create_bad_md5_invalid_short: not a base64 MD5 at all is InvalidDigest. */
        @Test
        void malformedContentMd5IsInvalidDigest(TestBuckets buckets) {
            String bucket = buckets.create();
            RawS3.Response response = raw.request("PUT", "/" + bucket + "/k")
                    .header("Content-MD5", "bm90LW1kNQ==").body(HUNDRED).send();
            assertEquals(400, response.status(), response::bodyText);
            assertEquals("InvalidDigest", response.errorCode());
        }

        /** Flexible checksums requested explicitly: S3 stores and returns the full-object checksum. */
        @ParameterizedTest
        @EnumSource(value = ChecksumAlgorithm.class, names = {"CRC32", "CRC32_C", "SHA1", "SHA256"})
        void flexibleChecksumIsVerifiedStoredAndReturned(ChecksumAlgorithm algorithm, TestBuckets buckets) {
            String bucket = buckets.create();
            byte[] content = Bytes.random(70_000, algorithm.ordinal());
            String expected = switch (algorithm) {
                case CRC32 -> Bytes.crc32Base64(content);
                case CRC32_C -> Bytes.crc32cBase64(content);
                case SHA1 -> Bytes.sha1Base64(content);
                case SHA256 -> Bytes.sha256Base64(content);
                default -> throw new IllegalArgumentException(algorithm.toString());
            };
            PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("k").checksumAlgorithm(algorithm),
                    RequestBody.fromBytes(content));
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("k").checksumMode(ChecksumMode.ENABLED));
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")
                    .checksumMode(ChecksumMode.ENABLED));
            assertArrayEquals(content, got.asByteArray());
            switch (algorithm) {
                case CRC32 -> {
                    assertEquals(expected, put.checksumCRC32());
                    assertEquals(expected, head.checksumCRC32());
                    assertEquals(expected, got.response().checksumCRC32());
                }
                case CRC32_C -> {
                    assertEquals(expected, put.checksumCRC32C());
                    assertEquals(expected, head.checksumCRC32C());
                    assertEquals(expected, got.response().checksumCRC32C());
                }
                case SHA1 -> {
                    assertEquals(expected, put.checksumSHA1());
                    assertEquals(expected, head.checksumSHA1());
                    assertEquals(expected, got.response().checksumSHA1());
                }
                default -> {
                    assertEquals(expected, put.checksumSHA256());
                    assertEquals(expected, head.checksumSHA256());
                    assertEquals(expected, got.response().checksumSHA256());
                }
            }
        }

        /**
         * SDK v2's default since 2.30: every PutObject carries a CRC32 in an aws-chunked trailer. Proves on the
         * wire that the trailer mode was used, then that the gateway kept that CRC32.
         */
        @Test
        void sdkV2DefaultTrailingChecksum(TestBuckets buckets) {
            String bucket = buckets.create();
            byte[] content = Bytes.random(200_000, 7);
            logged.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(content));
            assertTrue(wire.lastHeader("x-amz-content-sha256").startsWith("STREAMING-"),
                    () -> "payload mode " + wire.lastHeader("x-amz-content-sha256"));
            assertTrue(wire.lastHeader("x-amz-content-sha256").endsWith("-TRAILER"));
            assertEquals("x-amz-checksum-crc32", wire.lastHeader("x-amz-trailer"));
            assertEquals("aws-chunked", wire.lastHeader("Content-Encoding"));

            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("k").checksumMode(ChecksumMode.ENABLED));
            assertEquals(Bytes.crc32Base64(content), head.checksumCRC32());
            assertEquals(content.length, head.contentLength());
            assertEquals(null, head.contentEncoding(), "aws-chunked is a transfer detail S3 does not store");
            assertArrayEquals(content, get(bucket, "k"));
        }

        /** A checksum header that does not match the body is BadDigest, and nothing is stored. */
        @Test
        void wrongChecksumHeaderIsBadDigest(TestBuckets buckets) {
            String bucket = buckets.create();
            String wrong = Bytes.crc32Base64(Bytes.utf8("not the body"));
            assertS3Error(400, "BadDigest", () -> s3.putObject(b -> b.bucket(bucket).key("k").checksumCRC32(wrong),
                    RequestBody.fromBytes(HUNDRED)));
            assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("k")));
        }
    }

    @Nested
    class Ranges {

        /** ceph: test_ranged_request_response_code, _skip_leading_bytes, _return_trailing_bytes, _big_request. */
        @ParameterizedTest
        @CsvSource({"bytes=0-9,0,9", "bytes=10-19,10,19", "bytes=90-,90,99", "bytes=-5,95,99", "bytes=95-200,95,99",
                "bytes=0-0,0,0"})
        void satisfiableRangeIs206(String range, int first, int last, TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").range(range));
            assertEquals(206, got.response().sdkHttpResponse().statusCode());
            assertEquals("bytes " + first + "-" + last + "/100", got.response().contentRange());
            assertEquals(last - first + 1, got.response().contentLength());
            assertArrayEquals(java.util.Arrays.copyOfRange(HUNDRED, first, last + 1), got.asByteArray());
        }

        /** ceph: test_ranged_request_invalid_range. */
        @ParameterizedTest
        @ValueSource(strings = {"bytes=100-200", "bytes=150-"})
        void unsatisfiableRangeIs416InvalidRange(String range, TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            assertS3Error(416, "InvalidRange", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").range(range)));
        }

        /** ceph: test_ranged_request_empty_object (any range of an empty object is unsatisfiable). */
        @Test
        void rangeOfEmptyObjectIs416(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "empty", new byte[0]);
            assertS3Error(416, "InvalidRange", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("empty").range("bytes=0-")));
        }

        /** SDK v1 range GET. */
        @Test
        void sdkV1Range(TestBuckets buckets) throws IOException {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            try (S3Object object = v1.getObject(new GetObjectRequest(bucket, "k").withRange(20, 29));
                    InputStream in = object.getObjectContent()) {
                assertArrayEquals(java.util.Arrays.copyOfRange(HUNDRED, 20, 30), in.readAllBytes());
                assertEquals(10, object.getObjectMetadata().getContentLength());
            }
        }
    }

    @Nested
    class Conditionals {

        /** ceph: test_get_object_ifmatch_good / _failed. */
        @Test
        void ifMatch(TestBuckets buckets) {
            String bucket = buckets.create();
            String etag = put(bucket, "k", HUNDRED);
            assertArrayEquals(HUNDRED, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifMatch(etag)).asByteArray());
            assertS3Error(412, "PreconditionFailed",
                    () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifMatch("\"0123456789abcdef0123456789abcdef\"")));
            assertHeadError(412, () -> s3.headObject(b -> b.bucket(bucket).key("k").ifMatch("\"00\"")));
        }

        /** ceph: test_get_object_ifnonematch_good / _failed (304 carries no error body). */
        @Test
        void ifNoneMatch(TestBuckets buckets) {
            String bucket = buckets.create();
            String etag = put(bucket, "k", HUNDRED);
            assertHeadError(304, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifNoneMatch(etag)));
            assertHeadError(304, () -> s3.headObject(b -> b.bucket(bucket).key("k").ifNoneMatch(etag)));
            assertArrayEquals(HUNDRED, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifNoneMatch("\"00\"")).asByteArray());
        }

        /** ceph: test_get_object_ifmodifiedsince_good / _failed. */
        @Test
        void ifModifiedSince(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            Instant modified = s3.headObject(b -> b.bucket(bucket).key("k")).lastModified();
            assertHeadError(304, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifModifiedSince(modified)));
            Instant dayBefore = modified.minus(1, ChronoUnit.DAYS);
            assertArrayEquals(HUNDRED, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifModifiedSince(dayBefore)).asByteArray());
        }

        /** ceph: test_get_object_ifunmodifiedsince_good / _failed. */
        @Test
        void ifUnmodifiedSince(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            Instant modified = s3.headObject(b -> b.bucket(bucket).key("k")).lastModified();
            assertS3Error(412, "PreconditionFailed", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")
                    .ifUnmodifiedSince(modified.minus(1, ChronoUnit.DAYS))));
            assertArrayEquals(HUNDRED, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifUnmodifiedSince(modified)).asByteArray());
        }

        /** RFC 7232 precedence as S3 applies it: a true If-Match wins over a false If-Unmodified-Since. */
        @Test
        void ifMatchTrumpsIfUnmodifiedSince(TestBuckets buckets) {
            String bucket = buckets.create();
            String etag = put(bucket, "k", HUNDRED);
            Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
            assertArrayEquals(HUNDRED, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifMatch(etag)
                    .ifUnmodifiedSince(longAgo)).asByteArray());
        }

        /** ...and a false If-None-Match with a true If-Modified-Since is still 304. */
        @Test
        void ifNoneMatchTrumpsIfModifiedSince(TestBuckets buckets) {
            String bucket = buckets.create();
            String etag = put(bucket, "k", HUNDRED);
            Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
            assertHeadError(304, () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").ifNoneMatch(etag)
                    .ifModifiedSince(longAgo)));
        }
    }

    /** ceph: test_object_response_headers (response-* query parameters override stored headers). */
    @Test
    void responseHeaderOverrides(TestBuckets buckets) {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k").contentType("text/plain"), RequestBody.fromBytes(HUNDRED));
        Instant expires = Instant.parse("2030-05-06T07:08:09Z");
        GetObjectResponse response = s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")
                .responseContentType("application/x-override")
                .responseContentDisposition("attachment; filename=\"o.bin\"")
                .responseCacheControl("no-cache")
                .responseContentLanguage("fr")
                .responseContentEncoding("gzip-not-really")
                .responseExpires(expires)).response();
        assertEquals("application/x-override", response.contentType());
        assertEquals("attachment; filename=\"o.bin\"", response.contentDisposition());
        assertEquals("no-cache", response.cacheControl());
        assertEquals("fr", response.contentLanguage());
        assertEquals("gzip-not-really", response.contentEncoding());
        assertEquals(expires, response.expires());
        assertEquals("text/plain", s3.headObject(b -> b.bucket(bucket).key("k")).contentType(), "stored value unchanged");
    }

    @Nested
    class Copy {

        /** ceph: test_object_copy_retaining_metadata. */
        @Test
        void metadataDirectiveCopyKeepsSourceMetadata(TestBuckets buckets) {
            String bucket = buckets.create();
            s3.putObject(b -> b.bucket(bucket).key("src").contentType("text/x-src").metadata(Map.of("m", "1")),
                    RequestBody.fromBytes(HUNDRED));
            CopyObjectResponse copy = s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src")
                    .destinationBucket(bucket).destinationKey("dst"));
            assertEquals(Bytes.etag(HUNDRED), copy.copyObjectResult().eTag());
            assertNotNull(copy.copyObjectResult().lastModified());
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("dst"));
            assertEquals("text/x-src", head.contentType());
            assertEquals(Map.of("m", "1"), head.metadata());
            assertArrayEquals(HUNDRED, get(bucket, "dst"));
        }

        /** ceph: test_object_copy_replacing_metadata. */
        @Test
        void metadataDirectiveReplace(TestBuckets buckets) {
            String bucket = buckets.create();
            String other = buckets.create();
            s3.putObject(b -> b.bucket(bucket).key("src").contentType("text/x-src").metadata(Map.of("m", "1")),
                    RequestBody.fromBytes(HUNDRED));
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(other).destinationKey("dst")
                    .metadataDirective(MetadataDirective.REPLACE).contentType("text/x-new").metadata(Map.of("n", "2")));
            HeadObjectResponse head = s3.headObject(b -> b.bucket(other).key("dst"));
            assertEquals("text/x-new", head.contentType());
            assertEquals(Map.of("n", "2"), head.metadata());
            assertArrayEquals(HUNDRED, get(other, "dst"));
        }

        /** ceph: test_object_copy_to_itself. */
        @Test
        void toItselfWithoutChangesIsInvalidRequest(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            assertS3Error(400, "InvalidRequest", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("k")
                    .destinationBucket(bucket).destinationKey("k")));
        }

        /** ceph: test_object_copy_to_itself_with_metadata (the usual way to edit metadata in place). */
        @Test
        void toItselfWithReplaceUpdatesMetadata(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("k").destinationBucket(bucket).destinationKey("k")
                    .metadataDirective(MetadataDirective.REPLACE).metadata(Map.of("edited", "yes")));
            assertEquals(Map.of("edited", "yes"), s3.headObject(b -> b.bucket(bucket).key("k")).metadata());
            assertArrayEquals(HUNDRED, get(bucket, "k"));
        }

        /** ceph: test_object_copy_versioned_bucket (x-amz-copy-source with ?versionId=). */
        @Test
        void copiesTheRequestedSourceVersion(TestBuckets buckets) {
            String bucket = buckets.createVersioned();
            String first = s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("one")).versionId();
            s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("two"));
            CopyObjectResponse copy = s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").sourceVersionId(first)
                    .destinationBucket(bucket).destinationKey("dst"));
            assertEquals(first, copy.copySourceVersionId());
            assertNotNull(copy.versionId(), "destination in a versioned bucket gets a version id");
            assertArrayEquals(Bytes.utf8("one"), get(bucket, "dst"));
        }

        /** ceph: test_copy_object_ifmatch_failed / _ifnonematch_failed / _ifmatch_good. */
        @Test
        void copySourceConditions(TestBuckets buckets) {
            String bucket = buckets.create();
            String etag = put(bucket, "src", HUNDRED);
            assertS3Error(412, "PreconditionFailed", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src")
                    .destinationBucket(bucket).destinationKey("dst").copySourceIfMatch("\"00\"")));
            assertS3Error(412, "PreconditionFailed", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src")
                    .destinationBucket(bucket).destinationKey("dst").copySourceIfNoneMatch(etag)));
            assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("dst")));
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("src").destinationBucket(bucket).destinationKey("dst")
                    .copySourceIfMatch(etag));
            assertArrayEquals(HUNDRED, get(bucket, "dst"));
        }

        /** ceph: test_object_copy_key_not_found / test_object_copy_bucket_not_found. */
        @Test
        void missingSource(TestBuckets buckets) {
            String bucket = buckets.create();
            assertS3Error(404, "NoSuchKey", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("absent")
                    .destinationBucket(bucket).destinationKey("dst")));
            String missing = buckets.newName();
            assertS3Error(404, "NoSuchBucket", () -> s3.copyObject(b -> b.sourceBucket(missing).sourceKey("absent")
                    .destinationBucket(bucket).destinationKey("dst")));
        }

        /** SDK v1 copyObject. */
        @Test
        void sdkV1Copy(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "src", HUNDRED);
            assertEquals(Bytes.md5Hex(HUNDRED), v1.copyObject(bucket, "src", bucket, "dst").getETag());
            assertArrayEquals(HUNDRED, get(bucket, "dst"));
        }
    }

    @Nested
    class Deletion {

        /** ceph: test_object_write_read_update_read_delete / test_object_delete_key_bucket_gone. */
        @Test
        void deleteThenGetIs404AndDeletingAgainIs204(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "k", HUNDRED);
            assertEquals(204, s3.deleteObject(b -> b.bucket(bucket).key("k")).sdkHttpResponse().statusCode());
            assertS3Error(404, "NoSuchKey", () -> get(bucket, "k"));
            assertEquals(204, s3.deleteObject(b -> b.bucket(bucket).key("k")).sdkHttpResponse().statusCode());
        }

        /** ceph: test_multi_object_delete (verbose: every requested key is reported, missing ones too). */
        @Test
        void deleteObjectsVerbose(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "a", HUNDRED);
            put(bucket, "b/c", HUNDRED);
            DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder()
                    .objects(id("a"), id("b/c"), id("never-existed")).build()));
            assertEquals(List.of("a", "b/c", "never-existed"),
                    response.deleted().stream().map(DeletedObject::key).sorted().toList());
            assertTrue(response.errors().isEmpty(), () -> "errors " + response.errors());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        }

        /** ceph: test_multi_object_delete_key_limit's quiet cousin: quiet mode reports nothing on success. */
        @Test
        void deleteObjectsQuiet(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "a", HUNDRED);
            put(bucket, "b", HUNDRED);
            DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder()
                    .objects(id("a"), id("b")).quiet(true).build()));
            assertTrue(response.deleted().isEmpty(), () -> "quiet mode listed " + response.deleted());
            assertTrue(response.errors().isEmpty());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        }

        /** ceph: test_multi_object_delete_key_limit (1001 keys is MalformedXML). */
        @Test
        void deleteObjectsOver1000KeysIsMalformedXml(TestBuckets buckets) {
            String bucket = buckets.create();
            List<ObjectIdentifier> ids = IntStream.range(0, 1001).mapToObj(i -> id("k" + i)).toList();
            assertS3Error(400, "MalformedXML", () -> s3.deleteObjects(b -> b.bucket(bucket)
                    .delete(Delete.builder().objects(ids).build())));
        }

        /** S3 requires Content-MD5 (or an x-amz-checksum-*) on DeleteObjects. */
        @Test
        void deleteObjectsWithoutDigestIsInvalidRequest(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "a", HUNDRED);
            RawS3.Response response = raw.request("POST", "/" + bucket).query("delete", "")
                    .body("<Delete><Object><Key>a</Key></Object></Delete>").send();
            assertEquals(400, response.status(), response::bodyText);
            assertEquals("InvalidRequest", response.errorCode());
            assertArrayEquals(HUNDRED, get(bucket, "a"), "nothing deleted");
        }

        /** SDK v1 DeleteObjects. */
        @Test
        void sdkV1DeleteObjects(TestBuckets buckets) {
            String bucket = buckets.create();
            put(bucket, "x", HUNDRED);
            put(bucket, "y", HUNDRED);
            var result = v1.deleteObjects(new com.amazonaws.services.s3.model.DeleteObjectsRequest(bucket)
                    .withKeys("x", "y"));
            assertEquals(List.of("x", "y"), result.getDeletedObjects().stream()
                    .map(com.amazonaws.services.s3.model.DeleteObjectsResult.DeletedObject::getKey).sorted().toList());
            assertEquals(0, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
        }

        private static ObjectIdentifier id(String key) {
            return ObjectIdentifier.builder().key(key).build();
        }
    }

    /**
     * ceph: test_bucket_create_special_key_names, test_object_copy_special_names. Each key goes through SDK v2
     * (put, head, get, list, copy) and SDK v1 (get), which percent-encode it differently.
     */
    @ParameterizedTest
    @ValueSource(strings = {"with space", "plus+sign", "percent%20literal", "percent%", "double//slash", "/leading",
            "trailing/", "ünïcødé/日本語", "emoji-\uD83D\uDE00", "question?mark#hash", "amp&eq=semi;", "tilde~star*",
            "quote'and\"dq", "brackets[]{}", "a\\backslash"})
    void unusualKeysRoundTrip(String key, TestBuckets buckets) throws IOException {
        String bucket = buckets.create();
        byte[] content = Bytes.utf8("content of " + key);
        put(bucket, key, content);
        assertEquals(content.length, s3.headObject(b -> b.bucket(bucket).key(key)).contentLength());
        assertArrayEquals(content, get(bucket, key));
        List<String> listed = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> listed.add(o.key()));
        assertEquals(List.of(key), listed);
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(key).destinationBucket(bucket).destinationKey(key + ".copy"));
        assertArrayEquals(content, get(bucket, key + ".copy"));
        try (S3Object object = v1.getObject(bucket, key); InputStream in = object.getObjectContent()) {
            assertArrayEquals(content, in.readAllBytes());
        }
        s3.deleteObject(b -> b.bucket(bucket).key(key));
        assertS3Error(404, "NoSuchKey", () -> get(bucket, key));
    }
}
