package dev.dualkey.compat.lock;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.RawS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 15: UploadPart into an upload whose object will be locked needs Content-MD5 or an {@code x-amz-checksum-*}
 * value, as PutObject with Object Lock parameters does (S3's model of UploadPart: Content-MD5 "is required if object
 * lock parameters are specified"; AWS's InvalidRequest message). The lock may come from CreateMultipartUpload's
 * retention or legal-hold headers or from the bucket's default retention. Current SDK v2 and CLI send a CRC32 on every
 * part by default and pass; SDK v2 with {@code requestChecksumCalculation(WHEN_REQUIRED)} and a raw signed request
 * send none and are refused; Content-MD5 alone is accepted; a part of an unlocked upload needs nothing.
 */
class LockedMultipartChecksumTest {
    static final String REQUIRED = "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests"
            + " with Object Lock parameters";

    private static LockFixture fx;
    private static S3Client s3;
    /** SDK v2 sending checksums only where an operation requires one (UploadPart does not): no checksum on parts. */
    private static S3Client whenRequired;

    @BeforeAll
    static void start() {
        fx = LockFixture.shared();
        s3 = fx.root;
        whenRequired = S3Client.builder().endpointOverride(fx.gw.endpoint()).region(Region.of(fx.gw.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        fx.gw.root().accessKeyId(), fx.gw.root().secretKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .build();
    }

    @AfterAll
    static void stop() {
        whenRequired.close();
    }

    private static Instant inDays(int days) {
        return fx.storeClock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
    }

    private static String create(String bucket, String key, Consumer<CreateMultipartUploadRequest.Builder> lock) {
        return s3.createMultipartUpload(r -> {
            r.bucket(bucket).key(key);
            lock.accept(r);
        }).uploadId();
    }

    private static void refusedWithoutChecksum(String bucket, String key, String uploadId) {
        S3Exception e = assertS3Error(400, "InvalidRequest", () -> whenRequired.uploadPart(r -> r.bucket(bucket)
                .key(key).uploadId(uploadId).partNumber(1), RequestBody.fromString("part one")));
        assertEquals(REQUIRED, e.awsErrorDetails().errorMessage());
    }

    private static String md5(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void retentionHeadersAtCreate() throws Exception {
        String b = fx.lockBucket();
        String id = create(b, "r", r -> r.objectLockMode(ObjectLockMode.GOVERNANCE)
                .objectLockRetainUntilDate(inDays(2)));
        refusedWithoutChecksum(b, "r", id);
        assertEquals(0, s3.listParts(r -> r.bucket(b).key("r").uploadId(id)).parts().size(), "nothing stored");
        // Content-MD5 alone satisfies the rule (a first part of S3's 5 MiB minimum, so that the upload completes)
        byte[] one = new byte[5 << 20];
        new java.util.Random(15).nextBytes(one);
        String md5 = md5(one);
        String etag1 = whenRequired.uploadPart(r -> r.bucket(b).key("r").uploadId(id).partNumber(1).contentMD5(md5),
                RequestBody.fromBytes(one)).eTag();
        // the SDK's default (a CRC32 on every part) satisfies it too
        String etag2 = s3.uploadPart(r -> r.bucket(b).key("r").uploadId(id).partNumber(2),
                RequestBody.fromString("part two")).eTag();
        String v = s3.completeMultipartUpload(r -> r.bucket(b).key("r").uploadId(id).multipartUpload(m -> m.parts(
                p -> p.partNumber(1).eTag(etag1), p -> p.partNumber(2).eTag(etag2)))).versionId();
        assertEquals(ObjectLockMode.GOVERNANCE, s3.headObject(r -> r.bucket(b).key("r").versionId(v))
                .objectLockMode());
    }

    @Test
    void bucketDefaultRetention() {
        String b = fx.lockBucket();
        s3.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(1)))));
        String id = create(b, "d", r -> { });
        refusedWithoutChecksum(b, "d", id);
        String etag = s3.uploadPart(r -> r.bucket(b).key("d").uploadId(id).partNumber(1),
                RequestBody.fromString("default retention")).eTag();
        String v = s3.completeMultipartUpload(r -> r.bucket(b).key("d").uploadId(id).multipartUpload(m -> m.parts(
                p -> p.partNumber(1).eTag(etag)))).versionId();
        assertEquals(ObjectLockMode.COMPLIANCE, s3.headObject(r -> r.bucket(b).key("d").versionId(v))
                .objectLockMode());
    }

    @Test
    void legalHoldAtCreate() {
        String b = fx.lockBucket();
        String id = create(b, "h", r -> r.objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON));
        refusedWithoutChecksum(b, "h", id);
        s3.abortMultipartUpload(r -> r.bucket(b).key("h").uploadId(id));
    }

    /** No lock, no rule: a lock bucket without default retention, and a plain bucket, take parts without one. */
    @Test
    void unlockedUploadsNeedNoChecksum() {
        for (String b : new String[] {fx.lockBucket(), fx.plainBucket()}) {
            String id = create(b, "u", r -> { });
            String etag = whenRequired.uploadPart(r -> r.bucket(b).key("u").uploadId(id).partNumber(1),
                    RequestBody.fromString("unlocked")).eTag();
            s3.completeMultipartUpload(r -> r.bucket(b).key("u").uploadId(id).multipartUpload(m -> m.parts(
                    p -> p.partNumber(1).eTag(etag))));
        }
    }

    /** A raw SigV4 request (signed payload hash, no Content-MD5, no checksum header) is refused; with MD5 it passes. */
    @Test
    void rawSignedUploadPart() throws Exception {
        String b = fx.lockBucket();
        String id = create(b, "raw", r -> r.objectLockMode(ObjectLockMode.GOVERNANCE)
                .objectLockRetainUntilDate(inDays(1)));
        byte[] body = "raw part".getBytes();
        try (RawS3 raw = new RawS3(fx.gw)) {
            RawS3.Response refused = raw.request("PUT", "/" + b + "/raw").query("partNumber", "1")
                    .query("uploadId", id).body(body).send();
            assertEquals(400, refused.status(), refused.bodyText());
            assertTrue(refused.bodyText().contains("<Code>InvalidRequest</Code>"), refused.bodyText());
            assertTrue(refused.bodyText().contains(REQUIRED), refused.bodyText());
            RawS3.Response ok = raw.request("PUT", "/" + b + "/raw").query("partNumber", "1")
                    .query("uploadId", id).header("Content-MD5", md5(body)).body(body).send();
            assertEquals(200, ok.status(), ok.bodyText());
        }
    }

    /** The aws CLI: s3api parts carry its default CRC32 and pass; `aws s3 cp` of a multipart file lands locked. */
    @Test
    void cliMultipartIntoALockedBucket(@TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(fx.gw, dir);
        String b = fx.lockBucket();
        String id = aws.run("s3api", "create-multipart-upload", "--bucket", b, "--key", "c", "--object-lock-mode",
                "GOVERNANCE", "--object-lock-retain-until-date", inDays(1).toString()).assertSuccess().json()
                .path("UploadId").asText();
        Path part = Files.writeString(dir.resolve("p"), "cli part");
        String etag = aws.run("s3api", "upload-part", "--bucket", b, "--key", "c", "--upload-id", id,
                "--part-number", "1", "--body", part.toString()).assertSuccess().json().path("ETag").asText();
        Path parts = Files.writeString(dir.resolve("parts.json"),
                "{\"Parts\":[{\"PartNumber\":1,\"ETag\":" + com.fasterxml.jackson.databind.node.TextNode
                        .valueOf(etag) + "}]}");
        aws.run("s3api", "complete-multipart-upload", "--bucket", b, "--key", "c", "--upload-id", id,
                "--multipart-upload", "file://" + parts).assertSuccess();
        assertEquals(ObjectLockMode.GOVERNANCE, s3.headObject(r -> r.bucket(b).key("c")).objectLockMode());

        s3.putObjectLockConfiguration(r -> r.bucket(b).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
                .rule(rule -> rule.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
        Path big = dir.resolve("big");
        Files.write(big, new byte[9 << 20]); // over the CLI's 8 MiB multipart threshold: two parts
        aws.run("s3", "cp", big.toString(), "s3://" + b + "/big").assertSuccess();
        var head = s3.headObject(r -> r.bucket(b).key("big"));
        assertEquals(ObjectLockMode.GOVERNANCE, head.objectLockMode());
        assertTrue(head.eTag().contains("-2"), "multipart: " + head.eTag());
        AwsCli.Result locked = aws.run("s3api", "delete-object", "--bucket", b, "--key", "big", "--version-id",
                head.versionId());
        assertNotEquals(0, locked.exitCode(), "the default retention holds the multipart object");
    }
}
