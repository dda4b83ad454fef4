package dev.dualkey.compat.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Signature Version 2 as clients use it today: the URL of {@code aws s3 presign} (the CLI's default for s3 is SigV2)
 * fetched with curl, header auth from boto3 ({@code signature_version='s3'}) and SDK v1
 * ({@code withSignerOverride("S3SignerType")}), and S3's refusals (bad signature, expired URL, skewed clock).
 */
@ExtendWith(GatewayExtension.class)
class SigV2Test {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final DateTimeFormatter RFC1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
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

    /** The acceptance: a new user's {@code aws s3 presign} URL works with curl, and only as signed. */
    @Test
    void awsS3PresignUrlWorksWithCurl(TestBuckets buckets, @TempDir Path dir) {
        AwsCli aws = AwsCli.require(gateway, dir);
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("docs/hello world+1.txt"), RequestBody.fromString("hello presign"));
        s3.putObject(b -> b.bucket(bucket).key("docs/other.txt"), RequestBody.fromString("other"));
        AwsCli.Result presign = aws.run("s3", "presign", "s3://" + bucket + "/docs/hello world+1.txt");
        presign.assertSuccess();
        String url = presign.stdout().trim();
        assertTrue(url.contains("AWSAccessKeyId=") && url.contains("Signature=") && url.contains("Expires="),
                "not a SigV2 URL: " + url);
        Processes.Run ok = Processes.curl(url);
        assertEquals(200, ok.exit(), ok.out());
        assertEquals("hello presign", ok.out());

        Processes.Run otherKey = Processes.curl(url.replace("hello%20world%2B1.txt", "other.txt"));
        assertEquals(403, otherKey.exit(), otherKey.out());
        assertTrue(otherKey.out().contains("<Code>SignatureDoesNotMatch</Code>"), otherKey.out());
        assertTrue(otherKey.out().contains("<StringToSign>GET"), otherKey.out());
        assertTrue(otherKey.out().contains("<StringToSignBytes>47 45 54"), otherKey.out());
        Processes.Run anotherOperation = Processes.curl(url + "&acl");
        assertEquals(403, anotherOperation.exit(), anotherOperation.out());
        assertTrue(anotherOperation.out().contains("<Code>SignatureDoesNotMatch</Code>"), anotherOperation.out());
        Processes.Run put = Processes.curl(url, "-X", "PUT", "--data-binary", "replaced");
        assertEquals(403, put.exit(), put.out());
        assertEquals("hello presign", s3.getObjectAsBytes(b -> b.bucket(bucket).key("docs/hello world+1.txt"))
                .asUtf8String());
    }

    @Test
    void expiredV2UrlIsAccessDeniedRequestHasExpired(TestBuckets buckets) {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v"));
        long now = Instant.now().getEpochSecond();
        String live = SigV2.presignedGet(gateway.endpoint().toString(), gateway.root().accessKeyId(),
                gateway.root().secretKey(), bucket, "k", now + 300);
        assertEquals(200, Processes.curl(live).exit());
        String expired = SigV2.presignedGet(gateway.endpoint().toString(), gateway.root().accessKeyId(),
                gateway.root().secretKey(), bucket, "k", now - 60);
        Processes.Run r = Processes.curl(expired);
        assertEquals(403, r.exit(), r.out());
        assertTrue(r.out().contains("<Code>AccessDenied</Code>"), r.out());
        assertTrue(r.out().contains("<Message>Request has expired</Message>"), r.out());
        assertTrue(r.out().contains("<Expires>") && r.out().contains("<ServerTime>"), r.out());
        String wrongSecret = SigV2.presignedGet(gateway.endpoint().toString(), gateway.root().accessKeyId(),
                gateway.root().secretKey() + "x", bucket, "k", now + 300);
        Processes.Run bad = Processes.curl(wrongSecret);
        assertEquals(403, bad.exit());
        assertTrue(bad.out().contains("<Code>SignatureDoesNotMatch</Code>"), bad.out());
    }

    @Test
    void headerAuthWithSkewedDateIsRequestTimeTooSkewed(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v"));
        HttpResponse<String> ok = headerSigned("GET", "/" + bucket + "/k", Instant.now());
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("v", ok.body());
        HttpResponse<String> skewed = headerSigned("GET", "/" + bucket + "/k", Instant.now().minusSeconds(20 * 60));
        assertEquals(403, skewed.statusCode(), skewed.body());
        assertTrue(skewed.body().contains("<Code>RequestTimeTooSkewed</Code>"), skewed.body());
        assertTrue(skewed.body().contains("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>"));
    }

    private static HttpResponse<String> headerSigned(String method, String path, Instant date) throws Exception {
        String d = RFC1123.format(date);
        String sig = SigV2.sign(gateway.root().secretKey(), method + "\n\n\n" + d + "\n" + path);
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .header("Date", d).header("Authorization", "AWS " + gateway.root().accessKeyId() + ":" + sig)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** boto3 with {@code signature_version='s3'}: put (Content-Type, metadata), get, list, sub-resources, presign. */
    @Test
    void boto3SignatureVersionS3(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        String script = String.join("\n",
                "import boto3, json, os, urllib.request",
                "from botocore.config import Config",
                "from botocore.exceptions import ClientError",
                "def client(sk):",
                "    return boto3.client('s3', endpoint_url=os.environ['EP'], region_name=os.environ['RG'],",
                "        aws_access_key_id=os.environ['AK'], aws_secret_access_key=sk,",
                "        config=Config(signature_version='s3', s3={'addressing_style': 'path'},",
                "                      retries={'max_attempts': 1}))",
                "c = client(os.environ['SK'])",
                "b = os.environ['BK']",
                "out = {}",
                "c.put_object(Bucket=b, Key='boto/a key+.txt', Body=b'hello v2', ContentType='text/plain',",
                "             Metadata={'who': 'boto'})",
                "g = c.get_object(Bucket=b, Key='boto/a key+.txt')",
                "out['body'] = g['Body'].read().decode()",
                "out['meta'] = g['Metadata']",
                "out['ct'] = g['ContentType']",
                "out['keys'] = [o['Key'] for o in c.list_objects_v2(Bucket=b, Prefix='boto/')['Contents']]",
                "out['versioning'] = c.get_bucket_versioning(Bucket=b).get('Status', 'none')",
                "out['location'] = c.get_bucket_location(Bucket=b).get('LocationConstraint') or 'us-east-1'",
                "url = c.generate_presigned_url('get_object', Params={'Bucket': b, 'Key': 'boto/a key+.txt'},",
                "                               ExpiresIn=300)",
                "out['url'] = url",
                "out['presigned'] = urllib.request.urlopen(url).read().decode()",
                "try:",
                "    client(os.environ['SK'] + 'x').get_object(Bucket=b, Key='boto/a key+.txt')",
                "    out['bad'] = 'accepted'",
                "except ClientError as e:",
                "    out['bad'] = e.response['Error']['Code']",
                "c.delete_object(Bucket=b, Key='boto/a key+.txt')",
                "out['left'] = c.list_objects_v2(Bucket=b, Prefix='boto/').get('KeyCount')",
                "print(json.dumps(out))");
        Processes.Run r = Processes.run(Map.of("EP", gateway.endpoint().toString(), "RG", gateway.region(),
                "AK", gateway.root().accessKeyId(), "SK", gateway.root().secretKey(), "BK", bucket,
                "PYTHONWARNINGS", "ignore"), List.of("python3", "-c", script));
        assertEquals(0, r.exit(), r.out());
        String last = r.out().trim().lines().reduce((a, b) -> b).orElse("");
        JsonNode json = new ObjectMapper().readTree(last);
        assertEquals("hello v2", json.get("body").asText(), r.out());
        assertEquals("boto", json.get("meta").get("who").asText());
        assertEquals("text/plain", json.get("ct").asText());
        assertEquals("boto/a key+.txt", json.get("keys").get(0).asText());
        assertEquals("none", json.get("versioning").asText());
        assertEquals("us-east-1", json.get("location").asText());
        assertTrue(json.get("url").asText().contains("AWSAccessKeyId="), json.get("url").asText());
        assertEquals("hello v2", json.get("presigned").asText());
        assertEquals("SignatureDoesNotMatch", json.get("bad").asText());
        assertEquals(0, json.get("left").asInt());
    }

    /** SDK v1 with the S3SignerType override (SigV2 header auth; Content-MD5 on PUT) for everyday operations. */
    @Test
    void sdkV1S3SignerType(TestBuckets buckets) {
        String bucket = buckets.create();
        AmazonS3 v1 = v1SigV2(gateway.root());
        try {
            ObjectMetadata meta = new ObjectMetadata();
            meta.setContentType("application/json");
            meta.addUserMetadata("from", "sdk-v1");
            byte[] data = "{\"v\":2}".getBytes(StandardCharsets.UTF_8);
            meta.setContentLength(data.length);
            v1.putObject(bucket, "v1/obj é.json", new ByteArrayInputStream(data), meta);
            var got = v1.getObject(bucket, "v1/obj é.json");
            assertEquals("sdk-v1", got.getObjectMetadata().getUserMetaDataOf("from"));
            assertEquals("application/json", got.getObjectMetadata().getContentType());
            assertEquals(List.of("v1/obj é.json"), v1.listObjects(bucket, "v1/").getObjectSummaries().stream()
                    .map(o -> o.getKey()).toList());
            assertEquals("Off", v1.getBucketVersioningConfiguration(bucket).getStatus());
            assertEquals(1, v1.getBucketAcl(bucket).getGrantsAsList().size()); // ?acl is a signed sub-resource
            v1.copyObject(bucket, "v1/obj é.json", bucket, "v1/copy"); // x-amz-copy-source is signed
            v1.deleteObject(bucket, "v1/obj é.json");
            assertEquals(List.of("v1/copy"), v1.listObjects(bucket, "v1/").getObjectSummaries().stream()
                    .map(o -> o.getKey()).toList());
        } finally {
            v1.shutdown();
        }
        AmazonS3 wrong = v1SigV2(new AccessKey(gateway.root().accessKeyId(), gateway.root().secretKey() + "x"));
        try {
            AmazonS3Exception e = assertThrows(AmazonS3Exception.class, () -> wrong.listObjects(bucket));
            assertEquals(403, e.getStatusCode());
            assertEquals("SignatureDoesNotMatch", e.getErrorCode());
        } finally {
            wrong.shutdown();
        }
    }

    static AmazonS3 v1SigV2(AccessKey key) {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(gateway.endpoint().toString(),
                        gateway.region()))
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(key.accessKeyId(),
                        key.secretKey())))
                .withPathStyleAccessEnabled(true)
                .withClientConfiguration(new ClientConfiguration().withMaxErrorRetry(0)
                        .withSignerOverride("S3SignerType"))
                .build();
    }

}
