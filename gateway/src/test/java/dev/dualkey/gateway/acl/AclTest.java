package dev.dualkey.gateway.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ACL model, its stored form, the requests that ask for one, and its evaluation. */
class AclTest {
    private static final CanonicalIds IDS = new DerivedCanonicalIds(() -> List.of("111111111111", "222222222222"));
    private static final String A = IDS.canonicalId("111111111111");
    private static final String B = IDS.canonicalId("222222222222");

    private static AclRequest headers(Map<String, String> h) {
        Map<String, String> lower = new HashMap<>();
        h.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return AclRequest.fromHeaders(n -> lower.get(n.toLowerCase(java.util.Locale.ROOT)), IDS);
    }

    private static S3Exception error(Runnable r) {
        return assertThrows(S3Exception.class, r::run);
    }

    @Test
    void canonicalIdsAreStableHexAndResolveBack() {
        assertTrue(CanonicalIds.wellFormed(A));
        assertEquals(A, IDS.canonicalId("111111111111"));
        assertEquals("222222222222", IDS.accountId(B).orElseThrow());
        assertTrue(IDS.accountId("0".repeat(64)).isEmpty());
    }

    @Test
    void storedFormRoundTrips() {
        Acl acl = new Acl(A, List.of(new Grant(Grantee.user(A), Permission.FULL_CONTROL),
                new Grant(Grantee.group(Grantee.ALL_USERS), Permission.READ),
                new Grant(Grantee.user(B), Permission.WRITE_ACP)));
        assertEquals(acl, Acl.decode(acl.encode()));
        assertThrows(IllegalStateException.class, () -> Acl.decode("acl1\nowner x\nREAD id"));
        assertTrue(acl.isPublic());
        assertFalse(acl.withoutPublicGrants().isPublic());
    }

    @Test
    void cannedAcls() {
        assertEquals(Acl.privateTo(A), headers(Map.of("x-amz-acl", "private")).resolve(A, A, true));
        Acl bofc = headers(Map.of("x-amz-acl", "bucket-owner-full-control")).resolve(B, A, false);
        assertEquals(List.of(new Grant(Grantee.user(B), Permission.FULL_CONTROL),
                new Grant(Grantee.user(A), Permission.FULL_CONTROL)), bofc.grants());
        // ignored on buckets
        assertEquals(Acl.privateTo(A), headers(Map.of("x-amz-acl", "bucket-owner-read")).resolve(A, A, true));
        assertEquals(Acl.privateTo(A), headers(Map.of("x-amz-acl", "aws-exec-read")).resolve(A, A, false));
        S3Exception e = error(() -> headers(Map.of("x-amz-acl", "public")));
        assertEquals("InvalidArgument", e.error().code());
    }

    @Test
    void grantHeaders() {
        Acl acl = headers(Map.of("x-amz-grant-read", "id=\"" + B + "\", uri=\"" + Grantee.AUTHENTICATED_USERS + "\"",
                "x-amz-grant-full-control", "id=" + A)).resolve(A, A, false);
        assertTrue(AclEvaluator.grants(acl, Permission.READ, B));
        assertTrue(AclEvaluator.grants(acl, Permission.READ, IDS.canonicalId("333333333333"))); // any signed caller
        assertFalse(AclEvaluator.grants(acl, Permission.READ, null)); // not anonymous
        assertFalse(AclEvaluator.grants(acl, Permission.WRITE_ACP, B));
        assertTrue(AclEvaluator.grants(acl, Permission.WRITE_ACP, A)); // FULL_CONTROL covers it
        assertEquals("InvalidRequest", error(() -> headers(Map.of("x-amz-acl", "private",
                "x-amz-grant-read", "id=" + B))).error().code());
        assertEquals("InvalidArgument", error(() -> headers(Map.of("x-amz-grant-read", "id=" + "f".repeat(64))))
                .error().code());
        assertEquals("InvalidArgument", error(() -> headers(Map.of("x-amz-grant-read", "uri=http://x/y")))
                .error().code());
        assertEquals("InvalidArgument", error(() -> headers(Map.of("x-amz-grant-read", B))).error().code());
        assertEquals("MethodNotAllowed", error(() -> headers(Map.of("x-amz-grant-read",
                "emailAddress=\"a@example.com\""))).error().code());
    }

    private static AclRequest body(String xml) {
        return AclRequest.forPutAcl(n -> null, xml.getBytes(StandardCharsets.UTF_8), IDS);
    }

    private static String policy(String grants) {
        return "<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Owner><ID>" + A
                + "</ID></Owner><AccessControlList>" + grants + "</AccessControlList></AccessControlPolicy>";
    }

    private static String grant(String type, String inner, String permission) {
        return "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" + type + "\">"
                + inner + "</Grantee><Permission>" + permission + "</Permission></Grant>";
    }

    @Test
    void accessControlPolicyBodies() {
        Acl acl = body(policy(grant("CanonicalUser", "<ID>" + B + "</ID>", "READ")
                + grant("Group", "<URI>" + Grantee.ALL_USERS + "</URI>", "READ_ACP"))).resolve(A, A, false);
        assertEquals(List.of(new Grant(Grantee.user(B), Permission.READ),
                new Grant(Grantee.group(Grantee.ALL_USERS), Permission.READ_ACP)), acl.grants());
        assertEquals("MalformedACLError", error(() -> body(policy(grant("CanonicalUser", "<ID>" + B + "</ID>",
                "EVERYTHING")))).error().code());
        assertEquals("MalformedACLError", error(() -> body(policy(grant("Robot", "<ID>" + B + "</ID>", "READ"))))
                .error().code());
        assertEquals("MalformedACLError", error(() -> body("<AccessControlPolicy><AccessControlList/>"
                + "</AccessControlPolicy>")).error().code());
        assertEquals("MalformedACLError", error(() -> body("<not xml")).error().code());
        assertEquals("InvalidArgument", error(() -> body(policy(grant("Group", "<URI>http://x</URI>", "READ"))))
                .error().code());
        assertEquals("MethodNotAllowed", error(() -> body(policy(grant("AmazonCustomerByEmail",
                "<EmailAddress>a@example.com</EmailAddress>", "READ")))).error().code());
        assertEquals("UnexpectedContent", error(() -> AclRequest.forPutAcl(
                n -> n.equals("x-amz-acl") ? "private" : null, policy("").getBytes(StandardCharsets.UTF_8), IDS))
                .error().code());
        assertEquals("MissingSecurityHeader", error(() -> AclRequest.forPutAcl(n -> null, new byte[0], IDS))
                .error().code());
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            many.append(grant("CanonicalUser", "<ID>" + B + "</ID>", "READ"));
        }
        assertEquals("MalformedACLError", error(() -> body(policy(many.toString()))).error().code());
    }

    @Test
    void actionTable() {
        assertEquals(Permission.READ, AclEvaluator.permission("s3:ListBucket", AclEvaluator.Target.BUCKET));
        assertEquals(Permission.WRITE, AclEvaluator.permission("s3:PutObject",
                AclEvaluator.Target.BUCKET_FOR_OBJECT));
        assertEquals(Permission.WRITE, AclEvaluator.permission("s3:DeleteObject",
                AclEvaluator.Target.BUCKET_FOR_OBJECT));
        // No ACL ever grants a version delete, a versioning change or a bucket delete.
        for (AclEvaluator.Target t : AclEvaluator.Target.values()) {
            assertNull(AclEvaluator.permission("s3:DeleteObjectVersion", t));
            assertNull(AclEvaluator.permission("s3:PutBucketVersioning", t));
            assertNull(AclEvaluator.permission("s3:DeleteBucket", t));
            assertNull(AclEvaluator.permission("s3:PutBucketOwnershipControls", t));
        }
        assertEquals(Permission.READ, AclEvaluator.permission("s3:GetObjectVersion", AclEvaluator.Target.OBJECT));
        assertEquals(Permission.WRITE_ACP, AclEvaluator.permission("s3:PutObjectVersionAcl",
                AclEvaluator.Target.OBJECT));
    }

    @Test
    void ownershipControlsDocument() {
        assertEquals(ObjectOwnership.OBJECT_WRITER, AclOperations.parseOwnershipControls(("<OwnershipControls>"
                + "<Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>")
                .getBytes(StandardCharsets.UTF_8)));
        for (String bad : List.of("<OwnershipControls/>", "<OwnershipControls><Rule><ObjectOwnership>Writer"
                + "</ObjectOwnership></Rule></OwnershipControls>", "<OwnershipControls><Rule><ObjectOwnership>"
                + "ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership>"
                + "</Rule></OwnershipControls>")) {
            assertEquals("MalformedXML", error(() -> AclOperations.parseOwnershipControls(
                    bad.getBytes(StandardCharsets.UTF_8))).error().code());
        }
    }
}
