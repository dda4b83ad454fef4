package dev.dualkey.compat.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The aws CLI (botocore, with its default CRC32 checksums) against the gateway: high-level s3 and s3api. */
@ExtendWith(GatewayExtension.class)
class CliTest {

    private static GatewayEndpoint gateway;
    private static S3Client s3;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    /** {@code aws s3 cp} of 64 MiB goes multipart (8 MiB parts by default) both ways. */
    @Test
    void cp64MiBGoesMultipart(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        Path file = MultipartTest.randomFile(dir.resolve("big.bin"), 64 << 20, 77);
        aws.run(Duration.ofMinutes(2), "s3", "cp", file.toString(), "s3://" + bucket + "/big.bin").assertSuccess();
        String etag = s3.headObject(b -> b.bucket(bucket).key("big.bin")).eTag();
        assertTrue(etag.endsWith("-8\""), () -> "not a multipart ETag: " + etag);
        Path back = dir.resolve("back.bin");
        aws.run(Duration.ofMinutes(2), "s3", "cp", "s3://" + bucket + "/big.bin", back.toString()).assertSuccess();
        assertEquals(MultipartTest.md5(file), MultipartTest.md5(back));
    }

    /** {@code aws s3 sync} up, then down into an empty directory, then again with nothing to do. */
    @Test
    void syncBothWays(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("nested/deeper"));
        Files.writeString(src.resolve("a.txt"), "alpha");
        Files.writeString(src.resolve("nested/b with space.txt"), "beta");
        Files.write(src.resolve("nested/deeper/c.bin"), Bytes.random(100_000, 5));

        aws.run("s3", "sync", src.toString(), "s3://" + bucket + "/tree").assertSuccess();
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().forEach(o -> keys.add(o.key()));
        assertEquals(List.of("tree/a.txt", "tree/nested/b with space.txt", "tree/nested/deeper/c.bin"), keys);

        s3.putObject(b -> b.bucket(bucket).key("tree/remote-only.txt"), RequestBody.fromString("gamma"));
        Path dst = Files.createDirectories(dir.resolve("dst"));
        aws.run("s3", "sync", "s3://" + bucket + "/tree", dst.toString()).assertSuccess();
        assertEquals("alpha", Files.readString(dst.resolve("a.txt")));
        assertEquals("beta", Files.readString(dst.resolve("nested/b with space.txt")));
        assertArrayEquals(Files.readAllBytes(src.resolve("nested/deeper/c.bin")), Files.readAllBytes(dst.resolve("nested/deeper/c.bin")));
        assertEquals("gamma", Files.readString(dst.resolve("remote-only.txt")));

        AwsCli.Result again = aws.run("s3", "sync", src.toString(), "s3://" + bucket + "/tree").assertSuccess();
        assertEquals("", again.stdout().trim(), "nothing changed, nothing uploaded");
    }

    /** {@code aws s3api}: put-bucket-versioning, put-object, list-object-versions, get-object by version. */
    @Test
    void s3apiVersioningCalls(TestBuckets buckets, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        aws.run("s3api", "put-bucket-versioning", "--bucket", bucket,
                "--versioning-configuration", "Status=Enabled").assertSuccess();
        assertEquals("Enabled", aws.run("s3api", "get-bucket-versioning", "--bucket", bucket)
                .assertSuccess().json().path("Status").asText());

        Path one = Files.writeString(dir.resolve("one.txt"), "one");
        Path two = Files.writeString(dir.resolve("two.txt"), "two");
        String v1 = aws.run("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", one.toString())
                .assertSuccess().json().path("VersionId").asText();
        String v2 = aws.run("s3api", "put-object", "--bucket", bucket, "--key", "doc", "--body", two.toString())
                .assertSuccess().json().path("VersionId").asText();
        assertNotEquals(v1, v2);

        JsonNode versions = aws.run("s3api", "list-object-versions", "--bucket", bucket).assertSuccess().json();
        List<String> ids = new ArrayList<>();
        versions.path("Versions").forEach(v -> ids.add(v.path("VersionId").asText()));
        assertEquals(List.of(v2, v1), ids);
        assertTrue(versions.path("Versions").get(0).path("IsLatest").asBoolean());

        Path out = dir.resolve("out.txt");
        JsonNode got = aws.run("s3api", "get-object", "--bucket", bucket, "--key", "doc", "--version-id", v1,
                out.toString()).assertSuccess().json();
        assertEquals(v1, got.path("VersionId").asText());
        assertEquals("one", Files.readString(out));

        aws.run("s3api", "delete-object", "--bucket", bucket, "--key", "doc").assertSuccess();
        JsonNode afterDelete = aws.run("s3api", "list-object-versions", "--bucket", bucket).assertSuccess().json();
        assertEquals(1, afterDelete.path("DeleteMarkers").size());
        assertEquals(2, afterDelete.path("Versions").size());
    }

    /** A CLI failure surfaces S3's error code and a non-zero exit. */
    @Test
    void missingKeyFailsWithNoSuchKey(TestBuckets buckets, @TempDir Path dir) {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        AwsCli.Result result = aws.run("s3api", "get-object", "--bucket", bucket, "--key", "absent",
                dir.resolve("x").toString());
        assertNotEquals(0, result.exitCode());
        assertTrue(result.stderr().contains("NoSuchKey"), result::stderr);
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList().isEmpty());
    }
}
