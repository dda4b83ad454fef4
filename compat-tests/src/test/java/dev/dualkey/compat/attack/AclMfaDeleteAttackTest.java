package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

/**
 * ACLs against the MFA Delete gate (issue 14): a bucket with MFA Delete Enabled and ACLs enabled, attacked by
 * another account holding the most an ACL can give.
 * <ul>
 *   <li>{@code public-read-write} or a WRITE grant lets the other account write and add delete markers
 *       ({@code s3:DeleteObject}), as on AWS, but never delete a version ({@code s3:DeleteObjectVersion} is not an
 *       ACL permission of grantees), neither by DeleteObject nor by DeleteObjects: every version stays;</li>
 *   <li>a grantee of WRITE_ACP who grants itself FULL_CONTROL gains no version delete and no versioning change
 *       (MFA Delete cannot be switched off through an ACL);</li>
 *   <li>an unsigned PutBucketAcl / PutObjectAcl is refused (no WRITE_ACP for AllUsers).</li>
 * </ul>
 */
class AclMfaDeleteAttackTest {
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static S3Client root;
    private static S3Client attacker;
    private static MfaDevice rootDevice;
    private static String attackerId;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        root = Clients.v2(gw);
        attacker = Clients.v2(gw, gw.otherAccount());
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        attacker.createBucket(b -> b.bucket("acl-attacker-own"));
        attackerId = attacker.getBucketAcl(b -> b.bucket("acl-attacker-own")).owner().id();
    }

    @AfterAll
    static void stop() {
        attacker.close();
        root.close();
        rootIam.close();
        server.close();
    }

    /** A versioned bucket with MFA Delete Enabled, ACLs enabled, holding one version of {@code doc}. */
    private static String protectedBucket(BucketCannedACL acl) {
        String bucket = "acl-mfa-" + BUCKETS.incrementAndGet();
        root.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER));
        root.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled")));
        root.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("the original"));
        if (acl != null) {
            root.putBucketAcl(b -> b.bucket(bucket).acl(acl));
        }
        return bucket;
    }

    private static List<ObjectVersion> versions(String bucket) {
        return root.listObjectVersions(b -> b.bucket(bucket)).versions();
    }

    private static void assertVersionsSurvive(String bucket, String versionId) {
        String kept = root.getObjectAsBytes(b -> b.bucket(bucket).key("doc").versionId(versionId)).asUtf8String();
        assertEquals("the original", kept);
        assertTrue(versions(bucket).stream().anyMatch(v -> v.versionId().equals(versionId)));
    }

    @Test
    void publicReadWriteAddsMarkersButDestroysNothing() {
        String bucket = protectedBucket(BucketCannedACL.PUBLIC_READ_WRITE);
        String original = versions(bucket).get(0).versionId();
        // What an ACL WRITE grant gives on AWS: writes and delete markers.
        attacker.putObject(b -> b.bucket(bucket).key("doc"), RequestBody.fromString("ransom note"));
        assertTrue(attacker.deleteObject(b -> b.bucket(bucket).key("doc")).deleteMarker());
        // Never a version delete, with or without a code of its own.
        assertS3Error(403, "AccessDenied", () -> attacker.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId(original)));
        assertS3Error(403, "AccessDenied", () -> attacker.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId(original).mfa(rootDevice.serial() + " 123456")));
        DeleteObjectsResponse batch = attacker.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder()
                .objects(ObjectIdentifier.builder().key("doc").versionId(original).build()).build()));
        assertEquals(1, batch.errors().size());
        assertEquals("AccessDenied", batch.errors().get(0).code());
        assertVersionsSurvive(bucket, original);
        assertEquals(2, versions(bucket).size()); // the original and the attacker's write; the marker is apart
    }

    @Test
    void writeAcpGranteeCannotGrantItselfPastTheGate() {
        String bucket = protectedBucket(null);
        String original = versions(bucket).get(0).versionId();
        String rootId = root.getBucketAcl(b -> b.bucket(bucket)).owner().id();
        root.putBucketAcl(b -> b.bucket(bucket).grantWriteACP("id=" + attackerId).grantFullControl("id=" + rootId));
        // The grantee rewrites the ACL: FULL_CONTROL for itself, the owner dropped.
        attacker.putBucketAcl(b -> b.bucket(bucket).grantFullControl("id=" + attackerId));
        assertS3Error(403, "AccessDenied", () -> attacker.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId(original)));
        assertS3Error(403, "AccessDenied", () -> attacker.putBucketVersioning(b -> b.bucket(bucket)
                .versioningConfiguration(v -> v.status("Suspended").mfaDelete("Disabled"))));
        assertS3Error(403, "AccessDenied", () -> attacker.deleteBucket(b -> b.bucket(bucket)));
        assertS3Error(403, "AccessDenied", () -> attacker.putBucketOwnershipControls(b -> b.bucket(bucket)
                .ownershipControls(o -> o.rules(r -> r.objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)))));
        assertVersionsSurvive(bucket, original);
        // The owner still controls the bucket whatever its ACL says, and MFA Delete still holds for the owner too.
        root.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        assertS3Error(403, "AccessDenied", () -> root.deleteObject(b -> b.bucket(bucket).key("doc")
                .versionId(original)));
        assertS3Error(403, "AccessDenied", () -> attacker.putObject(b -> b.bucket(bucket).key("x"),
                RequestBody.fromString("x")));
    }

    @Test
    void unsignedAclChangesAreRefused() throws Exception {
        String bucket = protectedBucket(BucketCannedACL.PUBLIC_READ_WRITE);
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/" + bucket + "?acl", "/" + bucket + "/doc?acl")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gw.endpoint() + path))
                    .header("x-amz-acl", "public-read-write").PUT(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
        }
        assertEquals(List.of("FULL_CONTROL", "READ", "WRITE"), root.getBucketAcl(b -> b.bucket(bucket)).grants()
                .stream().map(g -> g.permissionAsString()).sorted().toList());
    }
}
