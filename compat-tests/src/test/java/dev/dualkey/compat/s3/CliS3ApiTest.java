package dev.dualkey.compat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code aws s3api} (botocore) on every bucket, object and multipart operation of the S3 API, with results
 * read from the CLI's JSON output and failures checked for S3's error code and a non-zero exit.
 */
@ExtendWith(GatewayExtension.class)
class CliS3ApiTest {

    private static GatewayEndpoint gateway;

    @BeforeAll
    static void endpoint(GatewayEndpoint gw) {
        gateway = gw;
    }

    private static void assertFails(AwsCli.Result result, String code) {
        assertNotEquals(0, result.exitCode(), result::stdout);
        assertTrue(result.stderr().contains(code), result::stderr);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    @Test
    void bucketOperations(TestBuckets buckets, @TempDir Path dir) {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.newName();
        aws.run("s3api", "create-bucket", "--bucket", bucket).assertSuccess();
        aws.run("s3api", "head-bucket", "--bucket", bucket).assertSuccess();
        assertTrue(texts(aws.run("s3api", "list-buckets").assertSuccess().json().path("Buckets"), "Name")
                .contains(bucket));
        assertTrue(aws.run("s3api", "get-bucket-location", "--bucket", bucket).assertSuccess().json()
                .path("LocationConstraint").isNull(), "us-east-1 is the null constraint");
        // us-east-1: the owner's re-create is AWS's legacy 200 (409 BucketAlreadyOwnedByYou in other regions)
        aws.run("s3api", "create-bucket", "--bucket", bucket).assertSuccess();
        assertFails(aws.run("s3api", "create-bucket", "--bucket", buckets.newName(),
                "--create-bucket-configuration", "LocationConstraint=eu-west-1"), "IllegalLocationConstraintException");
        aws.run("s3api", "delete-bucket", "--bucket", bucket).assertSuccess();
        assertFails(aws.run("s3api", "delete-bucket", "--bucket", bucket), "NoSuchBucket");
    }

    @Test
    void objectOperations(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        byte[] content = Bytes.random(10_000, 71);
        Path file = Files.write(dir.resolve("in.bin"), content);
        JsonNode put = aws.run("s3api", "put-object", "--bucket", bucket, "--key", "k", "--body", file.toString(),
                "--content-type", "application/x-test", "--metadata", "colour=blue",
                "--content-md5", Bytes.md5Base64(content)).assertSuccess().json();
        assertEquals(Bytes.etag(content), put.path("ETag").asText());
        assertFails(aws.run("s3api", "put-object", "--bucket", bucket, "--key", "bad", "--body", file.toString(),
                "--content-md5", Bytes.md5Base64(Bytes.utf8("other"))), "BadDigest");

        JsonNode head = aws.run("s3api", "head-object", "--bucket", bucket, "--key", "k").assertSuccess().json();
        assertEquals(content.length, head.path("ContentLength").asInt());
        assertEquals("application/x-test", head.path("ContentType").asText());
        assertEquals("blue", head.path("Metadata").path("colour").asText());

        Path part = dir.resolve("range.bin");
        JsonNode ranged = aws.run("s3api", "get-object", "--bucket", bucket, "--key", "k", "--range", "bytes=100-199",
                part.toString()).assertSuccess().json();
        assertEquals("bytes 100-199/" + content.length, ranged.path("ContentRange").asText());
        assertEquals(Bytes.md5Hex(java.util.Arrays.copyOfRange(content, 100, 200)), Bytes.md5Hex(Files.readAllBytes(part)));
        assertFails(aws.run("s3api", "get-object", "--bucket", bucket, "--key", "k", "--range", "bytes=20000-",
                dir.resolve("x").toString()), "InvalidRange");
        assertFails(aws.run("s3api", "get-object", "--bucket", bucket, "--key", "k", "--if-match", "\"0000\"",
                dir.resolve("x").toString()), "PreconditionFailed");

        JsonNode copy = aws.run("s3api", "copy-object", "--bucket", bucket, "--key", "copy", "--copy-source",
                bucket + "/k", "--metadata-directive", "REPLACE", "--metadata", "colour=red").assertSuccess().json();
        assertEquals(Bytes.etag(content), copy.path("CopyObjectResult").path("ETag").asText());
        assertEquals("red", aws.run("s3api", "head-object", "--bucket", bucket, "--key", "copy").assertSuccess()
                .json().path("Metadata").path("colour").asText());
        assertFails(aws.run("s3api", "copy-object", "--bucket", bucket, "--key", "c2", "--copy-source",
                bucket + "/absent"), "NoSuchKey");

        assertEquals(List.of("copy", "k"), texts(aws.run("s3api", "list-objects", "--bucket", bucket)
                .assertSuccess().json().path("Contents"), "Key"));
        assertEquals(List.of("copy", "k"), texts(aws.run("s3api", "list-objects-v2", "--bucket", bucket)
                .assertSuccess().json().path("Contents"), "Key"));

        aws.run("s3api", "delete-object", "--bucket", bucket, "--key", "copy").assertSuccess();
        JsonNode deleted = aws.run("s3api", "delete-objects", "--bucket", bucket, "--delete",
                "Objects=[{Key=k},{Key=never-existed}]").assertSuccess().json();
        assertEquals(List.of("k", "never-existed"), texts(deleted.path("Deleted"), "Key"));
        assertEquals(0, aws.run("s3api", "list-objects-v2", "--bucket", bucket).assertSuccess().json()
                .path("KeyCount").asInt());
    }

    @Test
    void multipartOperations(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        byte[] first = Bytes.random(5 << 20, 72);
        Path firstFile = Files.write(dir.resolve("p1.bin"), first);
        aws.run("s3api", "put-object", "--bucket", bucket, "--key", "src", "--body",
                Files.write(dir.resolve("src.bin"), Bytes.random(4_000, 73)).toString()).assertSuccess();

        String uploadId = aws.run("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "mp")
                .assertSuccess().json().path("UploadId").asText();
        String etag1 = aws.run("s3api", "upload-part", "--bucket", bucket, "--key", "mp", "--upload-id", uploadId,
                "--part-number", "1", "--body", firstFile.toString()).assertSuccess().json().path("ETag").asText();
        String etag2 = aws.run("s3api", "upload-part-copy", "--bucket", bucket, "--key", "mp", "--upload-id",
                uploadId, "--part-number", "2", "--copy-source", bucket + "/src", "--copy-source-range",
                "bytes=0-999").assertSuccess().json().path("CopyPartResult").path("ETag").asText();
        JsonNode parts = aws.run("s3api", "list-parts", "--bucket", bucket, "--key", "mp", "--upload-id", uploadId)
                .assertSuccess().json().path("Parts");
        assertEquals(List.of(etag1, etag2), texts(parts, "ETag"));
        assertEquals(List.of(uploadId), texts(aws.run("s3api", "list-multipart-uploads", "--bucket", bucket)
                .assertSuccess().json().path("Uploads"), "UploadId"));

        Path completion = Files.writeString(dir.resolve("parts.json"), "{\"Parts\":[{\"PartNumber\":1,\"ETag\":"
                + quoteJson(etag1) + "},{\"PartNumber\":2,\"ETag\":" + quoteJson(etag2) + "}]}");
        JsonNode done = aws.run("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "mp",
                "--upload-id", uploadId, "--multipart-upload", "file://" + completion).assertSuccess().json();
        assertTrue(done.path("ETag").asText().endsWith("-2\""), done::toString);
        assertEquals((5 << 20) + 1000, aws.run("s3api", "head-object", "--bucket", bucket, "--key", "mp")
                .assertSuccess().json().path("ContentLength").asInt());

        String other = aws.run("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "gone")
                .assertSuccess().json().path("UploadId").asText();
        aws.run("s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "gone", "--upload-id", other)
                .assertSuccess();
        assertFails(aws.run("s3api", "list-parts", "--bucket", bucket, "--key", "gone", "--upload-id", other),
                "NoSuchUpload");
        assertFails(aws.run("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "gone",
                "--upload-id", other, "--multipart-upload", "file://" + completion), "NoSuchUpload");
    }

    private static String quoteJson(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
