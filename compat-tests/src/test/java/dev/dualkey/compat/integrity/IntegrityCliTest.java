package dev.dualkey.compat.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The aws CLI (botocore's models): put-object with --checksum-algorithm, get-object-attributes, head-object with
 * --checksum-mode, list-buckets with --max-buckets, put/get-bucket-logging, and conditional put-object.
 */
@ExtendWith(GatewayExtension.class)
class IntegrityCliTest {
    @TempDir
    Path dir;

    @Test
    void checksumsAttributesListBucketsAndLogging(GatewayEndpoint gw, TestBuckets buckets) throws Exception {
        AwsCli aws = AwsCli.require(gw, dir);
        String bucket = buckets.create();
        String target = buckets.create();
        byte[] data = Bytes.random(4096, 31);
        Path file = dir.resolve("f");
        Files.write(file, data);

        JsonNode put = aws.run("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", file.toString(),
                "--checksum-algorithm", "SHA256").assertSuccess().json();
        assertEquals(Sums.of(ChecksumAlgorithm.SHA256, data), put.path("ChecksumSHA256").asText());

        JsonNode attrs = aws.run("s3api", "get-object-attributes", "--bucket", bucket, "--key", "k",
                "--object-attributes", "ETag", "Checksum", "ObjectSize", "StorageClass").assertSuccess().json();
        assertEquals(Bytes.etag(data).replace("\"", ""), attrs.path("ETag").asText());
        assertEquals(Sums.of(ChecksumAlgorithm.SHA256, data), attrs.path("Checksum").path("ChecksumSHA256").asText());
        assertEquals("FULL_OBJECT", attrs.path("Checksum").path("ChecksumType").asText());
        assertEquals(4096, attrs.path("ObjectSize").asLong());

        JsonNode head = aws.run("s3api", "head-object", "--bucket", bucket, "--key", "k", "--checksum-mode",
                "ENABLED").assertSuccess().json();
        assertEquals(Sums.of(ChecksumAlgorithm.SHA256, data), head.path("ChecksumSHA256").asText());

        AwsCli.Result exists = aws.run("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body",
                file.toString(), "--if-none-match", "*");
        assertTrue(exists.exitCode() != 0 && exists.stderr().contains("PreconditionFailed"), exists.stderr());

        JsonNode page = aws.run("s3api", "list-buckets", "--max-buckets", "1", "--no-paginate").assertSuccess()
                .json();
        assertEquals(1, page.path("Buckets").size());
        assertNotNull(page.get("ContinuationToken"));

        aws.run("s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status",
                "{\"LoggingEnabled\":{\"TargetBucket\":\"" + target + "\",\"TargetPrefix\":\"cli/\"}}")
                .assertSuccess();
        JsonNode logging = aws.run("s3api", "get-bucket-logging", "--bucket", bucket).assertSuccess().json();
        assertEquals(target, logging.path("LoggingEnabled").path("TargetBucket").asText());
        assertEquals("cli/", logging.path("LoggingEnabled").path("TargetPrefix").asText());
        AwsCli.Result bad = aws.run("s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status",
                "{\"LoggingEnabled\":{\"TargetBucket\":\"" + target + "-nope\",\"TargetPrefix\":\"x/\"}}");
        assertTrue(bad.exitCode() != 0 && bad.stderr().contains("InvalidTargetBucketForLogging"), bad.stderr());
    }
}
