package dev.dualkey.compat.integrity;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListBucketsResponse;

/**
 * Conditional writes and deletes (If-None-Match / If-Match on PutObject, CompleteMultipartUpload and DeleteObject:
 * 412 PreconditionFailed, 404 NoSuchKey, 409 ConditionalRequestConflict) and ListBuckets pagination, through
 * SDK v2. AWS references: "How to prevent object overwrites with conditional writes", "How to perform conditional
 * deletes", the ListBuckets API (max-buckets, continuation-token, prefix).
 */
@ExtendWith(GatewayExtension.class)
class ConditionalWritesTest {
    private static S3Client s3;
    private static String bucket;

    @BeforeAll
    static void setUp(GatewayEndpoint gw, TestBuckets buckets) {
        s3 = Clients.v2(gw);
        bucket = buckets.create();
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    @Test
    void putObjectIfMatchAndIfNoneMatch() {
        assertS3Error(404, "NoSuchKey", () -> s3.putObject(b -> b.bucket(bucket).key("k").ifMatch("\"abc\""),
                RequestBody.fromString("v0")));
        String e1 = s3.putObject(b -> b.bucket(bucket).key("k").ifNoneMatch("*"), RequestBody.fromString("v1"))
                .eTag();
        assertS3Error(412, "PreconditionFailed", () -> s3.putObject(b -> b.bucket(bucket).key("k").ifNoneMatch("*"),
                RequestBody.fromString("v2")));
        assertS3Error(412, "PreconditionFailed", () -> s3.putObject(b -> b.bucket(bucket).key("k")
                .ifMatch(Bytes.etag(Bytes.utf8("other"))), RequestBody.fromString("v2")));
        String e2 = s3.putObject(b -> b.bucket(bucket).key("k").ifMatch(e1), RequestBody.fromString("v2")).eTag();
        assertEquals("v2", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
        assertEquals(Bytes.etag(Bytes.utf8("v2")), e2);
    }

    @Test
    void completeMultipartUploadConditionsAndTheConflictOfAWriteDuringTheUpload() {
        String key = "mp";
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("first"));
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("part")).eTag();
        CompletedPart part = CompletedPart.builder().partNumber(1).eTag(etag).build();
        assertS3Error(412, "PreconditionFailed", () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(uploadId).ifNoneMatch("*").multipartUpload(m -> m.parts(part))));
        // another client overwrites the key while the upload is in progress
        String current = s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("second")).eTag();
        assertS3Error(409, "ConditionalRequestConflict", () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key).uploadId(uploadId).ifMatch(current).multipartUpload(m -> m.parts(part))));
        assertEquals("second", s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String(),
                "a refused completion publishes nothing");
        // a new upload begun after that write may replace it under If-Match
        String again = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        String etag2 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(again).partNumber(1),
                RequestBody.fromString("part")).eTag();
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(again).ifMatch(current)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag2).build())));
        assertEquals("part", s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String());
        // If-None-Match on a new key
        String fresh = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp-new")).uploadId();
        String etag3 = s3.uploadPart(b -> b.bucket(bucket).key("mp-new").uploadId(fresh).partNumber(1),
                RequestBody.fromString("new")).eTag();
        assertNotNull(s3.completeMultipartUpload(b -> b.bucket(bucket).key("mp-new").uploadId(fresh)
                .ifNoneMatch("*").multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag3)
                        .build()))).eTag());
    }

    @Test
    void conditionalDeleteObject() {
        String etag = s3.putObject(b -> b.bucket(bucket).key("d"), RequestBody.fromString("x")).eTag();
        assertS3Error(412, "PreconditionFailed", () -> s3.deleteObject(b -> b.bucket(bucket).key("d")
                .ifMatch(Bytes.etag(Bytes.utf8("y")))));
        assertEquals("x", s3.getObjectAsBytes(b -> b.bucket(bucket).key("d")).asUtf8String());
        s3.deleteObject(b -> b.bucket(bucket).key("d").ifMatch(etag));
        assertS3Error(404, "NoSuchKey", () -> s3.headObject(b -> b.bucket(bucket).key("d")));
        assertS3Error(404, "NoSuchKey", () -> s3.deleteObject(b -> b.bucket(bucket).key("d").ifMatch("*")));
    }

    @Test
    void listBucketsPagesWithMaxBucketsPrefixAndTheSdkPaginator(TestBuckets more) {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(more.create());
        }
        String prefix = mine.get(0).substring(0, "compat-".length());
        ListBucketsResponse first = s3.listBuckets(b -> b.maxBuckets(1).prefix(prefix));
        assertEquals(1, first.buckets().size());
        assertNotNull(first.continuationToken());
        assertEquals(prefix, first.prefix());
        ListBucketsResponse second = s3.listBuckets(b -> b.maxBuckets(1).prefix(prefix)
                .continuationToken(first.continuationToken()));
        assertTrue(second.buckets().get(0).name().compareTo(first.buckets().get(0).name()) > 0);
        List<String> all = s3.listBucketsPaginator(b -> b.maxBuckets(2)).buckets().stream().map(Bucket::name)
                .toList();
        assertTrue(all.containsAll(mine), all.toString());
        assertEquals(all.stream().distinct().sorted().toList(), all, "each bucket once, by name");
        ListBucketsResponse last = s3.listBuckets(b -> b.prefix(mine.get(2)));
        assertEquals(List.of(mine.get(2)), last.buckets().stream().map(Bucket::name).toList());
        assertNull(last.continuationToken());
        assertTrue(s3.listBuckets(b -> b.bucketRegion("eu-west-3")).buckets().isEmpty(), "another region");
        assertFalse(s3.listBuckets(b -> b.bucketRegion("us-east-1")).buckets().isEmpty());
        assertS3Error(400, "InvalidArgument", () -> s3.listBuckets(b -> b.maxBuckets(0)));
        assertS3Error(400, "InvalidArgument", () -> s3.listBuckets(b -> b.continuationToken("%%%")));
    }
}
