package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AbortMultipartUploadRequest;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.CopyObjectRequest;
import com.amazonaws.services.s3.model.CopyPartRequest;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.ListMultipartUploadsRequest;
import com.amazonaws.services.s3.model.ListObjectsV2Request;
import com.amazonaws.services.s3.model.ListPartsRequest;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.ResponseHeaderOverrides;
import com.amazonaws.services.s3.model.S3Object;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import com.amazonaws.services.s3.model.UploadPartRequest;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * AWS SDK for Java v1 ({@code AmazonS3}) on the operations the other classes drive only through SDK v2:
 * HeadBucket, GetBucketLocation, DeleteBucket, HeadObject, conditional GET, response-* overrides, ListObjectsV2,
 * CopyObject conditions, and the low-level multipart calls (UploadPartCopy, ListParts, ListMultipartUploads,
 * Abort), with their S3 error codes.
 */
@ExtendWith(GatewayExtension.class)
class SdkV1OperationsTest {

    private static final int PART = 5 << 20;

    private static GatewayEndpoint gateway;
    private static AmazonS3 v1;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        v1 = Clients.v1(gw);
    }

    @AfterAll
    static void close() {
        v1.shutdown();
    }

    private static void put(String bucket, String key, byte[] content) {
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentLength(content.length);
        v1.putObject(bucket, key, new ByteArrayInputStream(content), meta);
    }

    private static byte[] read(S3Object object) {
        try (S3Object o = object; var in = o.getObjectContent()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void bucketCalls(TestBuckets buckets) {
        String bucket = buckets.newName();
        v1.createBucket(bucket);
        v1.headBucket(new com.amazonaws.services.s3.model.HeadBucketRequest(bucket));
        assertTrue(v1.doesBucketExistV2(bucket));
        assertEquals("US", v1.getBucketLocation(bucket), "SDK v1 maps S3's empty us-east-1 constraint to US");
        assertTrue(v1.listBuckets().stream().anyMatch(b -> b.getName().equals(bucket)));
        put(bucket, "k", Bytes.utf8("x"));
        assertV1Error(409, "BucketNotEmpty", () -> v1.deleteBucket(bucket));
        v1.createBucket(bucket); // us-east-1: the owner's re-create is AWS's legacy 200
        v1.deleteObject(bucket, "k");
        v1.deleteBucket(bucket);
        assertTrue(!v1.doesBucketExistV2(bucket));
        assertV1Error(404, "NoSuchBucket", () -> v1.deleteBucket(bucket));
        assertV1Error(404, "NoSuchBucket", () -> v1.getBucketLocation(bucket));
    }

    @Test
    void headAndConditionalGet(TestBuckets buckets) {
        String bucket = buckets.create();
        byte[] content = Bytes.random(10_000, 61);
        put(bucket, "k", content);
        ObjectMetadata head = v1.getObjectMetadata(bucket, "k");
        assertEquals(content.length, head.getContentLength());
        assertEquals(Bytes.md5Hex(content), head.getETag());
        assertV1Error(404, "404 Not Found", () -> v1.getObjectMetadata(bucket, "absent"));

        // SDK v1 returns null (no exception) when a GET constraint is not met (304 or 412).
        assertNull(v1.getObject(new GetObjectRequest(bucket, "k").withMatchingETagConstraint("\"0000\"")));
        assertNull(v1.getObject(new GetObjectRequest(bucket, "k").withNonmatchingETagConstraint(head.getETag())));
        assertNull(v1.getObject(new GetObjectRequest(bucket, "k")
                .withModifiedSinceConstraint(new Date(System.currentTimeMillis() + 3_600_000))));
        assertNull(v1.getObject(new GetObjectRequest(bucket, "k")
                .withUnmodifiedSinceConstraint(new Date(System.currentTimeMillis() - 3_600_000))));
        assertArrayEquals(content, read(v1.getObject(new GetObjectRequest(bucket, "k")
                .withMatchingETagConstraint(head.getETag()))));

        S3Object overridden = v1.getObject(new GetObjectRequest(bucket, "k").withResponseHeaders(
                new ResponseHeaderOverrides().withContentType("text/csv").withContentDisposition("attachment")
                        .withCacheControl("no-store")));
        assertEquals("text/csv", overridden.getObjectMetadata().getContentType());
        assertEquals("attachment", overridden.getObjectMetadata().getContentDisposition());
        assertEquals("no-store", overridden.getObjectMetadata().getCacheControl());
        read(overridden);
    }

    @Test
    void listObjectsV2WithContinuation(TestBuckets buckets) {
        String bucket = buckets.create();
        for (String key : List.of("a/1", "a/2", "b", "c")) {
            put(bucket, key, Bytes.utf8(key));
        }
        var first = v1.listObjectsV2(new ListObjectsV2Request().withBucketName(bucket).withMaxKeys(2));
        assertEquals(List.of("a/1", "a/2"), first.getObjectSummaries().stream().map(S3ObjectSummary::getKey).toList());
        assertTrue(first.isTruncated());
        var second = v1.listObjectsV2(new ListObjectsV2Request().withBucketName(bucket)
                .withContinuationToken(first.getNextContinuationToken()));
        assertEquals(List.of("b", "c"), second.getObjectSummaries().stream().map(S3ObjectSummary::getKey).toList());
        var grouped = v1.listObjectsV2(new ListObjectsV2Request().withBucketName(bucket).withDelimiter("/"));
        assertEquals(List.of("a/"), grouped.getCommonPrefixes());
        assertV1Error(404, "NoSuchBucket", () -> v1.listObjectsV2(bucket + "-absent"));
    }

    @Test
    void copyObjectConditions(TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "src", Bytes.utf8("source"));
        String etag = v1.getObjectMetadata(bucket, "src").getETag();
        // SDK v1 returns null when a copy-source condition fails (S3's 412 PreconditionFailed).
        assertNull(v1.copyObject(new CopyObjectRequest(bucket, "src", bucket, "dst")
                .withMatchingETagConstraint("\"0000\"")));
        assertNull(v1.copyObject(new CopyObjectRequest(bucket, "src", bucket, "dst")
                .withNonmatchingETagConstraint(etag)));
        assertV1Error(404, "404 Not Found", () -> v1.getObjectMetadata(bucket, "dst"));
        assertEquals(etag, v1.copyObject(new CopyObjectRequest(bucket, "src", bucket, "dst")
                .withMatchingETagConstraint(etag)).getETag());
        assertV1Error(404, "NoSuchKey", () -> v1.copyObject(bucket, "absent", bucket, "dst2"));
    }

    @Test
    void lowLevelMultipart(TestBuckets buckets) {
        String bucket = buckets.create();
        byte[] first = Bytes.random(PART, 62);
        byte[] source = Bytes.random(3_000, 63);
        put(bucket, "source", source);
        String uploadId = v1.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, "mp")).getUploadId();
        PartETag one = v1.uploadPart(new UploadPartRequest().withBucketName(bucket).withKey("mp")
                .withUploadId(uploadId).withPartNumber(1).withPartSize(first.length)
                .withInputStream(new ByteArrayInputStream(first))).getPartETag();
        PartETag two = v1.copyPart(new CopyPartRequest().withSourceBucketName(bucket).withSourceKey("source")
                .withDestinationBucketName(bucket).withDestinationKey("mp").withUploadId(uploadId)
                .withPartNumber(2).withFirstByte(1000L).withLastByte(1999L)).getPartETag();

        var parts = v1.listParts(new ListPartsRequest(bucket, "mp", uploadId)).getParts();
        assertEquals(List.of(1, 2), parts.stream().map(p -> p.getPartNumber()).toList());
        assertEquals(List.of((long) PART, 1000L), parts.stream().map(p -> p.getSize()).toList());
        var uploads = v1.listMultipartUploads(new ListMultipartUploadsRequest(bucket)).getMultipartUploads();
        assertEquals(List.of(uploadId), uploads.stream().map(u -> u.getUploadId()).toList());

        v1.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, "mp", uploadId, List.of(one, two)));
        byte[] whole = read(v1.getObject(bucket, "mp"));
        assertEquals(PART + 1000, whole.length);
        assertArrayEquals(java.util.Arrays.copyOfRange(source, 1000, 2000),
                java.util.Arrays.copyOfRange(whole, PART, PART + 1000));

        String aborted = v1.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, "gone")).getUploadId();
        v1.abortMultipartUpload(new AbortMultipartUploadRequest(bucket, "gone", aborted));
        assertTrue(v1.listMultipartUploads(new ListMultipartUploadsRequest(bucket)).getMultipartUploads().isEmpty());
        assertV1Error(404, "NoSuchUpload", () -> v1.listParts(new ListPartsRequest(bucket, "gone", aborted)));
        assertV1Error(404, "NoSuchUpload", () -> v1.abortMultipartUpload(
                new AbortMultipartUploadRequest(bucket, "gone", aborted)));
    }
}
