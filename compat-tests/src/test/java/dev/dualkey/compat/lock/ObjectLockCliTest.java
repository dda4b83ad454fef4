package dev.dualkey.compat.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object Lock and tagging through the aws CLI ({@code s3api}, botocore's flexible checksums: CRC32 instead of
 * Content-MD5 on every checksum-required call, which AWS accepts and so must Dualkey).
 */
class ObjectLockCliTest {
    private static LockFixture fx;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
    }


    private static String inDays(int days) {
        return fx.storeClock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Test
    void complianceVersionThroughTheCli(@TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(fx.gw, dir);
        String b = LockFixture.name("cli");
        aws.run("s3api", "create-bucket", "--bucket", b, "--object-lock-enabled-for-bucket").assertSuccess();
        assertEquals("Enabled", aws.run("s3api", "get-object-lock-configuration", "--bucket", b).assertSuccess()
                .json().path("ObjectLockConfiguration").path("ObjectLockEnabled").asText());
        Path file = Files.writeString(dir.resolve("f"), "data");
        String v = aws.run("s3api", "put-object", "--bucket", b, "--key", "k", "--body", file.toString(),
                "--object-lock-mode", "COMPLIANCE", "--object-lock-retain-until-date", inDays(1))
                .assertSuccess().json().path("VersionId").asText();
        assertEquals("COMPLIANCE", fx.root.headObject(r -> r.bucket(b).key("k").versionId(v)).objectLockModeAsString());
        AccessKey admin = fx.user(LockFixture.S3_ALL);
        for (AwsCli who : new AwsCli[] {aws, aws.as(admin)}) {
            AwsCli.Result r = who.run("s3api", "delete-object", "--bucket", b, "--key", "k", "--version-id", v,
                    "--bypass-governance-retention");
            assertNotEquals(0, r.exitCode());
            assertTrue(r.stderr().contains("AccessDenied") && r.stderr().contains("object protected by object lock"),
                    r::stderr);
        }
        AwsCli.Result shorten = aws.as(admin).run("s3api", "put-object-retention", "--bucket", b, "--key", "k",
                "--version-id", v, "--bypass-governance-retention", "--retention",
                "Mode=GOVERNANCE,RetainUntilDate=" + inDays(1));
        assertNotEquals(0, shorten.exitCode());
        assertTrue(shorten.stderr().contains("AccessDenied"), shorten::stderr);
        aws.run("s3api", "put-object-legal-hold", "--bucket", b, "--key", "k", "--version-id", v,
                "--legal-hold", "Status=ON").assertSuccess();
        fx.storeClock.advance(Duration.ofDays(1).plusMinutes(1));
        AwsCli.Result held = aws.run("s3api", "delete-object", "--bucket", b, "--key", "k", "--version-id", v);
        assertTrue(held.stderr().contains("AccessDenied"), "the legal hold still holds after the date");
        aws.run("s3api", "put-object-legal-hold", "--bucket", b, "--key", "k", "--version-id", v,
                "--legal-hold", "Status=OFF").assertSuccess();
        aws.run("s3api", "delete-object", "--bucket", b, "--key", "k", "--version-id", v).assertSuccess();
    }

    @Test
    void taggingThroughTheCli(@TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(fx.gw, dir);
        String b = fx.plainBucket();
        Path file = Files.writeString(dir.resolve("f"), "data");
        aws.run("s3api", "put-object", "--bucket", b, "--key", "k", "--body", file.toString(), "--tagging",
                "a=1&b=2").assertSuccess();
        var tags = aws.run("s3api", "get-object-tagging", "--bucket", b, "--key", "k").assertSuccess().json()
                .path("TagSet");
        assertEquals(2, tags.size());
        assertEquals("a", tags.get(0).path("Key").asText());
        aws.run("s3api", "put-bucket-tagging", "--bucket", b, "--tagging", "TagSet=[{Key=team,Value=ops}]")
                .assertSuccess();
        assertEquals("ops", fx.root.getBucketTagging(q -> q.bucket(b)).tagSet().get(0).value());
        AwsCli.Result r = aws.run("s3api", "put-object-tagging", "--bucket", b, "--key", "k", "--tagging",
                "TagSet=[{Key=x,Value=1},{Key=x,Value=2}]");
        assertTrue(r.stderr().contains("InvalidTag"), r::stderr);
        aws.run("s3api", "delete-object-tagging", "--bucket", b, "--key", "k").assertSuccess();
        assertTrue(fx.root.getObjectTagging(q -> q.bucket(b).key("k")).tagSet().isEmpty());
    }
}
