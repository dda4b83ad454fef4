package dev.dualkey.compat.acl;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;

/**
 * ACLs and IAM users, as AWS evaluates them: CreateBucket that sets an ACL or Object Ownership needs
 * {@code s3:PutBucketAcl} / {@code s3:PutBucketOwnershipControls} too; an ACL grant to another account lets that
 * account's IAM users in only when their own identity policies allow the action (both sides must allow).
 */
@ExtendWith(GatewayExtension.class)
class AclIamUserTest {

    private static String policy(String actions) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[" + actions
                + "],\"Resource\":\"*\"}]}";
    }

    /** A new IAM user of the account {@code iam} signs for, with one inline policy; deleted by the caller. */
    private static AccessKey user(IamClient iam, String name, String policy) {
        iam.createUser(b -> b.userName(name));
        iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policy));
        CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
        return new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
    }

    private static void delete(IamClient iam, String name, AccessKey key) {
        iam.deleteAccessKey(b -> b.userName(name).accessKeyId(key.accessKeyId()));
        iam.deleteUserPolicy(b -> b.userName(name).policyName("p"));
        iam.deleteUser(b -> b.userName(name));
    }

    @Test
    void createBucketWithAclNeedsPutBucketAcl(GatewayEndpoint gw, TestBuckets buckets) {
        String name = "acl-creator-" + UUID.randomUUID().toString().substring(0, 8);
        try (IamClient iam = IamClients.v2(gw, gw.root())) {
            AccessKey key = user(iam, name, policy("\"s3:CreateBucket\",\"s3:DeleteBucket\""));
            try (S3Client s3 = Clients.v2(gw, key)) {
                String a = buckets.newName();
                assertS3Error(403, "AccessDenied", () -> s3.createBucket(b -> b.bucket(a)
                        .acl(BucketCannedACL.PRIVATE)));
                assertS3Error(403, "AccessDenied", () -> s3.createBucket(b -> b.bucket(a)
                        .objectOwnership(ObjectOwnership.OBJECT_WRITER)));
                s3.createBucket(b -> b.bucket(a)); // without ACL headers s3:CreateBucket suffices
            } finally {
                delete(iam, name, key);
            }
        }
    }

    @Test
    void crossAccountGrantNeedsTheUsersOwnPolicy(GatewayEndpoint gw, TestBuckets buckets) {
        S3Client root = Clients.v2(gw);
        String bucket = buckets.newName();
        Acls.createWithAcls(root, bucket);
        root.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("shared"));
        String otherId = Acls.canonicalId(Clients.v2(gw, gw.otherAccount()),
                "acl-iam-" + UUID.randomUUID().toString().substring(0, 8));
        root.putObjectAcl(b -> b.bucket(bucket).key("k").grantRead("id=" + otherId));
        String reader = "acl-reader-" + UUID.randomUUID().toString().substring(0, 8);
        String nobody = "acl-nobody-" + UUID.randomUUID().toString().substring(0, 8);
        try (IamClient otherIam = IamClients.v2(gw, gw.otherAccount())) {
            AccessKey readerKey = user(otherIam, reader, policy("\"s3:GetObject\""));
            AccessKey nobodyKey = user(otherIam, nobody, policy("\"s3:ListAllMyBuckets\""));
            try (S3Client r = Clients.v2(gw, readerKey); S3Client n = Clients.v2(gw, nobodyKey)) {
                assertEquals("shared", r.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
                assertS3Error(403, "AccessDenied", () -> n.getObject(b -> b.bucket(bucket).key("k")));
            } finally {
                delete(otherIam, reader, readerKey);
                delete(otherIam, nobody, nobodyKey);
            }
        }
        root.close();
    }
}
