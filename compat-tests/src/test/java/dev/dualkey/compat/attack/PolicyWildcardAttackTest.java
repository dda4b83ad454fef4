package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13, finding 1: a {@code *} in an object key escaped a Deny. The old matcher compared the pattern's
 * {@code *} with the key's {@code *} as a literal first and never backtracked, so {@code private/*} did not
 * match {@code private/*x}: the Deny did not apply and the Allow {@code s3:*} let the user read, overwrite
 * and delete the key. The same bug refused legitimate Allows on such keys.
 */
@ExtendWith(GatewayExtension.class)
class PolicyWildcardAttackTest {
    private static final List<String> PRIVATE_KEYS = List.of("private/*x", "private/*evil", "private/a",
            "private/?", "private/*");

    @Test
    void denyOnPrefixCoversKeysWithWildcardCharacters(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        try (S3Client root = Clients.v2(gw)) {
            for (String key : PRIVATE_KEYS) {
                root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("secret " + key));
            }
            root.putObject(b -> b.bucket(bucket).key("public/*x"), RequestBody.fromString("open"));
        }
        String policy = """
                {"Version":"2012-10-17","Statement":[
                 {"Sid":"Everything","Effect":"Allow","Action":"s3:*","Resource":"*"},
                 {"Sid":"NotPrivate","Effect":"Deny","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],
                  "Resource":"arn:aws:s3:::%s/private/*"}]}""".formatted(bucket);
        withUser(gw, policy, key -> {
            try (S3Client user = Clients.v2(gw, key)) {
                for (String k : PRIVATE_KEYS) {
                    assertS3Error(403, "AccessDenied", () -> user.getObjectAsBytes(b -> b.bucket(bucket).key(k)));
                    assertS3Error(403, "AccessDenied", () -> user.putObject(b -> b.bucket(bucket).key(k),
                            RequestBody.fromString("overwritten")));
                    assertS3Error(403, "AccessDenied", () -> user.deleteObject(b -> b.bucket(bucket).key(k)));
                }
                assertS3Error(403, "AccessDenied", () -> user.putObject(b -> b.bucket(bucket).key("private/*new"),
                        RequestBody.fromString("planted")));
                // outside the denied prefix the Allow still works
                assertEquals("open", user.getObjectAsBytes(b -> b.bucket(bucket).key("public/*x")).asUtf8String());
            }
        });
        try (S3Client root = Clients.v2(gw)) {
            for (String key : PRIVATE_KEYS) {
                assertEquals("secret " + key, root.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String(),
                        "the Deny must have kept " + key + " intact");
            }
            assertS3Error(404, "NoSuchKey", () -> root.getObjectAsBytes(b -> b.bucket(bucket).key("private/*new")));
        }
    }

    @Test
    void allowOnPrefixCoversKeysWithWildcardCharacters(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        try (S3Client root = Clients.v2(gw)) {
            root.putObject(b -> b.bucket(bucket).key("shared/*x"), RequestBody.fromString("shared star"));
            root.putObject(b -> b.bucket(bucket).key("other/*x"), RequestBody.fromString("not yours"));
        }
        String policy = """
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],
                  "Resource":"arn:aws:s3:::%s/shared/*"}]}""".formatted(bucket);
        withUser(gw, policy, key -> {
            try (S3Client user = Clients.v2(gw, key)) {
                assertEquals("shared star",
                        user.getObjectAsBytes(b -> b.bucket(bucket).key("shared/*x")).asUtf8String());
                user.putObject(b -> b.bucket(bucket).key("shared/*evil?"), RequestBody.fromString("mine"));
                assertEquals("mine", user.getObjectAsBytes(b -> b.bucket(bucket).key("shared/*evil?")).asUtf8String());
                assertS3Error(403, "AccessDenied", () -> user.getObjectAsBytes(b -> b.bucket(bucket).key("other/*x")));
                assertS3Error(403, "AccessDenied", () -> user.deleteObject(b -> b.bucket(bucket).key("shared/*x")));
            }
        });
    }

    /** Runs {@code body} with the access key of a fresh IAM user holding {@code policy}; removes the user after. */
    private static void withUser(GatewayEndpoint gw, String policy, java.util.function.Consumer<AccessKey> body) {
        String name = "policy-attack-" + UUID.randomUUID().toString().substring(0, 8);
        try (IamClient iam = IamClients.v2(gw, gw.root())) {
            iam.createUser(b -> b.userName(name));
            iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policy));
            CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
            AccessKey key = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
            try {
                body.accept(key);
            } finally {
                iam.deleteAccessKey(b -> b.userName(name).accessKeyId(key.accessKeyId()));
                iam.deleteUserPolicy(b -> b.userName(name).policyName("p"));
                iam.deleteUser(b -> b.userName(name));
            }
        }
    }
}
