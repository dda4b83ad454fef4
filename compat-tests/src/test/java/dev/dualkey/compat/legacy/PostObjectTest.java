package dev.dualkey.compat.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Browser POST uploads (POST Object): forms built as an HTML form sends them, signed with SigV4 and SigV2 by the
 * test's own signer and by boto3's {@code generate_presigned_post}; the policy evaluated exactly (expiry, eq,
 * starts-with, content-length-range, extra fields) with S3's errors; success_action_status / _redirect; metadata
 * and checksums; a file larger than every aggregation cap, streamed.
 */
@ExtendWith(GatewayExtension.class)
class PostObjectTest {
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

    static URI bucketUrl(String bucket) {
        return URI.create(gateway.endpoint() + "/" + bucket);
    }

    static PostForm form(String bucket, String key) {
        return new PostForm().field("key", key).condition("{\"bucket\":\"" + bucket + "\"}")
                .condition("[\"starts-with\",\"$key\",\"uploads/\"]");
    }

    static PostForm signed(PostForm f) {
        Instant now = Instant.now();
        return f.signV4(gateway.root(), gateway.region(), now, now.plusSeconds(600));
    }

    static String read(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    static void assertError(HttpResponse<String> r, int status, String code, String message) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains("<Code>" + code + "</Code>"), r.body());
        if (message != null) {
            assertTrue(r.body().contains("<Message>" + message + "</Message>"), r.body());
        }
    }

    @Test
    void sigV4FormUploadsWithFilenameMetadataAndContentType(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        HttpResponse<String> r = signed(form(bucket, "uploads/${filename}").filename("C:\\docs\\report.txt")
                .field("Content-Type", "text/plain").condition("[\"starts-with\",\"$Content-Type\",\"text/\"]")
                .field("x-amz-meta-owner", "alice").condition("{\"x-amz-meta-owner\":\"alice\"}")
                .field("x-ignore-tracking", "anything"))
                .post(bucketUrl(bucket), "form data".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("ETag").isPresent());
        assertEquals(Optional.of(gateway.endpoint() + "/" + bucket + "/uploads/report.txt"),
                r.headers().firstValue("Location"));
        assertEquals("form data", read(bucket, "uploads/report.txt"));
        HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key("uploads/report.txt"));
        assertEquals("text/plain", head.contentType());
        assertEquals(Map.of("owner", "alice"), head.metadata());
    }

    @Test
    void successActionStatus201AndRedirect(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        HttpResponse<String> created = signed(form(bucket, "uploads/a b.txt").field("success_action_status", "201")
                .condition("{\"success_action_status\":\"201\"}")).post(bucketUrl(bucket), new byte[] {1, 2, 3});
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.body().contains("<PostResponse>"), created.body());
        assertTrue(created.body().contains("<Bucket>" + bucket + "</Bucket>"), created.body());
        assertTrue(created.body().contains("<Key>uploads/a b.txt</Key>"), created.body());
        assertTrue(created.body().contains("<ETag>\"5289df737df57326fcdd22597afb1fac\"</ETag>"), created.body());
        HttpResponse<String> redirected = signed(form(bucket, "uploads/r.txt")
                .field("success_action_redirect", "https://app.example/done?x=1")
                .condition("[\"starts-with\",\"$success_action_redirect\",\"https://app.example/\"]"))
                .post(bucketUrl(bucket), new byte[] {1, 2, 3});
        assertEquals(303, redirected.statusCode(), redirected.body());
        assertEquals("https://app.example/done?x=1&bucket=" + bucket + "&key=uploads%2Fr.txt"
                        + "&etag=%225289df737df57326fcdd22597afb1fac%22",
                redirected.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> ok = signed(form(bucket, "uploads/200.txt").field("success_action_status", "200")
                .condition("[\"eq\",\"$success_action_status\",\"200\"]")).post(bucketUrl(bucket), new byte[0]);
        assertEquals(200, ok.statusCode());
    }

    @Test
    void policyIsEvaluatedExactly(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        Instant now = Instant.now();
        assertError(form(bucket, "uploads/x").signV4(gateway.root(), gateway.region(), now.minusSeconds(7200),
                now.minusSeconds(1)).post(bucketUrl(bucket), new byte[1]), 403, "AccessDenied",
                "Invalid according to Policy: Policy expired.");
        assertError(signed(form(bucket, "elsewhere/x")).post(bucketUrl(bucket), new byte[1]), 403, "AccessDenied",
                "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"uploads/\"]");
        assertError(signed(form(bucket, "uploads/x").field("x-amz-meta-extra", "v")).post(bucketUrl(bucket),
                new byte[1]), 403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra");
        assertError(signed(new PostForm().field("key", "uploads/x").condition("{\"bucket\":\"other-bucket\"}")
                .condition("[\"starts-with\",\"$key\",\"\"]")).post(bucketUrl(bucket), new byte[1]), 403,
                "AccessDenied", null);
        PostForm ranged = signed(form(bucket, "uploads/sized").condition("[\"content-length-range\", 2, 4]"));
        assertError(ranged.post(bucketUrl(bucket), new byte[5]), 400, "EntityTooLarge", null);
        PostForm small = signed(form(bucket, "uploads/sized").condition("[\"content-length-range\", 2, 4]"));
        assertError(small.post(bucketUrl(bucket), new byte[1]), 400, "EntityTooSmall", null);
        PostForm fits = signed(form(bucket, "uploads/sized").condition("[\"content-length-range\", 2, 4]"));
        assertEquals(204, fits.post(bucketUrl(bucket), new byte[4]).statusCode());
        assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .allMatch(o -> o.key().equals("uploads/sized")), "a refused upload left an object");
    }

    @Test
    void missingFieldsBadSignatureAndMalformedBodiesAnswerAsS3(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        PostForm noKey = new PostForm().condition("{\"bucket\":\"" + bucket + "\"}");
        assertError(signed(noKey).post(bucketUrl(bucket), new byte[1]), 400, "InvalidArgument",
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the"
                        + " fields.");
        PostForm tampered = signed(form(bucket, "uploads/x"));
        tampered.field("x-amz-signature", "0".repeat(64));
        assertError(tampered.post(bucketUrl(bucket), new byte[1]), 403, "SignatureDoesNotMatch", null);
        PostForm wrongKey = form(bucket, "uploads/x").signV4(new dev.dualkey.compat.AccessKey(
                gateway.root().accessKeyId(), gateway.root().secretKey() + "x"), gateway.region(), Instant.now(),
                Instant.now().plusSeconds(60));
        assertError(wrongKey.post(bucketUrl(bucket), new byte[1]), 403, "SignatureDoesNotMatch", null);
        assertError(new PostForm().field("key", "uploads/x").post(bucketUrl(bucket), new byte[1]), 403,
                "AccessDenied", null); // anonymous: no bucket policy grants it
        java.net.http.HttpResponse<String> noFile = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(bucketUrl(bucket)).POST(java.net.http.HttpRequest
                        .BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--b--\r\n"))
                        .header("Content-Type", "multipart/form-data; boundary=b").build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(noFile, 400, "IncorrectNumberOfFilesInPostRequest", null);
        PostForm big = signed(form(bucket, "uploads/x").field("x-ignore-pad", "p".repeat(21 * 1024)));
        assertError(big.post(bucketUrl(bucket), new byte[1]), 400, "MaxPostPreDataLengthExceeded", null);
    }

    @Test
    void checksumFieldsAreVerified(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        byte[] data = "checked".getBytes(StandardCharsets.UTF_8);
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        HttpResponse<String> ok = signed(form(bucket, "uploads/c").field("x-amz-checksum-sha256", sha)
                .condition("{\"x-amz-checksum-sha256\":\"" + sha + "\"}")).post(bucketUrl(bucket), data);
        assertEquals(204, ok.statusCode(), ok.body());
        HttpResponse<String> bad = signed(form(bucket, "uploads/d").field("x-amz-checksum-sha256", sha)
                .condition("{\"x-amz-checksum-sha256\":\"" + sha + "\"}")).post(bucketUrl(bucket), "other"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals(List.of("uploads/c"), s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(o -> o.key()).toList());
    }

    /** 48 MiB streamed through the form: bigger than every aggregation cap (4 MiB) and the early-body limit. */
    @Test
    void largeFileIsStreamed(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        long length = 48L << 20;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        HttpResponse<String> r = signed(form(bucket, "uploads/big.bin"))
                .post(bucketUrl(bucket), length, () -> new PatternStream(length, md5));
        assertEquals(204, r.statusCode(), r.body());
        String etag = "\"" + HexFormat.of().formatHex(md5.digest()) + "\"";
        assertEquals(Optional.of(etag), r.headers().firstValue("ETag"));
        assertEquals(length, s3.headObject(b -> b.bucket(bucket).key("uploads/big.bin")).contentLength());
    }

    /** boto3's generate_presigned_post, SigV4 and (signature_version='s3') SigV2, posted with requests. */
    @Test
    void boto3PresignedPostV4AndV2(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        String script = String.join("\n",
                "import boto3, json, os, requests",
                "from botocore.config import Config",
                "out = {}",
                "for sv in ['s3v4', 's3']:",
                "    c = boto3.client('s3', endpoint_url=os.environ['EP'], region_name=os.environ['RG'],",
                "        aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'],",
                "        config=Config(signature_version=sv, s3={'addressing_style': 'path'}))",
                "    p = c.generate_presigned_post(os.environ['BK'], 'boto/' + sv + '/${filename}',",
                "        Fields={'success_action_status': '201'},",
                "        Conditions=[{'success_action_status': '201'}, ['content-length-range', 1, 100]],",
                "        ExpiresIn=300)",
                "    r = requests.post(p['url'], data=p['fields'], files={'file': ('hello.txt', b'hi ' + sv.encode())})",
                "    out[sv] = {'status': r.status_code, 'body': r.text, 'fields': sorted(p['fields'].keys())}",
                "print(json.dumps(out))");
        Processes.Run r = Processes.run(Map.of("EP", gateway.endpoint().toString(), "RG", gateway.region(),
                "AK", gateway.root().accessKeyId(), "SK", gateway.root().secretKey(), "BK", bucket,
                "PYTHONWARNINGS", "ignore"), List.of("python3", "-c", script));
        assertEquals(0, r.exit(), r.out());
        JsonNode json = new ObjectMapper().readTree(r.out().trim().lines().reduce((a, b) -> b).orElse(""));
        assertEquals(201, json.get("s3v4").get("status").asInt(), r.out());
        assertTrue(json.get("s3v4").get("fields").toString().contains("x-amz-signature"), r.out());
        assertEquals(201, json.get("s3").get("status").asInt(), r.out());
        assertTrue(json.get("s3").get("fields").toString().contains("AWSAccessKeyId"), r.out());
        assertEquals("hi s3v4", read(bucket, "boto/s3v4/hello.txt"));
        assertEquals("hi s3", read(bucket, "boto/s3/hello.txt"));
    }

    /** Deterministic bytes, digested as they are read (the test never holds the file either). */
    static final class PatternStream extends InputStream {
        private final long length;
        private final MessageDigest digest;
        private long pos;

        PatternStream(long length, MessageDigest digest) {
            this.length = length;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((pos + i) * 31 >>> 3);
            }
            digest.update(b, off, n);
            pos += n;
            return n;
        }
    }
}
