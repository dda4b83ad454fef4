package dev.dualkey.compat.integrity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.GetObjectMetadataRequest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * S3's default checksum (issue 16): a PutObject naming no checksum algorithm gets a full-object CRC64NVME computed
 * by the server, answered on the PutObject response and on GET/HEAD with {@code x-amz-checksum-mode: ENABLED}
 * ({@code x-amz-checksum-type: FULL_OBJECT}), and in GetObjectAttributes; a client naming an algorithm gets that one
 * only. Through SDK v2 with {@code requestChecksumCalculation(WHEN_REQUIRED)}, SDK v1 (which never names one) and the
 * aws CLI with {@code AWS_REQUEST_CHECKSUM_CALCULATION=when_required}. The expected values are checked against the
 * CRC-64/NVME check value of "123456789" (0xAE8B14860A799888), independent of the server's code.
 */
@ExtendWith(GatewayExtension.class)
class DefaultChecksumTest {
    private static final String CHECK_VALUE = Base64.getEncoder().encodeToString(
            ByteBuffer.allocate(8).putLong(0xAE8B14860A799888L).array());
    private static S3Client plain;
    private static GatewayEndpoint endpoint;
    private static String bucket;

    @BeforeAll
    static void setUp(GatewayEndpoint gw, TestBuckets buckets) {
        endpoint = gw;
        plain = Clients.v2WithoutRequestChecksums(gw);
        bucket = buckets.create();
    }

    @AfterAll
    static void close() {
        plain.close();
    }

    @Test
    void sdkV2WithoutAChecksumGetsTheServersCrc64Nvme() {
        PutObjectResponse put = plain.putObject(b -> b.bucket(bucket).key("check"),
                RequestBody.fromString("123456789"));
        assertEquals(CHECK_VALUE, put.checksumCRC64NVME(), "the catalogue's check value, not only our own CRC");
        assertEquals(ChecksumType.FULL_OBJECT, put.checksumType());

        byte[] data = Bytes.random(300_001, 64); // a blob, several 64 KiB chunks, an odd length
        String want = Sums.of(ChecksumAlgorithm.CRC64NVME, data);
        assertEquals(want, plain.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(data))
                .checksumCRC64NVME());
        HeadObjectResponse head = plain.headObject(b -> b.bucket(bucket).key("big").checksumMode(ChecksumMode.ENABLED));
        assertEquals(want, head.checksumCRC64NVME());
        assertEquals(ChecksumType.FULL_OBJECT, head.checksumType());
        assertNull(plain.headObject(b -> b.bucket(bucket).key("big")).checksumCRC64NVME(),
                "only with x-amz-checksum-mode: ENABLED");
        var got = plain.getObjectAsBytes(b -> b.bucket(bucket).key("big").checksumMode(ChecksumMode.ENABLED));
        assertArrayEquals(data, got.asByteArray());
        assertEquals(want, got.response().checksumCRC64NVME());
        var attrs = plain.getObjectAttributes(b -> b.bucket(bucket).key("big")
                .objectAttributes(ObjectAttributes.CHECKSUM));
        assertEquals(want, attrs.checksum().checksumCRC64NVME());

        // a client naming CRC32 gets CRC32 only
        try (S3Client withCrc = Clients.v2(endpoint)) {
            PutObjectResponse crc32 = withCrc.putObject(b -> b.bucket(bucket).key("crc32")
                    .checksumAlgorithm(software.amazon.awssdk.services.s3.model.ChecksumAlgorithm.CRC32),
                    RequestBody.fromBytes(data));
            assertEquals(Sums.of(ChecksumAlgorithm.CRC32, data), crc32.checksumCRC32());
            assertNull(crc32.checksumCRC64NVME());
        }
        // a copy of an object keeps its algorithm
        assertEquals(want, plain.copyObject(b -> b.sourceBucket(bucket).sourceKey("big").destinationBucket(bucket)
                .destinationKey("big-copy")).copyObjectResult().checksumCRC64NVME());
    }

    @Test
    void sdkV1UploadsGetTheDefaultChecksum(GatewayEndpoint gw) {
        AmazonS3 v1 = Clients.v1(gw);
        try {
            v1.putObject(bucket, "v1", "123456789");
            GetObjectMetadataRequest enabled = new GetObjectMetadataRequest(bucket, "v1");
            enabled.putCustomRequestHeader("x-amz-checksum-mode", "ENABLED");
            var m = v1.getObjectMetadata(enabled);
            assertEquals(CHECK_VALUE, m.getRawMetadataValue("x-amz-checksum-crc64nvme"));
            assertEquals("FULL_OBJECT", m.getRawMetadataValue("x-amz-checksum-type"));
        } finally {
            v1.shutdown();
        }
    }

    @Test
    void awsCliUploadsWithoutAChecksumGetTheDefault(GatewayEndpoint gw, @TempDir Path work) throws Exception {
        AwsCli cli = AwsCli.require(gw, work).withEnvironment("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
        Path file = work.resolve("check.txt");
        Files.writeString(file, "123456789", StandardCharsets.US_ASCII);
        JsonNode put = cli.run("s3api", "put-object", "--bucket", bucket, "--key", "cli", "--body", file.toString())
                .assertSuccess().json();
        assertEquals(CHECK_VALUE, put.path("ChecksumCRC64NVME").asText(), put.toString());
        JsonNode head = cli.run("s3api", "head-object", "--bucket", bucket, "--key", "cli", "--checksum-mode",
                "ENABLED").assertSuccess().json();
        assertEquals(CHECK_VALUE, head.path("ChecksumCRC64NVME").asText(), head.toString());
        assertEquals("FULL_OBJECT", head.path("ChecksumType").asText());
    }
}
