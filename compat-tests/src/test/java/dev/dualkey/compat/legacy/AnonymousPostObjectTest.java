package dev.dualkey.compat.legacy;

import static dev.dualkey.compat.legacy.PostObjectTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * Anonymous browser uploads: a form with no signature field and no policy is S3's anonymous principal {@code *},
 * decided by the one authorizer as an anonymous PutObject is, with {@code s3:authType} = {@code POST} and no
 * {@code s3:signatureversion}. A bucket policy granting {@code s3:PutObject} to everyone allows it (the object's
 * owner is recorded as an anonymous PutObject's); without such a grant, under a Public Access Block with
 * RestrictPublicBuckets, or over the null version of an MFA Delete bucket (D9), it is refused.
 */
class AnonymousPostObjectTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static S3Client root;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        root = Clients.v2(gw);
        try (IamClient iam = Iam.client(gw, gw.root())) {
            rootDevice = MfaDevice.virtual(iam, server.clock(), "anon-post-root-mfa", "root");
        }
    }

    @AfterAll
    static void stop() {
        root.close();
        server.close();
    }

    private static String bucket(String prefix) {
        String b = prefix + "-" + Long.toHexString(System.nanoTime());
        root.createBucket(r -> r.bucket(b));
        return b;
    }

    private static URI url(String bucket) {
        return URI.create(gw.endpoint() + "/" + bucket);
    }

    /** {@code s3:PutObject} for everyone on {@code bucket/prefix*}, with the JSON {@code condition} (or none). */
    static String publicWrite(String bucket, String prefix, String condition) {
        return "{\"Sid\":\"PublicWrite" + prefix.replace("/", "") + "\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/" + prefix + "*\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static HttpResponse<String> anonymousPut(String bucket, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gw.endpoint() + "/" + bucket + "/" + key))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ownerId(String bucket, String key) {
        List<ObjectVersion> vs = root.listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions();
        assertEquals(1, vs.size(), key);
        return vs.get(0).owner().id();
    }

    @Test
    void aPublicWritePolicyAllowsAnAnonymousFormAsPost() throws Exception {
        String bucket = bucket("anon-post");
        // the POST grant holds only for s3:authType POST without a signature version: the context is POST's
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(
                publicWrite(bucket, "post/", "{\"StringEquals\":{\"s3:authType\":\"POST\"},"
                        + "\"Null\":{\"s3:signatureversion\":\"true\"}}"),
                publicWrite(bucket, "put/", null))));
        HttpResponse<String> created = new PostForm().field("key", "post/${filename}").filename("photo.txt")
                .field("success_action_status", "201").field("Content-Type", "text/plain")
                .field("x-amz-meta-from", "a browser").post(url(bucket), "anonymous bytes".getBytes(
                        StandardCharsets.UTF_8));
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.body().contains("<Key>post/photo.txt</Key>"), created.body());
        assertTrue(created.body().contains("<Bucket>" + bucket + "</Bucket>"), created.body());
        assertEquals("anonymous bytes",
                root.getObjectAsBytes(b -> b.bucket(bucket).key("post/photo.txt")).asUtf8String());
        HeadObjectResponse head = root.headObject(b -> b.bucket(bucket).key("post/photo.txt"));
        assertEquals("text/plain", head.contentType());
        assertEquals(Map.of("from", "a browser"), head.metadata());
        HttpResponse<String> plain = new PostForm().field("key", "post/second").post(url(bucket), new byte[] {7});
        assertEquals(204, plain.statusCode(), plain.body());
        assertEquals(1, root.getObjectAsBytes(b -> b.bucket(bucket).key("post/second")).asByteArray().length);

        // the same grant does not let an anonymous PUT in (its s3:authType is not POST) ...
        assertEquals(403, anonymousPut(bucket, "post/by-put", "x").statusCode());
        // ... and the form's owner is the one an anonymous PutObject records: under the default Object Ownership
        // (BucketOwnerEnforced) the bucket owner, as on S3
        assertEquals(200, anonymousPut(bucket, "put/by-put", "x").statusCode());
        root.putObject(b -> b.bucket(bucket).key("mine"), RequestBody.fromString("root's"));
        assertEquals(ownerId(bucket, "put/by-put"), ownerId(bucket, "post/photo.txt"));
        assertEquals(ownerId(bucket, "mine"), ownerId(bucket, "post/photo.txt"));
        // the form outside the granted prefix
        assertError(new PostForm().field("key", "elsewhere").post(url(bucket), new byte[1]), 403, "AccessDenied",
                null);
    }

    @Test
    void withoutAGrantToEveryoneAnAnonymousFormIsRefused() throws Exception {
        String bucket = bucket("anon-post-none");
        assertError(new PostForm().field("key", "k").post(url(bucket), new byte[1]), 403, "AccessDenied", null);
        // public read is not public write
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy("{\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::" + bucket + "/*\"}")));
        assertError(new PostForm().field("key", "k").post(url(bucket), new byte[1]), 403, "AccessDenied", null);
        // a grant to everyone with a Deny on s3:authType POST
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(publicWrite(bucket, "", null),
                "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::"
                        + bucket + "/*\",\"Condition\":{\"StringEquals\":{\"s3:authType\":\"POST\"}}}")));
        assertError(new PostForm().field("key", "k").post(url(bucket), new byte[1]), 403, "AccessDenied", null);
        // a policy document without a signature is not anonymous: AWS requires AWSAccessKeyId with it
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(publicWrite(bucket, "", null))));
        String doc = Base64.getEncoder().encodeToString(new PostForm().policy(Instant.now().plusSeconds(60))
                .getBytes(StandardCharsets.UTF_8));
        assertError(new PostForm().field("key", "k").field("policy", doc).post(url(bucket), new byte[1]), 400,
                "InvalidArgument", "Bucket POST must contain a field named 'AWSAccessKeyId'.  If it is specified,"
                        + " please check the order of the fields.");
        assertError(new PostForm().field("key", "k").field("x-amz-security-token", "t").post(url(bucket),
                new byte[1]), 400, "InvalidArgument", null);
        assertTrue(root.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "a refused form wrote");
        // the grant alone: allowed
        assertEquals(204, new PostForm().field("key", "k").post(url(bucket), new byte[1]).statusCode());
    }

    @Test
    void restrictPublicBucketsRefusesAnAnonymousForm() throws Exception {
        String bucket = bucket("anon-post-pab");
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(publicWrite(bucket, "", null))));
        root.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c
                .restrictPublicBuckets(true)));
        assertError(new PostForm().field("key", "k").post(url(bucket), new byte[1]), 403, "AccessDenied", null);
        assertTrue(root.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "a refused form wrote");
        root.deletePublicAccessBlock(b -> b.bucket(bucket));
        assertEquals(204, new PostForm().field("key", "k").post(url(bucket), new byte[1]).statusCode());
    }

    @Test
    void anAnonymousFormOverTheNullVersionOfAnMfaDeleteBucketIsRefused() throws Exception {
        String bucket = bucket("anon-post-d9");
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("the original"));
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(publicWrite(bucket, "", null))));
        HttpResponse<String> r = new PostForm().field("key", "doc").post(url(bucket),
                "overwritten anonymously".getBytes(StandardCharsets.UTF_8));
        assertError(r, 403, "AccessDenied", Messages.MFA_REQUIRED);
        assertEquals("the original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
        List<ObjectVersion> docs = root.listObjectVersions(b -> b.bucket(bucket).prefix("doc")).versions();
        assertEquals(1, docs.size());
        assertEquals("null", docs.get(0).versionId());
        // a new key replaces nothing: the grant is real
        assertEquals(204, new PostForm().field("key", "new-doc").post(url(bucket), new byte[1]).statusCode());
    }

    /** A form upload into an Object Lock bucket takes the bucket's default retention, as a PutObject does. */
    @Test
    void aFormUploadIntoALockBucketIsRetainedByItsDefault() throws Exception {
        String bucket = "anon-post-lock-" + Long.toHexString(System.nanoTime());
        root.createBucket(r -> r.bucket(bucket).objectLockEnabledForBucket(true));
        root.putObjectLockConfiguration(r -> r.bucket(bucket).objectLockConfiguration(c -> c
                .objectLockEnabled("Enabled").rule(rule -> rule.defaultRetention(d -> d
                        .mode(software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode.COMPLIANCE).days(1)))));
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy(publicWrite(bucket, "in/", null))));
        HttpResponse<String> posted = new PostForm().field("key", "in/kept").post(url(bucket),
                "kept bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, posted.statusCode(), posted.body());
        String version = root.headObject(b -> b.bucket(bucket).key("in/kept")).versionId();
        assertEquals(software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode.COMPLIANCE,
                root.getObjectRetention(b -> b.bucket(bucket).key("in/kept").versionId(version)).retention().mode());
        software.amazon.awssdk.services.s3.model.S3Exception refused = org.junit.jupiter.api.Assertions.assertThrows(
                software.amazon.awssdk.services.s3.model.S3Exception.class,
                () -> root.deleteObject(b -> b.bucket(bucket).key("in/kept").versionId(version)));
        assertEquals(403, refused.statusCode());
        assertEquals("AccessDenied", refused.awsErrorDetails().errorCode());
    }
}
