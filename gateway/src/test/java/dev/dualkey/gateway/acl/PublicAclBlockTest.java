package dev.dualkey.gateway.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.authz.AclSide;
import dev.dualkey.gateway.authz.AuthzRequest;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block Public Access's two ACL settings, read from the bucket's {@code publicAccessBlock} document in the form
 * issue 14's PutPublicAccessBlock stores it: BlockPublicAcls refuses public ACLs on every write path,
 * IgnorePublicAcls voids public grants at evaluation; a document that cannot be read blocks (fail closed).
 */
class PublicAclBlockTest {
    private static final CanonicalIds IDS = new DerivedCanonicalIds(() -> List.of("111111111111", "222222222222"));
    private static final String OWNER = IDS.canonicalId("111111111111");

    private static String pab(boolean block, boolean ignore) {
        return "<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<BlockPublicAcls>" + block + "</BlockPublicAcls><IgnorePublicAcls>" + ignore
                + "</IgnorePublicAcls><BlockPublicPolicy>false</BlockPublicPolicy>"
                + "<RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>";
    }

    private static BucketInfo bucket(BucketConfig config) {
        return new BucketInfo("b", "111111111111", Instant.EPOCH, "us-east-1", config);
    }

    private static BucketConfig aclsEnabled() {
        return BucketConfig.initial().withSubresource(ObjectOwnership.SUBRESOURCE, "ObjectWriter");
    }

    @Test
    void blockPublicAclsRefusesPublicAclsOnEveryWritePath() {
        BucketConfig blocked = aclsEnabled().withSubresource(PublicAclBlock.SUBRESOURCE, pab(true, false));
        Acl publicRead = CannedAcl.PUBLIC_READ.toAcl(OWNER, OWNER, true);
        assertEquals("AccessDenied", assertThrows(S3Exception.class,
                () -> AclOperations.withBucketAcl(blocked, publicRead, OWNER)).error().code());
        assertEquals("AccessDenied", assertThrows(S3Exception.class, () -> WriteAcl.decide(
                Map.of("x-amz-acl", "public-read")::get, "111111111111", bucket(blocked), IDS)).error().code());
        // private is fine, and without the setting public is fine
        AclOperations.withBucketAcl(blocked, Acl.privateTo(OWNER), OWNER);
        AclOperations.withBucketAcl(aclsEnabled(), publicRead, OWNER);
        BucketConfig unreadable = aclsEnabled().withSubresource(PublicAclBlock.SUBRESOURCE, "<garbage");
        assertThrows(S3Exception.class, () -> AclOperations.withBucketAcl(unreadable, publicRead, OWNER));
    }

    @Test
    void ignorePublicAclsVoidsPublicGrants(@TempDir Path dir) {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            AclDecisions decisions = new AclDecisions(engine.objectStore(), new ResourceAcls(IDS));
            BucketConfig publicBucket = aclsEnabled().withSubresource(ResourceAcls.KEY,
                    CannedAcl.PUBLIC_READ.toAcl(OWNER, OWNER, true).encode());
            AuthzRequest list = new AuthzRequest(Subject.anonymous(), Check.bucket("s3:ListBucket", "b"), Map.of());
            assertEquals(AclSide.Grant.CALLER, decisions.grant(list, bucket(publicBucket)));
            assertEquals(AclSide.Grant.NONE, decisions.grant(list, bucket(publicBucket
                    .withSubresource(PublicAclBlock.SUBRESOURCE, pab(false, true)))));
            // ACLs disabled: the stored public grant counts for nothing either
            assertEquals(AclSide.Grant.NONE, decisions.grant(list, bucket(publicBucket
                    .withSubresource(ObjectOwnership.SUBRESOURCE, "BucketOwnerEnforced"))));
            // never a version delete or a versioning change, even for a FULL_CONTROL grantee
            String other = IDS.canonicalId("222222222222");
            BucketConfig full = aclsEnabled().withSubresource(ResourceAcls.KEY, new Acl(OWNER, List.of(
                    new Grant(Grantee.user(other), Permission.FULL_CONTROL))).encode());
            Subject otherRoot = new Subject("222222222222", "root", true, "arn:aws:iam::222222222222:root",
                    "222222222222", false, null);
            for (Check c : List.of(Check.object("s3:DeleteObjectVersion", "b", "k"),
                    Check.bucket("s3:PutBucketVersioning", "b"), Check.bucket("s3:DeleteBucket", "b"))) {
                assertEquals(AclSide.Grant.NONE, decisions.grant(new AuthzRequest(otherRoot, c, Map.of()),
                        bucket(full)), c.toString());
            }
            assertEquals(AclSide.Grant.ACCOUNT, decisions.grant(new AuthzRequest(otherRoot,
                    Check.object("s3:DeleteObject", "b", "k"), Map.of()), bucket(full)));
            // a version read whose version the context does not name (a copy source) is never judged on the
            // latest version's ACL
            assertEquals(AclSide.Grant.NONE, decisions.grant(new AuthzRequest(otherRoot,
                    Check.object("s3:GetObjectVersion", "b", "k"), Map.of()), bucket(full)));
        }
    }
}
