package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Issue 12 F, request parsing and rendering: a bad escape in {@code x-amz-copy-source}, a key that XML 1.0
 * cannot carry, oversized user metadata and odd part numbers. Each test fails if the attack works: a 500, a
 * listing no client can parse (root included), or a write that should have been refused.
 */
@ExtendWith(GatewayExtension.class)
class SigV4HygieneParsingAttackTest {
    /** A key holding U+0001: stored and addressable (as on S3), and must not break anybody's listing. */
    private static final String EVIL = "evil\u0001key";

    private static GatewayEndpoint gateway;
    private static S3Client s3;
    private static RawS3 raw;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
        raw = new RawS3(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
        raw.close();
    }

    private static boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void badPercentEscapesInCopySourceAreInvalidArgumentNever500(TestBuckets buckets) {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("src"), RequestBody.fromString("x"));
        String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp")).uploadId();
        for (String source : new String[] {bucket + "/src?versionId=%%", bucket + "/%zz", "/" + bucket + "/src%",
                bucket + "/src?versionId=%4", bucket + "/%ff%fe", bucket + "/src?%zz=1"}) {
            RawS3.Response copy = raw.request("PUT", "/" + bucket + "/dst").header("x-amz-copy-source", source).send();
            assertEquals(400, copy.status(), source + ": " + copy.bodyText());
            assertEquals("InvalidArgument", copy.errorCode(), source);
            RawS3.Response part = raw.request("PUT", "/" + bucket + "/mp").query("partNumber", "1")
                    .query("uploadId", upload).header("x-amz-copy-source", source).send();
            assertEquals(400, part.status(), source + ": " + part.bodyText());
            assertEquals("InvalidArgument", part.errorCode(), source);
        }
        assertFalse(exists(bucket, "dst"));
        assertTrue(s3.listParts(b -> b.bucket(bucket).key("mp").uploadId(upload)).parts().isEmpty());
    }

    /**
     * An IAM user with PutObject stores {@code evil%01key} and starts an upload for it: every listing stays XML
     * that SDK v2 parses for root, without encoding-type (U+0001 shown as U+FFFD) and with it (the exact key).
     */
    @Test
    void controlCharacterKeyCannotBreakListingsForAnyone(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        s3.putObject(b -> b.bucket(bucket).key(EVIL), RequestBody.fromString("x"));
        s3.putObject(b -> b.bucket(bucket).key("normal & <key>"), RequestBody.fromString("y"));
        s3.createMultipartUpload(b -> b.bucket(bucket).key(EVIL));

        List<String> plain = s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        assertTrue(plain.contains("evil\uFFFDkey") && plain.contains("normal & <key>"), plain.toString());
        assertEquals(2, s3.listObjects(b -> b.bucket(bucket)).contents().size());
        assertEquals(2, s3.listObjectVersions(b -> b.bucket(bucket)).versions().size());
        List<String> uploads = s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream()
                .map(MultipartUpload::key).toList();
        assertEquals(List.of("evil\uFFFDkey"), uploads);

        RawS3.Response encoded = raw.request("GET", "/" + bucket).query("uploads", "").query("encoding-type", "url")
                .send();
        assertEquals(200, encoded.status(), encoded.bodyText());
        assertEquals("url", encoded.xmlText("EncodingType").orElseThrow());
        assertEquals(List.of("evil%01key"), encoded.xmlTexts("Key"));
        RawS3.Response v2 = raw.request("GET", "/" + bucket).query("list-type", "2").query("encoding-type", "url")
                .send();
        assertTrue(v2.xmlTexts("Key").contains("evil%01key"), v2.bodyText());
        // SDK v2 decodes url-encoded listings itself: the exact key comes back
        List<String> exact = s3.listObjectsV2(b -> b.bucket(bucket).encodingType(EncodingType.URL)).contents().stream()
                .map(S3Object::key).toList();
        assertTrue(exact.contains(EVIL), exact.toString());
        List<String> exactUploads = s3.listMultipartUploads(b -> b.bucket(bucket).encodingType(EncodingType.URL))
                .uploads().stream().map(MultipartUpload::key).toList();
        assertEquals(List.of(EVIL), exactUploads);
        // and the exact key still deletes it
        s3.deleteObject(b -> b.bucket(bucket).key(EVIL));
        assertFalse(exists(bucket, EVIL));
    }

    /** botocore (boto3): the listings parse; the ones botocore url-encodes by itself return exact keys. */
    @Test
    void botocoreParsesEveryListingWithAControlCharacterKey(TestBuckets buckets) throws Exception {
        String bucket = buckets.createVersioned();
        s3.putObject(b -> b.bucket(bucket).key(EVIL), RequestBody.fromString("x"));
        s3.putObject(b -> b.bucket(bucket).key("dir/normal key+1"), RequestBody.fromString("y"));
        s3.createMultipartUpload(b -> b.bucket(bucket).key(EVIL));
        s3.createMultipartUpload(b -> b.bucket(bucket).key("dir/normal key+1"));
        String script = String.join("\n",
                "import boto3, json, os, sys",
                "from botocore.config import Config",
                "c = boto3.client('s3', endpoint_url=os.environ['EP'], region_name=os.environ['RG'],",
                "    aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'],",
                "    config=Config(s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))",
                "b = os.environ['BK']",
                "out = {",
                " 'v1': sorted(o['Key'] for o in c.list_objects(Bucket=b)['Contents']),",
                " 'v2': sorted(o['Key'] for o in c.list_objects_v2(Bucket=b)['Contents']),",
                " 'versions': sorted(o['Key'] for o in c.list_object_versions(Bucket=b)['Versions']),",
                " 'uploads': sorted(u['Key'] for u in c.list_multipart_uploads(Bucket=b)['Uploads']),",
                " 'uploadsUrl': c.list_multipart_uploads(Bucket=b, EncodingType='url').get('EncodingType'),",
                " 'prefixes': [p['Prefix'] for p in c.list_objects_v2(Bucket=b, Delimiter='/')['CommonPrefixes']],",
                "}",
                "print(json.dumps(out))");
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("EP", gateway.endpoint().toString());
        env.put("RG", gateway.region());
        env.put("AK", gateway.root().accessKeyId());
        env.put("SK", gateway.root().secretKey());
        env.put("BK", bucket);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.trim());
        // botocore sends encoding-type=url and decodes for the three object listings: exact keys
        for (String listing : new String[] {"v1", "v2", "versions"}) {
            List<String> keys = new java.util.ArrayList<>();
            json.get(listing).forEach(n -> keys.add(n.asText()));
            assertEquals(List.of("dir/normal key+1", EVIL), keys, listing + " in " + out);
        }
        List<String> uploads = new java.util.ArrayList<>();
        json.get("uploads").forEach(n -> uploads.add(n.asText()));
        assertEquals(List.of("dir/normal key+1", "evil\uFFFDkey"), uploads, out);
        assertEquals("url", json.get("uploadsUrl").asText(), out);
        assertEquals("dir/", json.get("prefixes").get(0).asText(), out);
    }

    /** The aws CLI lists the uploads of a bucket holding such a key (it used to fail to parse). */
    @Test
    void awsCliListsUploadsWithAControlCharacterKey(TestBuckets buckets, @TempDir Path work) {
        String bucket = buckets.create();
        s3.createMultipartUpload(b -> b.bucket(bucket).key(EVIL));
        AwsCli cli = AwsCli.require(gateway, work);
        AwsCli.Result r = cli.run("s3api", "list-multipart-uploads", "--bucket", bucket).assertSuccess();
        assertEquals(1, r.json().get("Uploads").size(), r.stdout());
    }

    @Test
    void userMetadataOverTwoKilobytesIsMetadataTooLarge(TestBuckets buckets) {
        String bucket = buckets.create();
        // name "m" (1 byte) + value: 2048 bytes in all is AWS's limit
        Map<String, String> atLimit = Map.of("m", "v".repeat(2047));
        s3.putObject(b -> b.bucket(bucket).key("ok").metadata(atLimit), RequestBody.fromString("x"));
        assertEquals(atLimit, s3.headObject(b -> b.bucket(bucket).key("ok")).metadata());
        Map<String, String> over = Map.of("m", "v".repeat(1000), "n", "\u00e9".repeat(524));
        assertS3Error(400, "MetadataTooLarge",
                () -> s3.putObject(b -> b.bucket(bucket).key("big").metadata(over), RequestBody.fromString("x")));
        assertFalse(exists(bucket, "big"));
        assertS3Error(400, "MetadataTooLarge",
                () -> s3.createMultipartUpload(b -> b.bucket(bucket).key("big").metadata(over)));
        assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty());
        assertS3Error(400, "MetadataTooLarge", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("ok")
                .destinationBucket(bucket).destinationKey("big").metadata(over)
                .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)));
        assertFalse(exists(bucket, "big"));
    }

    @Test
    void partNumbersArePlainDecimalOneToTenThousand(TestBuckets buckets) {
        String bucket = buckets.create();
        String upload = s3.createMultipartUpload(b -> b.bucket(bucket).key("mp")).uploadId();
        for (String n : new String[] {"+5", "05", "1e3", " 1", "1 ", "0", "10001", "-1", "\u0665", "0x1",
                "2147483648"}) {
            RawS3.Response r = raw.request("PUT", "/" + bucket + "/mp").query("partNumber", n).query("uploadId", upload)
                    .body("part").send();
            assertEquals(400, r.status(), "'" + n + "': " + r.bodyText());
            assertEquals("InvalidArgument", r.errorCode(), n);
            assertEquals("Part number must be an integer between 1 and 10000, inclusive",
                    r.xmlText("Message").orElseThrow(), n);
        }
        assertTrue(s3.listParts(b -> b.bucket(bucket).key("mp").uploadId(upload)).parts().isEmpty());
        RawS3.Response ok = raw.request("PUT", "/" + bucket + "/mp").query("partNumber", "10000")
                .query("uploadId", upload).body("part").send();
        assertEquals(200, ok.status(), ok.bodyText());
    }
}
