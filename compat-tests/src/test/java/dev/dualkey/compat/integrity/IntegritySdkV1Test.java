package dev.dualkey.compat.integrity;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.BucketLoggingConfiguration;
import com.amazonaws.services.s3.model.CompleteMultipartUploadRequest;
import com.amazonaws.services.s3.model.GetObjectMetadataRequest;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.InitiateMultipartUploadRequest;
import com.amazonaws.services.s3.model.ListBucketsPaginatedRequest;
import com.amazonaws.services.s3.model.ListBucketsPaginatedResult;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PartETag;
import com.amazonaws.services.s3.model.S3Object;
import com.amazonaws.services.s3.model.SetBucketLoggingConfigurationRequest;
import com.amazonaws.services.s3.model.UploadPartRequest;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The same features through SDK v1 (1.12), which predates flexible checksums: part reads and part counts of a
 * multipart object, checksum headers on request with {@code x-amz-checksum-mode}, ListBuckets pages
 * ({@code ListBucketsPaginatedRequest}) and bucket logging configuration.
 */
@ExtendWith(GatewayExtension.class)
class IntegritySdkV1Test {
    private static final byte[] P1 = Bytes.random(5 << 20, 21);
    private static final byte[] P2 = Bytes.random(3333, 22);
    private static AmazonS3 s3;
    private static String bucket;

    @BeforeAll
    static void setUp(GatewayEndpoint gw, TestBuckets buckets) {
        s3 = Clients.v1(gw);
        bucket = buckets.create();
    }

    @AfterAll
    static void close() {
        s3.shutdown();
    }

    @Test
    void partReadsOfAMultipartObject() throws Exception {
        String key = "v1-mp";
        String uploadId = s3.initiateMultipartUpload(new InitiateMultipartUploadRequest(bucket, key)).getUploadId();
        List<PartETag> etags = new ArrayList<>();
        int n = 1;
        for (byte[] p : new byte[][] {P1, P2}) {
            etags.add(s3.uploadPart(new UploadPartRequest().withBucketName(bucket).withKey(key)
                    .withUploadId(uploadId).withPartNumber(n++).withInputStream(new ByteArrayInputStream(p))
                    .withPartSize(p.length)).getPartETag());
        }
        s3.completeMultipartUpload(new CompleteMultipartUploadRequest(bucket, key, uploadId, etags));
        ObjectMetadata part2 = s3.getObjectMetadata(new GetObjectMetadataRequest(bucket, key).withPartNumber(2));
        assertEquals(2, part2.getPartCount());
        assertEquals(P2.length, part2.getContentLength());
        try (S3Object o = s3.getObject(new GetObjectRequest(bucket, key).withPartNumber(1))) {
            assertArrayEquals(P1, o.getObjectContent().readAllBytes());
            assertEquals(2, o.getObjectMetadata().getPartCount());
        }
    }

    @Test
    void checksumHeadersWithChecksumMode(GatewayEndpoint gw) {
        byte[] data = Bytes.random(1000, 23);
        try (S3Client v2 = Clients.v2(gw)) {
            v2.putObject(b -> b.bucket(bucket).key("crc"), RequestBody.fromBytes(data));
        }
        GetObjectMetadataRequest plain = new GetObjectMetadataRequest(bucket, "crc");
        assertNull(s3.getObjectMetadata(plain).getRawMetadataValue("x-amz-checksum-crc32"));
        GetObjectMetadataRequest enabled = new GetObjectMetadataRequest(bucket, "crc");
        enabled.putCustomRequestHeader("x-amz-checksum-mode", "ENABLED");
        ObjectMetadata m = s3.getObjectMetadata(enabled);
        assertEquals(Sums.of(ChecksumAlgorithm.CRC32, data), m.getRawMetadataValue("x-amz-checksum-crc32"));
        assertEquals("FULL_OBJECT", m.getRawMetadataValue("x-amz-checksum-type"));
    }

    @Test
    void listBucketsPagesAndBucketLogging(TestBuckets more) {
        String a = more.create();
        String b = more.create();
        ListBucketsPaginatedResult first = s3.listBuckets(new ListBucketsPaginatedRequest().withMaxBuckets(1)
                .withPrefix("compat-"));
        assertEquals(1, first.getBuckets().size());
        assertNotNull(first.getContinuationToken());
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            ListBucketsPaginatedResult page = s3.listBuckets(new ListBucketsPaginatedRequest().withMaxBuckets(2)
                    .withContinuationToken(token));
            page.getBuckets().forEach(x -> names.add(x.getName()));
            token = page.getContinuationToken();
        } while (token != null);
        assertTrue(names.contains(a) && names.contains(b), names.toString());

        s3.setBucketLoggingConfiguration(new SetBucketLoggingConfigurationRequest(a,
                new BucketLoggingConfiguration(b, "from-a/")));
        BucketLoggingConfiguration got = s3.getBucketLoggingConfiguration(a);
        assertEquals(b, got.getDestinationBucketName());
        assertEquals("from-a/", got.getLogFilePrefix());
        assertV1Error(400, "InvalidTargetBucketForLogging", () -> s3.setBucketLoggingConfiguration(
                new SetBucketLoggingConfigurationRequest(a, new BucketLoggingConfiguration(a + "-none", "x/"))));
        s3.setBucketLoggingConfiguration(new SetBucketLoggingConfigurationRequest(a,
                new BucketLoggingConfiguration()));
        assertTrue(!s3.getBucketLoggingConfiguration(a).isLoggingEnabled());
    }
}
