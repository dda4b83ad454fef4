package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.legacy.PostForm;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * An anonymous POST cannot destroy or replace a version on an MFA Delete bucket, even where the bucket policy grants
 * {@code s3:*} to everyone ({@code *}) and the attacker holds a valid code of the owner's device: a form's
 * {@code x-amz-mfa}, {@code versionId} or {@code x-amz-version-id} fields, a {@code ?versionId} on the form's URL,
 * a form posted to the object's URL, and an anonymous {@code POST ?delete} naming the version all leave every
 * version as it was (on a versioned bucket a form only adds a version; over the null version it needs the code,
 * which only the owner's root may use).
 */
class AnonymousPostAttackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static S3Client owner;
    private static MfaDevice rootDevice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        owner = Clients.v2(gw);
        try (IamClient iam = Iam.client(gw, gw.root())) {
            rootDevice = MfaDevice.virtual(iam, server.clock(), "anon-post-attack-mfa", "root");
        }
    }

    @AfterAll
    static void stop() {
        owner.close();
        server.close();
    }

    /** An MFA Delete bucket (versioning Enabled) whose policy grants s3:* to everyone. */
    private static String openMfaBucket(String prefix) {
        String bucket = prefix + "-" + Long.toHexString(System.nanoTime());
        owner.createBucket(b -> b.bucket(bucket));
        owner.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        String arn = "arn:aws:s3:::" + bucket;
        owner.putBucketPolicy(b -> b.bucket(bucket).policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
                + "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn
                + "/*\"]}]}"));
        return bucket;
    }

    /** Version id to content of every version of {@code key}. */
    private static Map<String, String> versions(String bucket, String key) {
        List<ObjectVersion> vs = owner.listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions();
        return vs.stream().collect(Collectors.toMap(ObjectVersion::versionId, v -> owner.getObjectAsBytes(b -> b
                .bucket(bucket).key(key).versionId(v.versionId())).asUtf8String()));
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAnonymousFormOnlyAddsAVersionWhateverItsFieldsSay() throws Exception {
        String bucket = openMfaBucket("anon-post-attack");
        String v1 = owner.putObject(b -> b.bucket(bucket).key("ledger"), RequestBody.fromString("v1")).versionId();
        PostForm form = new PostForm().field("key", "ledger").field("x-amz-mfa", rootDevice.header())
                .field("versionId", v1).field("x-amz-version-id", v1);
        HttpResponse<String> r = form.post(URI.create(gw.endpoint() + "/" + bucket + "?versionId=" + v1),
                "replaced?".getBytes(StandardCharsets.UTF_8));
        assertEquals(204, r.statusCode(), r.body()); // the grant is real: a new version, as a PutObject makes
        String added = r.headers().firstValue("x-amz-version-id").orElseThrow();
        assertNotEquals(v1, added);
        assertEquals(Map.of(v1, "v1", added, "replaced?"), versions(bucket, "ledger"));

        // a form posted to the object's URL (not POST Object) with the version in its query
        HttpResponse<String> atObject = new PostForm().field("key", "ledger").post(
                URI.create(gw.endpoint() + "/" + bucket + "/ledger?versionId=" + v1), new byte[1]);
        assertEquals(501, atObject.statusCode(), atObject.body()); // routed as S3's POST on an object
        assertTrue(atObject.body().contains("<Code>NotImplemented</Code>"), atObject.body());
        assertEquals(Map.of(v1, "v1", added, "replaced?"), versions(bucket, "ledger"));
    }

    @Test
    void anAnonymousFormCannotReplaceTheNullVersionEvenWithTheOwnersCode() throws Exception {
        String bucket = openMfaBucket("anon-post-null");
        owner.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Suspended")));
        owner.putObject(b -> b.bucket(bucket).key("ledger"), RequestBody.fromString("the original"));
        for (String code : new String[] {null, rootDevice.header()}) {
            PostForm form = new PostForm().field("key", "ledger");
            if (code != null) {
                form.field("x-amz-mfa", code);
            }
            HttpResponse<String> r = form.post(URI.create(gw.endpoint() + "/" + bucket), "replaced".getBytes(
                    StandardCharsets.UTF_8));
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
            assertTrue(r.body().contains("<Message>" + Messages.MFA_REQUIRED + "</Message>"), r.body());
        }
        assertEquals(Map.of("null", "the original"), versions(bucket, "ledger"));
    }

    @Test
    void anAnonymousDeleteObjectsPostCannotDeleteAVersion() throws Exception {
        String bucket = openMfaBucket("anon-post-delete");
        String v1 = owner.putObject(b -> b.bucket(bucket).key("ledger"), RequestBody.fromString("v1")).versionId();
        String xml = "<Delete><Object><Key>ledger</Key><VersionId>" + v1 + "</VersionId></Object></Delete>";
        String md5 = Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5")
                .digest(xml.getBytes(StandardCharsets.UTF_8)));
        for (String code : new String[] {null, rootDevice.header()}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.endpoint() + "/" + bucket + "?delete"))
                    .POST(HttpRequest.BodyPublishers.ofString(xml)).header("Content-MD5", md5)
                    .header("Content-Type", "application/xml");
            if (code != null) {
                b.header("x-amz-mfa", code);
            }
            HttpResponse<String> r = send(b);
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
            assertTrue(!r.body().contains("<Deleted>"), r.body());
        }
        assertEquals(Map.of(v1, "v1"), versions(bucket, "ledger"));
    }
}
