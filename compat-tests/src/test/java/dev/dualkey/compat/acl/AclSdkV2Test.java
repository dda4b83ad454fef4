package dev.dualkey.compat.acl;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.acl.Acls.ALL_USERS;
import static dev.dualkey.compat.acl.Acls.AUTHENTICATED_USERS;
import static dev.dualkey.compat.acl.Acls.describe;
import static dev.dualkey.compat.acl.Acls.grant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AccessControlPolicy;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Owner;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * ACLs and Object Ownership through AWS SDK for Java v2, each answer checked against Amazon S3's documented
 * behaviour (ceph s3-tests counterparts named where one exists).
 */
@ExtendWith(GatewayExtension.class)
class AclSdkV2Test {
    private static GatewayEndpoint gw;
    private static S3Client root;
    private static S3Client other;
    private static String rootId;
    private static String otherId;

    @BeforeAll
    static void clients(GatewayEndpoint endpoint) {
        gw = endpoint;
        root = Clients.v2(gw);
        other = Clients.v2(gw, gw.otherAccount());
        rootId = Acls.canonicalId(root, "acl-id-" + UUID.randomUUID().toString().substring(0, 8));
        otherId = Acls.canonicalId(other, "acl-id-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterAll
    static void close() {
        root.close();
        other.close();
    }

    private static RequestBody text(String s) {
        return RequestBody.fromString(s, StandardCharsets.UTF_8);
    }

    // ---- canonical ids ---------------------------------------------------------------------------------------

    @Test
    void ownerIdsAreCanonicalUserIds() {
        assertTrue(rootId.matches("[0-9a-f]{64}"), rootId);
        assertTrue(otherId.matches("[0-9a-f]{64}"), otherId);
        assertTrue(!rootId.equals(otherId));
    }

    // ---- Object Ownership: the BucketOwnerEnforced default --------------------------------------------------

    /** s3-tests: test_create_bucket_bucket_owner_enforced / AWS default since April 2023. */
    @Test
    void newBucketsHaveAclsDisabled(TestBuckets buckets) {
        String bucket = buckets.create();
        assertEquals(ObjectOwnership.BUCKET_OWNER_ENFORCED, root.getBucketOwnershipControls(b -> b.bucket(bucket))
                .ownershipControls().rules().get(0).objectOwnership());
        // Reading ACLs still works and shows the owner's FULL_CONTROL.
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId)),
                describe(root.getBucketAcl(b -> b.bucket(bucket)).grants()));
        assertS3Error(400, "AccessControlListNotSupported", () -> root.putObject(b -> b.bucket(bucket).key("k")
                .acl(ObjectCannedACL.PUBLIC_READ), text("x")));
        assertS3Error(400, "AccessControlListNotSupported", () -> root.putBucketAcl(b -> b.bucket(bucket)
                .acl(BucketCannedACL.PUBLIC_READ)));
        assertS3Error(400, "AccessControlListNotSupported", () -> root.putObject(b -> b.bucket(bucket).key("k")
                .grantRead("id=\"" + otherId + "\""), text("x")));
        // bucket-owner-full-control (and private) are what an enforced bucket accepts.
        root.putObject(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL), text("x"));
        root.putObject(b -> b.bucket(bucket).key("k2").acl(ObjectCannedACL.PRIVATE), text("x"));
        root.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("k")).grants()));
    }

    /** AWS: a public ACL on a new bucket without ObjectWriter is InvalidBucketAclWithObjectOwnership. */
    @Test
    void createBucketWithPublicAclNeedsAclsEnabled(TestBuckets buckets) {
        String bucket = buckets.newName();
        assertS3Error(400, "InvalidBucketAclWithObjectOwnership",
                () -> root.createBucket(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ)));
        root.createBucket(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ)
                .objectOwnership(ObjectOwnership.OBJECT_WRITER));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, ALL_USERS)),
                describe(root.getBucketAcl(b -> b.bucket(bucket)).grants()));
        // Back to enforced while the ACL is public: refused until the ACL is private again.
        assertS3Error(400, "InvalidBucketAclWithObjectOwnership", () -> root.putBucketOwnershipControls(b -> b
                .bucket(bucket).ownershipControls(o -> o.rules(r -> r.objectOwnership(
                        ObjectOwnership.BUCKET_OWNER_ENFORCED)))));
        root.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PRIVATE));
        root.putBucketOwnershipControls(b -> b.bucket(bucket).ownershipControls(o -> o.rules(r -> r
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED))));
    }

    @Test
    void ownershipControlsLifecycle(TestBuckets buckets) {
        String bucket = buckets.create();
        root.putBucketOwnershipControls(b -> b.bucket(bucket).ownershipControls(o -> o.rules(r -> r
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED))));
        assertEquals(ObjectOwnership.BUCKET_OWNER_PREFERRED, root.getBucketOwnershipControls(b -> b.bucket(bucket))
                .ownershipControls().rules().get(0).objectOwnership());
        root.deleteBucketOwnershipControls(b -> b.bucket(bucket));
        assertS3Error(404, "OwnershipControlsNotFoundError",
                () -> root.getBucketOwnershipControls(b -> b.bucket(bucket)));
        // Without the setting ACLs are enabled (ObjectWriter behaviour), as on AWS.
        root.putObject(b -> b.bucket(bucket).key("k").acl(ObjectCannedACL.PUBLIC_READ), text("x"));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, ALL_USERS)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("k")).grants()));
        // Another account may not read or change the setting.
        assertS3Error(403, "AccessDenied", () -> other.getBucketOwnershipControls(b -> b.bucket(bucket)));
        assertS3Error(403, "AccessDenied", () -> other.deleteBucketOwnershipControls(b -> b.bucket(bucket)));
    }

    // ---- canned ACLs on every write --------------------------------------------------------------------------

    /** s3-tests: test_object_acl_canned_publicread, _authenticatedread, _publicreadwrite. */
    @Test
    void cannedAclsOnPutCopyAndMultipart(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putObject(b -> b.bucket(bucket).key("put").acl(ObjectCannedACL.PUBLIC_READ), text("data"));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, ALL_USERS)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("put")).grants()));

        root.copyObject(b -> b.sourceBucket(bucket).sourceKey("put").destinationBucket(bucket).destinationKey("copy")
                .acl(ObjectCannedACL.AUTHENTICATED_READ));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, AUTHENTICATED_USERS)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("copy")).grants()));
        // A copy without an ACL is private: the source's ACL is not copied (S3).
        root.copyObject(b -> b.sourceBucket(bucket).sourceKey("put").destinationBucket(bucket)
                .destinationKey("plain-copy"));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("plain-copy")).grants()));

        String uploadId = root.createMultipartUpload(b -> b.bucket(bucket).key("mpu")
                .acl(ObjectCannedACL.PUBLIC_READ_WRITE)).uploadId();
        String etag = root.uploadPart(b -> b.bucket(bucket).key("mpu").uploadId(uploadId).partNumber(1),
                text("part")).eTag();
        // Not there before Complete; applied with it.
        root.completeMultipartUpload(b -> b.bucket(bucket).key("mpu").uploadId(uploadId)
                .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, ALL_USERS),
                        grant(Permission.WRITE, ALL_USERS)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("mpu")).grants()));

        root.putBucketAcl(b -> b.bucket(bucket).acl("log-delivery-write"));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId),
                        grant(Permission.READ_ACP, "http://acs.amazonaws.com/groups/s3/LogDelivery"),
                        grant(Permission.WRITE, "http://acs.amazonaws.com/groups/s3/LogDelivery")),
                describe(root.getBucketAcl(b -> b.bucket(bucket)).grants()));
    }

    // ---- a second account ------------------------------------------------------------------------------------

    /** s3-tests: test_object_acl_canned_bucketownerread-style grant by canonical id to another account. */
    @Test
    void grantByCanonicalIdLetsAnotherAccountReadButNotWrite(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putObject(b -> b.bucket(bucket).key("shared").grantRead("id=\"" + otherId + "\""), text("hello"));
        root.putObject(b -> b.bucket(bucket).key("private"), text("secret"));

        assertEquals("hello", other.getObjectAsBytes(b -> b.bucket(bucket).key("shared")).asUtf8String());
        assertS3Error(403, "AccessDenied", () -> other.getObject(b -> b.bucket(bucket).key("private")));
        assertS3Error(403, "AccessDenied", () -> other.putObject(b -> b.bucket(bucket).key("shared"), text("x")));
        assertS3Error(403, "AccessDenied", () -> other.getObjectAcl(b -> b.bucket(bucket).key("shared")));
        assertS3Error(403, "AccessDenied", () -> other.putObjectAcl(b -> b.bucket(bucket).key("shared")
                .acl(ObjectCannedACL.PUBLIC_READ)));
        assertS3Error(403, "AccessDenied", () -> other.listObjectsV2(b -> b.bucket(bucket)));
        assertS3Error(403, "AccessDenied", () -> other.deleteObject(b -> b.bucket(bucket).key("shared")));

        // The grant read back, by id, in AccessControlPolicy form.
        assertEquals(List.of(grant(Permission.READ, otherId)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("shared")).grants()));
        // Bucket READ by header lets the other account list.
        root.putBucketAcl(b -> b.bucket(bucket).grantRead("id=" + otherId)
                .grantFullControl("id=" + rootId));
        assertEquals(2, other.listObjectsV2(b -> b.bucket(bucket)).keyCount());
    }

    /** Bucket WRITE lets another account upload; Object Ownership decides who owns the upload. */
    @Test
    void bucketWriteGrantAndObjectOwnership(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putBucketAcl(b -> b.bucket(bucket).grantWrite("id=\"" + otherId + "\"")
                .grantFullControl("id=\"" + rootId + "\""));
        other.putObject(b -> b.bucket(bucket).key("theirs"), text("w"));
        // ObjectWriter: the uploading account owns it and holds its FULL_CONTROL.
        assertEquals(otherId, other.getObjectAcl(b -> b.bucket(bucket).key("theirs")).owner().id());
        assertEquals("w", other.getObjectAsBytes(b -> b.bucket(bucket).key("theirs")).asUtf8String());

        root.putBucketOwnershipControls(b -> b.bucket(bucket).ownershipControls(o -> o.rules(r -> r
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED))));
        other.putObject(b -> b.bucket(bucket).key("given").acl(ObjectCannedACL.BUCKET_OWNER_FULL_CONTROL),
                text("g"));
        // BucketOwnerPreferred + bucket-owner-full-control: the bucket owner owns it; the writer keeps no access.
        assertEquals(rootId, root.getObjectAcl(b -> b.bucket(bucket).key("given")).owner().id());
        assertS3Error(403, "AccessDenied", () -> other.getObject(b -> b.bucket(bucket).key("given")));
        other.putObject(b -> b.bucket(bucket).key("kept").acl(ObjectCannedACL.BUCKET_OWNER_READ), text("k"));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, otherId), grant(Permission.READ, rootId)),
                describe(other.getObjectAcl(b -> b.bucket(bucket).key("kept")).grants()));
    }

    /** WRITE_ACP lets a grantee change the ACL (and only the ACL). */
    @Test
    void writeAcpGrantee(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putObject(b -> b.bucket(bucket).key("k").grantWriteACP("id=" + otherId)
                .grantFullControl("id=" + rootId), text("v"));
        assertS3Error(403, "AccessDenied", () -> other.getObject(b -> b.bucket(bucket).key("k")));
        other.putObjectAcl(b -> b.bucket(bucket).key("k").grantRead("id=" + otherId)
                .grantFullControl("id=" + rootId));
        assertEquals("v", other.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
        // the owner stays the owner, whatever the body's Owner says
        assertEquals(rootId, root.getObjectAcl(b -> b.bucket(bucket).key("k")).owner().id());
    }

    // ---- versions --------------------------------------------------------------------------------------------

    @Test
    void aclOfOneVersion(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        String v1 = root.putObject(b -> b.bucket(bucket).key("k"), text("one")).versionId();
        root.putObject(b -> b.bucket(bucket).key("k"), text("two"));
        root.putObjectAcl(b -> b.bucket(bucket).key("k").versionId(v1).grantRead("id=" + otherId)
                .grantFullControl("id=" + rootId));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, otherId)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("k").versionId(v1)).grants()));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId)),
                describe(root.getObjectAcl(b -> b.bucket(bucket).key("k")).grants()));
        assertEquals("one", other.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1)).asUtf8String());
        assertS3Error(403, "AccessDenied", () -> other.getObject(b -> b.bucket(bucket).key("k")));
        assertS3Error(400, "InvalidArgument", () -> root.getObjectAcl(b -> b.bucket(bucket).key("k")
                .versionId("not-a-version")));
    }

    /** A grantee of the latest version cannot copy out an older, private one (its own ACL decides). */
    @Test
    void copyOfAnotherVersionIsJudgedOnThatVersion(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        String secret = root.putObject(b -> b.bucket(bucket).key("k"), text("private v1")).versionId();
        root.putObject(b -> b.bucket(bucket).key("k").grantRead("id=" + otherId), text("shared v2"));
        String target = "acl-copy-" + UUID.randomUUID().toString().substring(0, 8);
        other.createBucket(b -> b.bucket(target));
        try {
            other.copyObject(b -> b.sourceBucket(bucket).sourceKey("k").destinationBucket(target)
                    .destinationKey("latest"));
            assertS3Error(403, "AccessDenied", () -> other.copyObject(b -> b.sourceBucket(bucket).sourceKey("k")
                    .sourceVersionId(secret).destinationBucket(target).destinationKey("old")));
            assertS3Error(403, "AccessDenied", () -> other.getObject(b -> b.bucket(bucket).key("k")
                    .versionId(secret)));
        } finally {
            other.deleteObject(b -> b.bucket(target).key("latest"));
            other.deleteBucket(b -> b.bucket(target));
        }
    }

    // ---- errors ----------------------------------------------------------------------------------------------

    @Test
    void malformedAndMixedRequests(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putObject(b -> b.bucket(bucket).key("k"), text("v"));
        assertS3Error(400, "InvalidRequest", () -> root.putObject(b -> b.bucket(bucket).key("k2")
                .acl(ObjectCannedACL.PUBLIC_READ).grantRead("id=" + otherId), text("x")));
        assertS3Error(400, "UnexpectedContent", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .acl(ObjectCannedACL.PUBLIC_READ).accessControlPolicy(policy(rootId, List.of()))));
        assertS3Error(400, "InvalidArgument", () -> root.putObject(b -> b.bucket(bucket).key("k3")
                .acl("public-everything"), text("x")));
        assertS3Error(400, "InvalidArgument", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .grantRead("id=" + "0".repeat(64))));
        assertS3Error(400, "InvalidArgument", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .grantRead("uri=http://acs.amazonaws.com/groups/global/Everybody")));
        assertS3Error(400, "InvalidArgument", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .grantRead("user=someone")));
        // E-mail grantees: discontinued by Amazon S3 on 1 October 2025 (405).
        assertS3Error(405, "MethodNotAllowed", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .grantRead("emailAddress=\"someone@example.com\"")));
        assertS3Error(400, "MissingSecurityHeader", () -> root.putBucketAcl(b -> b.bucket(bucket)));
        List<Grant> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add(Grant.builder().permission(i % 2 == 0 ? Permission.READ : Permission.READ_ACP)
                    .grantee(Grantee.builder().type(Type.CANONICAL_USER).id(i < 50 ? rootId : otherId).build())
                    .build());
        }
        // S3's limit is 100 grants per ACL, counted as sent.
        assertS3Error(400, "MalformedACLError", () -> root.putObjectAcl(b -> b.bucket(bucket).key("k")
                .accessControlPolicy(policy(rootId, tooMany))));
        assertS3Error(404, "NoSuchKey", () -> root.putObjectAcl(b -> b.bucket(bucket).key("missing")
                .acl(ObjectCannedACL.PRIVATE)));
        assertS3Error(404, "NoSuchBucket", () -> root.getBucketAcl(b -> b.bucket(bucket + "-none")));
    }

    @Test
    void accessControlPolicyBody(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putBucketAcl(b -> b.bucket(bucket).accessControlPolicy(policy(rootId, List.of(
                Grant.builder().permission(Permission.FULL_CONTROL).grantee(Grantee.builder()
                        .type(Type.CANONICAL_USER).id(rootId).build()).build(),
                Grant.builder().permission(Permission.READ).grantee(Grantee.builder()
                        .type(Type.GROUP).uri(AUTHENTICATED_USERS).build()).build()))));
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId), grant(Permission.READ, AUTHENTICATED_USERS)),
                describe(root.getBucketAcl(b -> b.bucket(bucket)).grants()));
        // AuthenticatedUsers: any signed request of any account may list.
        other.listObjectsV2(b -> b.bucket(bucket));
    }

    /** CreateBucket of a bucket one already owns: 200 in us-east-1 (AWS's legacy global endpoint behaviour). */
    @Test
    void recreateOwnBucketInUsEast1(TestBuckets buckets) {
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putBucketAcl(b -> b.bucket(bucket).acl(BucketCannedACL.PUBLIC_READ));
        root.createBucket(b -> b.bucket(bucket));
        // ... and the ACL is reset.
        assertEquals(List.of(grant(Permission.FULL_CONTROL, rootId)),
                describe(root.getBucketAcl(b -> b.bucket(bucket)).grants()));
        assertS3Error(409, "BucketAlreadyExists", () -> other.createBucket(b -> b.bucket(bucket)));
    }

    private static AccessControlPolicy policy(String owner, List<Grant> grants) {
        return AccessControlPolicy.builder().owner(Owner.builder().id(owner).build()).grants(grants).build();
    }
}
