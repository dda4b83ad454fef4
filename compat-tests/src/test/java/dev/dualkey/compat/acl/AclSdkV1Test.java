package dev.dualkey.compat.acl;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.AccessControlList;
import com.amazonaws.services.s3.model.CannedAccessControlList;
import com.amazonaws.services.s3.model.CanonicalGrantee;
import com.amazonaws.services.s3.model.CreateBucketRequest;
import com.amazonaws.services.s3.model.GroupGrantee;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ACLs through AWS SDK for Java v1: canned ACLs, {@code AccessControlList} bodies, a second account's read. */
@ExtendWith(GatewayExtension.class)
class AclSdkV1Test {

    private static PutObjectRequest put(String bucket, String key, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ObjectMetadata m = new ObjectMetadata();
        m.setContentLength(bytes.length);
        return new PutObjectRequest(bucket, key, new ByteArrayInputStream(bytes), m);
    }

    @Test
    void cannedAndExplicitAcls(GatewayEndpoint gw, TestBuckets buckets) {
        AmazonS3 root = Clients.v1(gw);
        AmazonS3 other = Clients.v1(gw, gw.otherAccount());
        String otherId = Acls.canonicalId(Clients.v2(gw, gw.otherAccount()),
                "acl-v1-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            String enforced = buckets.create();
            assertV1Error(400, "AccessControlListNotSupported", () -> root.putObject(put(enforced, "k", "x")
                    .withCannedAcl(CannedAccessControlList.PublicRead)));

            String bucket = buckets.newName();
            CreateBucketRequest create = new CreateBucketRequest(bucket);
            create.putCustomRequestHeader("x-amz-object-ownership", "ObjectWriter");
            root.createBucket(create);
            root.putObject(put(bucket, "public", "p").withCannedAcl(CannedAccessControlList.PublicRead));
            AccessControlList acl = root.getObjectAcl(bucket, "public");
            assertTrue(acl.getGrantsAsList().stream().anyMatch(g -> g.getGrantee().equals(GroupGrantee.AllUsers)
                    && g.getPermission() == com.amazonaws.services.s3.model.Permission.Read), acl.toString());

            root.putObject(put(bucket, "shared", "hello"));
            AccessControlList shared = root.getObjectAcl(bucket, "shared");
            shared.grantPermission(new CanonicalGrantee(otherId), com.amazonaws.services.s3.model.Permission.Read);
            root.setObjectAcl(bucket, "shared", shared);
            assertEquals("hello", other.getObjectAsString(bucket, "shared"));
            assertV1Error(403, "AccessDenied", () -> other.putObject(put(bucket, "shared", "overwrite")));
            assertV1Error(403, "AccessDenied", () -> other.deleteObject(bucket, "shared"));

            root.setBucketAcl(bucket, CannedAccessControlList.AuthenticatedRead);
            assertTrue(root.getBucketAcl(bucket).getGrantsAsList().stream()
                    .anyMatch(g -> g.getGrantee().equals(GroupGrantee.AuthenticatedUsers)));
            assertEquals(2, other.listObjectsV2(bucket).getKeyCount());
        } finally {
            root.shutdown();
            other.shutdown();
        }
    }
}
