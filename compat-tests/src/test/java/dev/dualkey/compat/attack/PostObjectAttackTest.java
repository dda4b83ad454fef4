package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.legacy.PostForm;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * A browser POST is a PutObject by another door, so it must meet every check PutObject meets: the MFA Delete gate
 * on a null-version overwrite (D9) with a stolen root key or a stolen IAM user key, the identity policy (a user
 * without s3:PutObject, a Deny on {@code s3:authType} = POST), and a form signed by one key cannot be replayed
 * with another key's id.
 */
class PostObjectAttackTest {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static MfaDevice rootDevice;
    private static AccessKey thief;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "post-root-mfa", "root");
        thief = Iam.userAllowedEverything(rootIam, "post-mallory");
    }

    @AfterAll
    static void stop() {
        root.close();
        rootIam.close();
        server.close();
    }

    static HttpResponse<String> post(AccessKey key, String bucket, String objectKey, String body) throws Exception {
        Instant now = Instant.now();
        return new PostForm().field("key", objectKey).condition("{\"bucket\":\"" + bucket + "\"}")
                .condition("[\"starts-with\",\"$key\",\"\"]")
                .signV4(key, gw.region(), now, now.plusSeconds(300))
                .post(URI.create(gw.endpoint() + "/" + bucket), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void postOverTheNullVersionOfAnMfaDeleteBucketNeedsTheCode() throws Exception {
        String bucket = "post-overwrite";
        root.createBucket(b -> b.bucket(bucket));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("the original"));
        for (AccessKey stolen : List.of(thief, gw.root())) {
            HttpResponse<String> r = post(stolen, bucket, "doc", "overwritten by a form");
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
            assertTrue(r.body().contains("<Message>" + Messages.MFA_REQUIRED + "</Message>"), r.body());
        }
        assertEquals("the original", root.getObjectAsBytes(b -> b.bucket(bucket).key("doc")).asUtf8String());
        List<ObjectVersion> docs = root.listObjectVersions(b -> b.bucket(bucket).prefix("doc")).versions();
        assertEquals(1, docs.size());
        assertEquals("null", docs.get(0).versionId());
        // a new key replaces nothing: no code needed
        assertEquals(204, post(thief, bucket, "new-doc", "fresh").statusCode());
    }

    @Test
    void identityPolicyDecidesForPostToo() throws Exception {
        String bucket = "post-policy";
        root.createBucket(b -> b.bucket(bucket));
        String name = "post-reader";
        rootIam.createUser(b -> b.userName(name));
        rootIam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"));
        var k = rootIam.createAccessKey(b -> b.userName(name)).accessKey();
        HttpResponse<String> reader = post(new AccessKey(k.accessKeyId(), k.secretAccessKey()), bucket, "x", "x");
        assertEquals(403, reader.statusCode(), reader.body());
        assertTrue(reader.body().contains("<Code>AccessDenied</Code>"), reader.body());

        String denier = "post-denied";
        rootIam.createUser(b -> b.userName(denier));
        rootIam.putUserPolicy(b -> b.userName(denier).policyName("p").policyDocument("{\"Version\":\"2012-10-17\","
                + "\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:PutObject\",\"Resource\":\"*\",\"Condition\":"
                + "{\"StringEquals\":{\"s3:authType\":\"POST\"}}}]}"));
        var d = rootIam.createAccessKey(b -> b.userName(denier)).accessKey();
        AccessKey deniedKey = new AccessKey(d.accessKeyId(), d.secretAccessKey());
        HttpResponse<String> viaForm = post(deniedKey, bucket, "y", "y");
        assertEquals(403, viaForm.statusCode(), viaForm.body());
        try (S3Client rest = Clients.v2(gw, deniedKey)) { // the same user's PutObject is not POST
            rest.putObject(b -> b.bucket(bucket).key("y"), RequestBody.fromString("via PUT"));
        }
        assertEquals("via PUT", root.getObjectAsBytes(b -> b.bucket(bucket).key("y")).asUtf8String());
    }

    @Test
    void aFormSignedByOneKeyCannotBeReplayedUnderAnother() throws Exception {
        String bucket = "post-replay";
        root.createBucket(b -> b.bucket(bucket));
        Instant now = Instant.now();
        PostForm form = new PostForm().field("key", "k").condition("{\"bucket\":\"" + bucket + "\"}")
                .condition("[\"starts-with\",\"$key\",\"\"]").signV4(thief, gw.region(), now, now.plusSeconds(300));
        // the thief's form, presented as root's: same scope, root's key id
        String scope = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd").withZone(java.time.ZoneOffset.UTC)
                .format(now) + "/" + gw.region() + "/s3/aws4_request";
        form.field("x-amz-credential", gw.root().accessKeyId() + "/" + scope);
        HttpResponse<String> r = form.post(URI.create(gw.endpoint() + "/" + bucket), new byte[1]);
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("<Code>SignatureDoesNotMatch</Code>"), r.body());
        assertTrue(root.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty());
    }
}
