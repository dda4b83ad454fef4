package dev.dualkey.compat.integrity;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAttributesResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsResponse;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Flexible checksums end to end through SDK v2 (2.57): its default trailing CRC32 on PutObject, every algorithm,
 * ChecksumMode.ENABLED reads (which the SDK validates), full-object and composite multipart uploads, part reads,
 * ListParts and GetObjectAttributes, and S3's errors for wrong values and wrong combinations. The s3-tests
 * counterparts are {@code test_object_checksum_sha256}, {@code test_multipart_checksum_sha256},
 * {@code test_multipart_use_cksum_helper_*} and {@code test_get_object_attributes*}.
 */
@ExtendWith(GatewayExtension.class)
class ChecksumSdkV2Test {
    private static final int MIB = 1 << 20;
    private static final byte[] P1 = Bytes.random(5 * MIB, 11);
    private static final byte[] P2 = Bytes.random(70_001, 12);

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
    void defaultTrailingCrc32IsStoredReturnedAndValidatedOnRead() {
        byte[] data = Bytes.random(200_000, 1);
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("default"), RequestBody.fromBytes(data));
        String crc32 = Sums.of(ChecksumAlgorithm.CRC32, data);
        assertEquals(crc32, put.checksumCRC32(), "SDK v2 sends CRC32 in an aws-chunked trailer by default");
        assertEquals(ChecksumType.FULL_OBJECT, put.checksumType());
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key("default")
                .checksumMode(ChecksumMode.ENABLED));
        assertArrayEquals(data, got.asByteArray());
        assertEquals(crc32, got.response().checksumCRC32());
        assertEquals(ChecksumType.FULL_OBJECT, got.response().checksumType());
        HeadObjectResponse plain = s3.headObject(b -> b.bucket(bucket).key("default"));
        assertNull(plain.checksumCRC32(), "checksums only with x-amz-checksum-mode: ENABLED");
    }

    @Test
    void everyAlgorithmTheSdkComputesIsStoredAndAWrongValueIsBadDigest() {
        byte[] data = Bytes.utf8("checksums, end to end");
        PutObjectResponse sha256 = s3.putObject(b -> b.bucket(bucket).key("sha256")
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256),
                RequestBody.fromBytes(data));
        assertEquals(Sums.of(ChecksumAlgorithm.SHA256, data), sha256.checksumSHA256());
        PutObjectResponse sha1 = s3.putObject(b -> b.bucket(bucket).key("sha1")
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA1),
                RequestBody.fromBytes(data));
        assertEquals(Sums.of(ChecksumAlgorithm.SHA1, data), sha1.checksumSHA1());
        PutObjectResponse crc32c = s3.putObject(b -> b.bucket(bucket).key("crc32c")
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32_C),
                RequestBody.fromBytes(data));
        assertEquals(Sums.of(ChecksumAlgorithm.CRC32C, data), crc32c.checksumCRC32C());
        // a precomputed CRC64NVME value is sent as a header and checked by the server
        PutObjectResponse crc64 = s3.putObject(b -> b.bucket(bucket).key("crc64")
                .checksumCRC64NVME(Sums.of(ChecksumAlgorithm.CRC64NVME, data)), RequestBody.fromBytes(data));
        assertEquals(Sums.of(ChecksumAlgorithm.CRC64NVME, data), crc64.checksumCRC64NVME());
        var e = assertS3Error(400, "BadDigest", () -> s3.putObject(b -> b.bucket(bucket).key("bad")
                .checksumCRC32("AAAAAA=="), RequestBody.fromBytes(data)));
        assertEquals("The CRC32 you specified did not match the calculated checksum.",
                e.awsErrorDetails().errorMessage());
        assertS3Error(404, "NoSuchKey", () -> s3.headObject(b -> b.bucket(bucket).key("bad")));
    }

    @Test
    void fullObjectCrc64NvmeMultipartCombinesThePartCrcs() {
        String key = "full-crc64";
        CreateMultipartUploadResponse up = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC64_NVME));
        assertEquals(ChecksumType.FULL_OBJECT, up.checksumType(), "CRC64NVME is FULL_OBJECT by default");
        UploadPartResponse r1 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(up.uploadId()).partNumber(1)
                .checksumCRC64NVME(Sums.of(ChecksumAlgorithm.CRC64NVME, P1)), RequestBody.fromBytes(P1));
        UploadPartResponse r2 = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(up.uploadId()).partNumber(2)
                .checksumCRC64NVME(Sums.of(ChecksumAlgorithm.CRC64NVME, P2)), RequestBody.fromBytes(P2));
        assertEquals(Sums.of(ChecksumAlgorithm.CRC64NVME, P2), r2.checksumCRC64NVME());
        String whole = Sums.of(ChecksumAlgorithm.CRC64NVME, P1, P2);
        assertS3Error(400, "BadDigest", () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).checksumCRC64NVME(Sums.of(ChecksumAlgorithm.CRC64NVME, P1))
                .checksumType(ChecksumType.FULL_OBJECT).multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumCRC64NVME(r1.checksumCRC64NVME()).build(),
                        part(2, r2.eTag()).checksumCRC64NVME(r2.checksumCRC64NVME()).build()))));
        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).checksumCRC64NVME(whole).checksumType(ChecksumType.FULL_OBJECT)
                .multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumCRC64NVME(r1.checksumCRC64NVME()).build(),
                        part(2, r2.eTag()).checksumCRC64NVME(r2.checksumCRC64NVME()).build())));
        assertEquals(whole, done.checksumCRC64NVME(), "the checksum of all bytes, derived without a re-read");
        assertEquals(ChecksumType.FULL_OBJECT, done.checksumType());
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key).checksumMode(ChecksumMode.ENABLED));
        assertEquals(whole, head.checksumCRC64NVME());
        assertEquals(ChecksumType.FULL_OBJECT, head.checksumType());
    }

    @Test
    void fullObjectCrc32MultipartIsValidatedByTheSdkOnRead() {
        String key = "full-crc32";
        CreateMultipartUploadResponse up = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32)
                .checksumType(ChecksumType.FULL_OBJECT));
        assertEquals(ChecksumType.FULL_OBJECT, up.checksumType());
        UploadPartResponse r1 = uploadPart(key, up.uploadId(), 1, P1,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32);
        UploadPartResponse r2 = uploadPart(key, up.uploadId(), 2, P2,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32);
        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumCRC32(r1.checksumCRC32()).build(),
                        part(2, r2.eTag()).checksumCRC32(r2.checksumCRC32()).build())));
        assertEquals(Sums.of(ChecksumAlgorithm.CRC32, P1, P2), done.checksumCRC32());
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)
                .checksumMode(ChecksumMode.ENABLED));
        assertEquals(P1.length + P2.length, got.asByteArray().length);
        assertEquals(done.checksumCRC32(), got.response().checksumCRC32(), "validated by the SDK as it read");
    }

    @Test
    void compositeSha256ListPartsPartReadsAndObjectAttributes() {
        String key = "composite";
        CreateMultipartUploadResponse up = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256));
        assertEquals(ChecksumType.COMPOSITE, up.checksumType());
        UploadPartResponse r1 = uploadPart(key, up.uploadId(), 1, P1,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256);
        UploadPartResponse r2 = uploadPart(key, up.uploadId(), 2, P2,
                software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256);
        assertEquals(Sums.of(ChecksumAlgorithm.SHA256, P1), r1.checksumSHA256());

        ListPartsResponse parts = s3.listParts(b -> b.bucket(bucket).key(key).uploadId(up.uploadId()));
        assertEquals(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256, parts.checksumAlgorithm());
        assertEquals(ChecksumType.COMPOSITE, parts.checksumType());
        assertEquals(List.of(r1.checksumSHA256(), r2.checksumSHA256()),
                parts.parts().stream().map(p -> p.checksumSHA256()).toList());

        var missing = assertS3Error(400, "InvalidRequest", () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key(key).uploadId(up.uploadId()).multipartUpload(m -> m.parts(part(1, r1.eTag()).build(),
                        part(2, r2.eTag()).build()))));
        assertTrue(missing.awsErrorDetails().errorMessage().contains("must include the checksum for each part"),
                missing.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidPart", () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumSHA256(r2.checksumSHA256()).build(),
                        part(2, r2.eTag()).checksumSHA256(r2.checksumSHA256()).build()))));
        assertS3Error(400, "InvalidRequest", () -> s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).checksumType(ChecksumType.FULL_OBJECT).multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumSHA256(r1.checksumSHA256()).build(),
                        part(2, r2.eTag()).checksumSHA256(r2.checksumSHA256()).build()))));

        CompleteMultipartUploadResponse done = s3.completeMultipartUpload(b -> b.bucket(bucket).key(key)
                .uploadId(up.uploadId()).multipartUpload(m -> m.parts(
                        part(1, r1.eTag()).checksumSHA256(r1.checksumSHA256()).build(),
                        part(2, r2.eTag()).checksumSHA256(r2.checksumSHA256()).build())));
        String composite = Sums.composite(ChecksumAlgorithm.SHA256, P1, P2);
        assertEquals(composite, done.checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, done.checksumType());

        // a part read: its bytes, the part count and, in checksum mode, the part's own checksum
        ResponseBytes<GetObjectResponse> second = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).partNumber(2)
                .checksumMode(ChecksumMode.ENABLED));
        assertArrayEquals(P2, second.asByteArray());
        assertEquals(2, second.response().partsCount());
        assertEquals(r2.checksumSHA256(), second.response().checksumSHA256());
        assertEquals("bytes " + P1.length + "-" + (P1.length + P2.length - 1) + "/" + (P1.length + P2.length),
                second.response().contentRange());
        assertS3Error(416, "InvalidPartNumber", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)
                .partNumber(3)));
        // the whole object in checksum mode: the composite value (the SDK skips validating composites)
        ResponseBytes<GetObjectResponse> whole = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)
                .checksumMode(ChecksumMode.ENABLED));
        assertEquals(composite, whole.response().checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, whole.response().checksumType());

        GetObjectAttributesResponse attrs = s3.getObjectAttributes(b -> b.bucket(bucket).key(key).maxParts(1)
                .objectAttributes(ObjectAttributes.E_TAG, ObjectAttributes.CHECKSUM, ObjectAttributes.OBJECT_PARTS,
                        ObjectAttributes.STORAGE_CLASS, ObjectAttributes.OBJECT_SIZE));
        assertEquals(done.eTag().replace("\"", ""), attrs.eTag());
        assertEquals(composite.substring(0, composite.lastIndexOf('-')), attrs.checksum().checksumSHA256());
        assertEquals(ChecksumType.COMPOSITE, attrs.checksum().checksumType());
        assertEquals(P1.length + P2.length, attrs.objectSize());
        assertEquals("STANDARD", attrs.storageClassAsString());
        assertEquals(2, attrs.objectParts().totalPartsCount());
        assertTrue(attrs.objectParts().isTruncated());
        assertEquals(1, attrs.objectParts().parts().size());
        assertEquals((long) P1.length, attrs.objectParts().parts().get(0).size());
        assertEquals(r1.checksumSHA256(), attrs.objectParts().parts().get(0).checksumSHA256());
        GetObjectAttributesResponse page2 = s3.getObjectAttributes(b -> b.bucket(bucket).key(key).maxParts(1)
                .partNumberMarker(attrs.objectParts().nextPartNumberMarker())
                .objectAttributes(ObjectAttributes.OBJECT_PARTS));
        assertFalse(page2.objectParts().isTruncated());
        assertEquals(2, page2.objectParts().parts().get(0).partNumber());
        assertEquals(r2.checksumSHA256(), page2.objectParts().parts().get(0).checksumSHA256());
        assertNull(page2.eTag(), "only the attributes asked for");
    }

    @Test
    void checksumTypeAndAlgorithmMustFit() {
        var e = assertS3Error(400, "InvalidRequest", () -> s3.createMultipartUpload(b -> b.bucket(bucket).key("x")
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.SHA256)
                .checksumType(ChecksumType.FULL_OBJECT)));
        assertTrue(e.awsErrorDetails().errorMessage().contains("FULL_OBJECT"), e.awsErrorDetails().errorMessage());
        assertS3Error(400, "InvalidRequest", () -> s3.createMultipartUpload(b -> b.bucket(bucket).key("x")
                .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC64_NVME)
                .checksumType(ChecksumType.COMPOSITE)));
        assertS3Error(400, "InvalidRequest", () -> s3.getObjectAttributes(b -> b.bucket(bucket).key("sha256")
                .objectAttributes(List.of())));
    }

    private static UploadPartResponse uploadPart(String key, String uploadId, int n, byte[] data,
                                                 software.amazon.awssdk.services.s3.model.ChecksumAlgorithm a) {
        return s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(n).checksumAlgorithm(a),
                RequestBody.fromBytes(data));
    }

    private static CompletedPart.Builder part(int n, String etag) {
        return CompletedPart.builder().partNumber(n).eTag(etag);
    }
}
