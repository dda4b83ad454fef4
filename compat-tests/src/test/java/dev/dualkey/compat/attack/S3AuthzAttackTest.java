package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertHeadError;
import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.iam.IamClients;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * Issue 13, findings 2 and 5 and the request context, replayed through SDK v2 by IAM users with narrow policies:
 * DeleteObjects is authorized per key (a Deny on {@code private/*} holds, the bucket ARN does not grant object
 * deletes, {@code bucket/*} does); versioned GET, HEAD and DELETE are {@code s3:GetObjectVersion} /
 * {@code s3:DeleteObjectVersion}; a missing key is NoSuchKey only to a caller allowed {@code s3:ListBucket} (AccessDenied
 * to others, as on S3); {@code aws:SecureTransport} is set (a "Deny unless TLS" statement holds over
 * plain HTTP for S3 and IAM); {@code aws:MultiFactorAuthPresent} is absent for long-term keys, as on AWS.
 */
@ExtendWith(GatewayExtension.class)
class S3AuthzAttackTest {
    private static IamClient iam;
    private static S3Client root;
    /** user name -> access key id, removed after the class so the account looks as before. */
    private static final Map<String, String> USERS = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        iam = IamClients.v2(gw, gw.root());
        root = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        USERS.forEach((name, keyId) -> {
            iam.deleteAccessKey(b -> b.userName(name).accessKeyId(keyId));
            iam.deleteUserPolicy(b -> b.userName(name).policyName("p"));
            iam.deleteUser(b -> b.userName(name));
        });
        iam.close();
        root.close();
    }

    /** A new IAM user with one inline policy, and its access key. */
    private static AccessKey user(String policy) {
        String name = "authz-" + UUID.randomUUID().toString().substring(0, 8);
        iam.createUser(b -> b.userName(name));
        iam.putUserPolicy(b -> b.userName(name).policyName("p").policyDocument(policy));
        CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
        USERS.put(name, k.accessKey().accessKeyId());
        return new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static String allow(String actions, String... resources) {
        return statement("Allow", actions, null, resources);
    }

    private static String statement(String effect, String actions, String condition, String... resources) {
        return "{\"Effect\":\"" + effect + "\",\"Action\":" + actions + ",\"Resource\":["
                + java.util.Arrays.stream(resources).map(r -> "\"" + r + "\"").collect(Collectors.joining(","))
                + "]" + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    private static void put(String bucket, String key) {
        root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("data of " + key));
    }

    private static boolean exists(String bucket, String key) {
        try {
            root.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (AwsServiceException e) {
            assertEquals(404, e.statusCode(), e.getMessage());
            return false;
        }
    }

    private static DeleteObjectsResponse deleteObjects(S3Client s3, String bucket, String... keys) {
        List<ObjectIdentifier> ids = java.util.Arrays.stream(keys).map(k -> ObjectIdentifier.builder().key(k).build())
                .toList();
        return s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(ids)));
    }

    private static Map<String, S3Error> errorsByKey(DeleteObjectsResponse r) {
        return r.errors().stream().collect(Collectors.toMap(S3Error::key, e -> e));
    }

    // ---- finding 2: DeleteObjects per key ---------------------------------------------------------------

    @Test
    void deleteObjectsHonoursADenyOnAPrefixPerKey(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "private/a");
        put(bucket, "public/c");
        String arn = "arn:aws:s3:::" + bucket;
        AccessKey key = user(policy(allow("\"s3:*\"", arn, arn + "/*"),
                statement("Deny", "[\"s3:GetObject\",\"s3:PutObject\",\"s3:DeleteObject\"]", null,
                        arn + "/private/*")));
        try (S3Client s3 = Clients.v2(gw, key)) {
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket).key("private/a")));
            DeleteObjectsResponse r = deleteObjects(s3, bucket, "private/a", "public/c");
            S3Error denied = errorsByKey(r).get("private/a");
            assertEquals("AccessDenied", denied.code());
            assertEquals("Access Denied", denied.message());
            assertEquals(List.of("public/c"), r.deleted().stream().map(d -> d.key()).toList());
        }
        assertTrue(exists(bucket, "private/a"), "the denied key must survive DeleteObjects");
        assertTrue(!exists(bucket, "public/c"));
    }

    @Test
    void theBucketArnDoesNotGrantDeletingItsObjects(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "x");
        put(bucket, "y");
        String arn = "arn:aws:s3:::" + bucket;
        AccessKey onBucket = user(policy(allow("\"s3:DeleteObject\"", arn)));
        try (S3Client s3 = Clients.v2(gw, onBucket)) {
            DeleteObjectsResponse r = deleteObjects(s3, bucket, "x", "y");
            assertEquals(List.of(), r.deleted());
            assertEquals(2, r.errors().size());
            r.errors().forEach(e -> assertEquals("AccessDenied", e.code()));
        }
        assertTrue(exists(bucket, "x") && exists(bucket, "y"), "nothing may be bulk-deleted on the bucket ARN");

        AccessKey onObjects = user(policy(allow("\"s3:DeleteObject\"", arn + "/*")));
        try (S3Client s3 = Clients.v2(gw, onObjects)) {
            DeleteObjectsResponse r = deleteObjects(s3, bucket, "x", "y");
            assertEquals(List.of(), r.errors());
            assertEquals(2, r.deleted().size());
        }
        assertTrue(!exists(bucket, "x") && !exists(bucket, "y"), "AWS's bucket/* form allows it");
    }

    // ---- finding 5: version actions ----------------------------------------------------------------------

    @Test
    void versionActionsAreEvaluatedOnVersionedRequests(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        String v1 = root.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("one")).versionId();
        root.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("two"));
        String arn = "arn:aws:s3:::" + bucket;
        AccessKey key = user(policy(allow("\"s3:*\"", arn, arn + "/*"),
                statement("Deny", "[\"s3:GetObjectVersion\",\"s3:DeleteObjectVersion\"]", null, arn + "/*")));
        try (S3Client s3 = Clients.v2(gw, key)) {
            assertEquals("two", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
            s3.headObject(b -> b.bucket(bucket).key("k"));
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1)));
            assertHeadError(403, () -> s3.headObject(b -> b.bucket(bucket).key("k").versionId(v1)));
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket).key("k").versionId(v1)));
            assertS3Error(403, "AccessDenied", () -> s3.copyObject(b -> b.sourceBucket(bucket).sourceKey("k")
                    .sourceVersionId(v1).destinationBucket(bucket).destinationKey("copy")));
            DeleteObjectsResponse r = s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(
                    ObjectIdentifier.builder().key("k").versionId(v1).build())));
            assertEquals("AccessDenied", errorsByKey(r).get("k").code());
            assertEquals(v1, errorsByKey(r).get("k").versionId());
            // A plain delete only adds a marker: s3:DeleteObject, allowed.
            s3.deleteObject(b -> b.bucket(bucket).key("k"));
        }
        assertEquals("one", root.getObjectAsBytes(b -> b.bucket(bucket).key("k").versionId(v1)).asUtf8String(),
                "the denied version must survive");
    }

    @Test
    void aReaderWithoutListBucketCannotProbeWhichKeysExist(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "there");
        String arn = "arn:aws:s3:::" + bucket;
        AccessKey readOnly = user(policy(allow("\"s3:GetObject\"", arn + "/*")));
        try (S3Client s3 = Clients.v2(gw, readOnly)) {
            assertEquals("data of there", s3.getObjectAsBytes(b -> b.bucket(bucket).key("there")).asUtf8String());
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("not-there")));
            assertHeadError(403, () -> s3.headObject(b -> b.bucket(bucket).key("not-there")));
        }
        AccessKey reader = user(policy(allow("\"s3:GetObject\"", arn + "/*"), allow("\"s3:ListBucket\"", arn)));
        try (S3Client s3 = Clients.v2(gw, reader)) {
            assertS3Error(404, "NoSuchKey", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("not-there")));
            assertHeadError(404, () -> s3.headObject(b -> b.bucket(bucket).key("not-there")));
        }
    }

    // ---- the request context: aws:SecureTransport, aws:MultiFactorAuthPresent ------------------------

    @Test
    void aDenyUnlessTlsHoldsOverPlainHttpForS3AndIam(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "k");
        String arn = "arn:aws:s3:::" + bucket;
        AccessKey key = user(policy(allow("[\"s3:*\",\"iam:GetUser\"]", "*"),
                statement("Deny", "\"*\"", "{\"Bool\":{\"aws:SecureTransport\":\"false\"}}", "*")));
        try (S3Client s3 = Clients.v2(gw, key); IamClient asUser = IamClients.v2(gw, key)) {
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")));
            assertS3Error(403, "AccessDenied", () -> s3.listObjectsV2(b -> b.bucket(bucket)));
            assertS3Error(403, "AccessDenied", () -> s3.putObject(b -> b.bucket(bucket).key("n"),
                    RequestBody.fromString("n")));
            AwsServiceException e = org.junit.jupiter.api.Assertions.assertThrows(AwsServiceException.class,
                    () -> asUser.getUser());
            assertEquals(403, e.statusCode());
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        }
        assertTrue(!exists(bucket, "n"));

        // The control: the same Allow without the TLS statement works over the same plain HTTP.
        AccessKey control = user(policy(allow("[\"s3:*\",\"iam:GetUser\"]", "*")));
        try (S3Client s3 = Clients.v2(gw, control); IamClient asUser = IamClients.v2(gw, control)) {
            assertEquals("data of k", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
            asUser.getUser();
        }
    }

    @Test
    void listingsCarryTheirPrefixAsS3Prefix(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "public/p");
        put(bucket, "private/q");
        String arn = "arn:aws:s3:::" + bucket;
        // AWS's "list only your folder" pattern: ListBucket allowed only with s3:prefix under public/.
        AccessKey key = user(policy(statement("Allow", "\"s3:ListBucket\"",
                "{\"StringLike\":{\"s3:prefix\":\"public/*\"}}", arn)));
        try (S3Client s3 = Clients.v2(gw, key)) {
            assertEquals(List.of("public/p"), s3.listObjectsV2(b -> b.bucket(bucket).prefix("public/")).contents()
                    .stream().map(o -> o.key()).toList());
            assertS3Error(403, "AccessDenied", () -> s3.listObjectsV2(b -> b.bucket(bucket).prefix("private/")));
            assertS3Error(403, "AccessDenied", () -> s3.listObjectsV2(b -> b.bucket(bucket)));
        }
    }

    @Test
    void multiFactorAuthPresentIsAbsentForLongTermKeys(GatewayEndpoint gw, TestBuckets buckets) {
        String bucket = buckets.create();
        put(bucket, "a");
        put(bucket, "b");
        String arn = "arn:aws:s3:::" + bucket;
        // As on AWS: "Bool ... false" does not match a request without the key (long-term keys), "BoolIfExists"
        // does. The first Deny therefore leaves GetObject alone, the second stops DeleteObject.
        AccessKey key = user(policy(allow("\"s3:*\"", arn, arn + "/*"),
                statement("Deny", "\"s3:GetObject\"", "{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"false\"}}",
                        arn + "/*"),
                statement("Deny", "\"s3:DeleteObject\"",
                        "{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}", arn + "/*")));
        try (S3Client s3 = Clients.v2(gw, key)) {
            assertEquals("data of a", s3.getObjectAsBytes(b -> b.bucket(bucket).key("a")).asUtf8String());
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket).key("a")));
            assertEquals("AccessDenied", errorsByKey(deleteObjects(s3, bucket, "b")).get("b").code());
        }
        assertTrue(exists(bucket, "a") && exists(bucket, "b"));
    }
}
