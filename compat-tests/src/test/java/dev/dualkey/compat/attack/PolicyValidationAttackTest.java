package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13, finding 7: PutUserPolicy accepted documents IAM refuses ({@code Resource: "foo"}, no resources,
 * duplicate or malformed Sids), had no aggregate quota, and substituted {@code ${aws:username}} in a
 * {@code 2008-10-17} policy, where AWS takes it as literal text. Each is tried through SDK v2 and must fail
 * with IAM's error code and message.
 */
@ExtendWith(GatewayExtension.class)
class PolicyValidationAttackTest {
    private static IamClient root;

    @BeforeAll
    static void client(GatewayEndpoint gw) {
        root = IamClients.v2(gw, gw.root());
    }

    @AfterAll
    static void close() {
        root.close();
    }

    private static String user() {
        String name = "policy-val-" + UUID.randomUUID().toString().substring(0, 8);
        root.createUser(b -> b.userName(name));
        return name;
    }

    private static void assertRefused(int status, String code, String message, String user, String document) {
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> root.putUserPolicy(b -> b
                .userName(user).policyName("p").policyDocument(document)), document);
        assertEquals(code, e.awsErrorDetails().errorCode(), document);
        assertEquals(status, e.statusCode(), document);
        assertEquals(message, e.awsErrorDetails().errorMessage(), document);
    }

    @Test
    void malformedDocumentsAreRefusedWithIamMessages() {
        String u = user();
        String s = "{\"Version\":\"2012-10-17\",\"Statement\":[%s]}";
        assertRefused(400, "MalformedPolicyDocument", "Resource foo must be in ARN format or \"*\".", u,
                s.formatted("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"foo\"}"));
        assertRefused(400, "MalformedPolicyDocument", "Policy statement must contain resources.", u,
                s.formatted("{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[]}"));
        assertRefused(400, "MalformedPolicyDocument", "Statement IDs (SID) in a single policy must be unique.", u,
                s.formatted("{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
                        + "{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"));
        assertRefused(400, "MalformedPolicyDocument", "Statement IDs (SID) must be alpha-numeric. Check that your"
                + " input satisfies the regular expression [0-9A-Za-z]*", u,
                s.formatted("{\"Sid\":\"no-dashes\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"));
        assertRefused(400, "MalformedPolicyDocument", "Policy document should not specify a principal.", u,
                s.formatted("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"));
        assertRefused(400, "MalformedPolicyDocument", "Syntax errors in policy.", u,
                "{\"Version\":\"2012-10-18\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}");
        assertRefused(400, "MalformedPolicyDocument", "The policy failed legacy parsing", u,
                s.formatted("{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}"));
        assertRefused(400, "MalformedPolicyDocument",
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.", u,
                s.formatted("{\"Effect\":\"Deny\",\"Action\":\"DeleteObject\",\"Resource\":\"*\"}"));
        assertEquals(0, root.listUserPolicies(b -> b.userName(u)).policyNames().size(), "nothing was stored");
        root.deleteUser(b -> b.userName(u));
    }

    @Test
    void inlinePoliciesOfAUserShareTheQuota() {
        String u = user();
        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::bucket/" + "k".repeat(1000) + "\"}}";
        root.putUserPolicy(b -> b.userName(u).policyName("one").policyDocument(doc));
        AwsServiceException e = assertThrows(AwsServiceException.class, () -> root.putUserPolicy(b -> b
                .userName(u).policyName("two").policyDocument(doc)));
        assertEquals("LimitExceeded", e.awsErrorDetails().errorCode());
        assertEquals(409, e.statusCode());
        assertEquals("Maximum policy size of 2048 bytes exceeded for user " + u, e.awsErrorDetails().errorMessage());
        root.putUserPolicy(b -> b.userName(u).policyName("one").policyDocument(doc)); // replacing fits
        root.deleteUserPolicy(b -> b.userName(u).policyName("one"));
        root.deleteUser(b -> b.userName(u));
    }

    @Test
    void variablesAreLiteralTextInA2008Policy(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        String u = user();
        try (S3Client s3 = Clients.v2(gw)) {
            s3.putObject(b -> b.bucket(bucket).key("home/" + u + "/x"), RequestBody.fromString("mine"));
            s3.putObject(b -> b.bucket(bucket).key("home/${aws:username}/x"), RequestBody.fromString("literal"));
        }
        String policy = "{\"Version\":\"%s\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/home/${aws:username}/*\"}}";
        root.putUserPolicy(b -> b.userName(u).policyName("home").policyDocument(policy.formatted("2008-10-17")));
        CreateAccessKeyResponse k = root.createAccessKey(b -> b.userName(u));
        AccessKey key = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
        try (S3Client s3 = Clients.v2(gw, key)) {
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("home/" + u + "/x")));
            assertEquals("literal", s3.getObjectAsBytes(b -> b.bucket(bucket).key("home/${aws:username}/x"))
                    .asUtf8String());
            root.putUserPolicy(b -> b.userName(u).policyName("home").policyDocument(policy.formatted("2012-10-17")));
            assertEquals("mine", s3.getObjectAsBytes(b -> b.bucket(bucket).key("home/" + u + "/x")).asUtf8String());
            assertS3Error(403, "AccessDenied",
                    () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("home/${aws:username}/x")));
        } finally {
            root.deleteAccessKey(b -> b.userName(u).accessKeyId(key.accessKeyId()));
            root.deleteUserPolicy(b -> b.userName(u).policyName("home"));
            root.deleteUser(b -> b.userName(u));
        }
    }
}
