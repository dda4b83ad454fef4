package dev.dualkey.compat.access;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.access.AccessServer.anonymous;
import static dev.dualkey.compat.access.AccessServer.policy;
import static dev.dualkey.compat.access.AccessServer.publicRead;
import static dev.dualkey.compat.access.AccessServer.readFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Bucket policies, public access and the bucket owner condition through SDK v2 (issue 14 part A): a bucket shared
 * with a second account (its user reads, cannot write), a deny-without-MFA bucket policy against STS sessions,
 * a public-read policy serving unsigned GETs, a Public Access Block overriding it, {@code x-amz-expected-bucket-owner},
 * MalformedPolicy messages, the owner-only policy API (405 across accounts) and canonical owner ids.
 */
class BucketPolicySdkV2Test {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static S3Client owner;
    private static String ownerId;
    private static String otherId;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        owner = Clients.v2(gw);
        ownerId = server.accountId();
        otherId = server.otherAccountId();
    }

    @AfterAll
    static void stop() {
        owner.close();
        server.close();
    }

    private static String bucket() {
        String name = "pol-v2-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        owner.createBucket(b -> b.bucket(name));
        owner.putObject(b -> b.bucket(name).key("index.html"), RequestBody.fromString("<h1>hello</h1>"));
        return name;
    }

    private static URI url(String bucket, String key) {
        return URI.create(gw.endpoint() + "/" + bucket + "/" + key);
    }

    @Test
    void aBucketSharedWithASecondAccountIsReadableNotWritableByItsUser() {
        String bucket = bucket();
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User reader = AccessServer.user(gw, gw.otherAccount(), otherId, policy(
                "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:ListBucket\",\"s3:PutObject\"],"
                        + "\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        AccessServer.User bare = AccessServer.user(gw, gw.otherAccount(), otherId, null);
        try (S3Client s3 = Clients.v2(gw, reader.key()); S3Client none = Clients.v2(gw, bare.key());
             S3Client otherRoot = Clients.v2(gw, gw.otherAccount())) {
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")));

            owner.putBucketPolicy(b -> b.bucket(bucket).policy(readFor(bucket, "{\"AWS\":\"" + otherId + "\"}")));
            assertEquals("<h1>hello</h1>",
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")).asUtf8String());
            assertEquals(1, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
            assertEquals("<h1>hello</h1>",
                    otherRoot.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")).asUtf8String());
            // its own policy allows PutObject, the bucket owner's does not: across accounts both must allow
            assertS3Error(403, "AccessDenied", () -> s3.putObject(b -> b.bucket(bucket).key("x"),
                    RequestBody.fromString("intruder")));
            assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket).key("index.html")));
            // a user of that account without an identity policy gets nothing from the account grant
            assertS3Error(403, "AccessDenied", () -> none.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")));
            // the policy API is not granted (and belongs to the owning account: 405 where a policy grants it)
            assertS3Error(403, "AccessDenied", () -> otherRoot.getBucketPolicy(b -> b.bucket(bucket)));
            assertS3Error(403, "AccessDenied", () -> otherRoot.putBucketPolicy(b -> b.bucket(bucket)
                    .policy(publicRead(bucket))));
        }
        assertS3Error(404, "NoSuchKey", () -> owner.headObject(b -> b.bucket(bucket).key("x")));
    }

    @Test
    void aDenyWithoutMfaBucketPolicyRefusesKeysAndSessionsWithoutACode() {
        String bucket = bucket();
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User u = AccessServer.user(gw, gw.root(), ownerId, policy(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        MfaDevice device;
        try (IamClient rootIam = Iam.client(gw, gw.root())) {
            device = MfaDevice.virtual(rootIam, server.clock(), u.name() + "-mfa", u.name());
        }
        owner.putBucketPolicy(b -> b.bucket(bucket).policy(policy("{\"Sid\":\"DenyWithoutMfa\",\"Effect\":\"Deny\","
                + "\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"],"
                + "\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"}}}")));
        try (S3Client keys = Clients.v2(gw, u.key())) {
            assertS3Error(403, "AccessDenied", () -> keys.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")));
        }
        Credentials noCode;
        Credentials withCode;
        try (StsClient sts = sts(AwsBasicCredentials.create(u.key().accessKeyId(), u.key().secretKey()))) {
            noCode = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
            withCode = sts.getSessionToken(b -> b.durationSeconds(900).serialNumber(device.serial())
                    .tokenCode(device.freshCode())).credentials();
        }
        try (S3Client s3 = Clients.v2(gw, session(noCode))) {
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")));
        }
        try (S3Client s3 = Clients.v2(gw, session(withCode))) {
            assertEquals("<h1>hello</h1>",
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")).asUtf8String());
        }
        // The Deny binds the owner's root too (long-term keys carry no MFA context) — except for the policy
        // itself, which root may always manage, so no policy locks its owner out.
        assertS3Error(403, "AccessDenied", () -> owner.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")));
        assertTrue(owner.getBucketPolicy(b -> b.bucket(bucket)).policy().contains("DenyWithoutMfa"));
        owner.deleteBucketPolicy(b -> b.bucket(bucket));
        assertEquals("<h1>hello</h1>",
                owner.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")).asUtf8String());
    }

    @Test
    void aPublicReadPolicyServesUnsignedGetsAndABlockOverridesIt() {
        String bucket = bucket();
        URI page = url(bucket, "index.html");
        assertEquals(403, anonymous("GET", page).statusCode());
        assertS3Error(404, "NoSuchPublicAccessBlockConfiguration",
                () -> owner.getPublicAccessBlock(b -> b.bucket(bucket)));
        assertS3Error(404, "NoSuchBucketPolicy", () -> owner.getBucketPolicyStatus(b -> b.bucket(bucket)));

        owner.putBucketPolicy(b -> b.bucket(bucket).policy(publicRead(bucket)));
        assertTrue(owner.getBucketPolicyStatus(b -> b.bucket(bucket)).policyStatus().isPublic());
        HttpResponse<String> get = anonymous("GET", page);
        assertEquals(200, get.statusCode());
        assertEquals("<h1>hello</h1>", get.body());
        HttpResponse<String> missing = anonymous("GET", url(bucket, "nothere.html"));
        assertEquals(403, missing.statusCode(), "no s3:ListBucket: a missing key is AccessDenied, as S3");
        assertEquals(403, anonymous("PUT", url(bucket, "defaced.html")).statusCode());
        assertEquals(403, anonymous("DELETE", page).statusCode());
        assertEquals(403, anonymous("GET", URI.create(gw.endpoint() + "/" + bucket)).statusCode());
        assertEquals(403, anonymous("GET", URI.create(gw.endpoint() + "/")).statusCode());
        assertEquals(403, anonymous("DELETE", URI.create(gw.endpoint() + "/" + bucket + "?policy")).statusCode());

        owner.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c
                .restrictPublicBuckets(true)));
        assertTrue(owner.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration()
                .restrictPublicBuckets());
        assertFalse(owner.getPublicAccessBlock(b -> b.bucket(bucket)).publicAccessBlockConfiguration()
                .blockPublicPolicy());
        assertEquals(403, anonymous("GET", page).statusCode(), "RestrictPublicBuckets overrides the policy");
        try (S3Client otherRoot = Clients.v2(gw, gw.otherAccount())) {
            assertS3Error(403, "AccessDenied", () -> otherRoot.getObjectAsBytes(b -> b.bucket(bucket)
                    .key("index.html")));
        }
        owner.deletePublicAccessBlock(b -> b.bucket(bucket));
        assertEquals(200, anonymous("GET", page).statusCode());

        owner.putPublicAccessBlock(b -> b.bucket(bucket).publicAccessBlockConfiguration(c -> c
                .blockPublicPolicy(true)));
        owner.deleteBucketPolicy(b -> b.bucket(bucket));
        assertS3Error(403, "AccessDenied", () -> owner.putBucketPolicy(b -> b.bucket(bucket)
                .policy(publicRead(bucket))));
        assertS3Error(404, "NoSuchBucketPolicy", () -> owner.getBucketPolicy(b -> b.bucket(bucket)));
        // a policy for a fixed account is not public: BlockPublicPolicy lets it through
        owner.putBucketPolicy(b -> b.bucket(bucket).policy(readFor(bucket, "{\"AWS\":\"" + otherId + "\"}")));
        assertFalse(owner.getBucketPolicyStatus(b -> b.bucket(bucket)).policyStatus().isPublic());
    }

    @Test
    void expectedBucketOwnerMismatchIs403() {
        String bucket = bucket();
        assertEquals("<h1>hello</h1>", owner.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")
                .expectedBucketOwner(ownerId)).asUtf8String());
        assertS3Error(403, "AccessDenied", () -> owner.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")
                .expectedBucketOwner(otherId)));
        assertS3Error(403, "AccessDenied", () -> owner.putObject(b -> b.bucket(bucket).key("k")
                .expectedBucketOwner(otherId), RequestBody.fromString("x")));
        assertS3Error(403, "AccessDenied", () -> owner.listObjectsV2(b -> b.bucket(bucket)
                .expectedBucketOwner(otherId)));
        assertS3Error(403, "AccessDenied", () -> owner.copyObject(b -> b.sourceBucket(bucket).sourceKey("index.html")
                .destinationBucket(bucket).destinationKey("copy.html").expectedSourceBucketOwner(otherId)));
        owner.copyObject(b -> b.sourceBucket(bucket).sourceKey("index.html").destinationBucket(bucket)
                .destinationKey("copy.html").expectedSourceBucketOwner(ownerId).expectedBucketOwner(ownerId));
        assertS3Error(404, "NoSuchKey", () -> owner.headObject(b -> b.bucket(bucket).key("k")));
    }

    @Test
    void malformedPoliciesAreRefusedWithS3sMessages() {
        String bucket = bucket();
        S3Exception e = assertS3Error(400, "MalformedPolicy", () -> owner.putBucketPolicy(b -> b.bucket(bucket)
                .policy(publicRead("another-bucket"))));
        assertEquals("Policy has invalid resource", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "MalformedPolicy", () -> owner.putBucketPolicy(b -> b.bucket(bucket)
                .policy(readFor(bucket, "{\"AWS\":\"999999999999\"}"))));
        assertEquals("Invalid principal in policy", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "MalformedPolicy", () -> owner.putBucketPolicy(b -> b.bucket(bucket)
                .policy("{\"Statement\": [")));
        assertEquals("This policy contains invalid Json", e.awsErrorDetails().errorMessage());
        e = assertS3Error(400, "MalformedPolicy", () -> owner.putBucketPolicy(b -> b.bucket(bucket)
                .policy(publicRead(bucket).replace("s3:GetObject", "s3:PutBucketVersioning"))));
        assertEquals("Action does not apply to any resource(s) in statement", e.awsErrorDetails().errorMessage());
        assertS3Error(404, "NoSuchBucketPolicy", () -> owner.getBucketPolicy(b -> b.bucket(bucket)));
    }

    @Test
    void ownersAreCanonicalUserIds() {
        String bucket = bucket();
        String id = owner.listBuckets().owner().id();
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertEquals(id, owner.listObjectsV2(b -> b.bucket(bucket).fetchOwner(true)).contents().get(0).owner().id());
        assertEquals(id, owner.listObjectVersions(b -> b.bucket(bucket)).versions().get(0).owner().id());
        try (S3Client otherRoot = Clients.v2(gw, gw.otherAccount())) {
            String otherCanonical = otherRoot.listBuckets().owner().id();
            assertTrue(otherCanonical.matches("[0-9a-f]{64}") && !otherCanonical.equals(id));
            // the canonical id names the account in a policy too
            owner.putBucketPolicy(b -> b.bucket(bucket).policy(readFor(bucket,
                    "{\"CanonicalUser\":\"" + otherCanonical + "\"}")));
            assertEquals("<h1>hello</h1>",
                    otherRoot.getObjectAsBytes(b -> b.bucket(bucket).key("index.html")).asUtf8String());
        }
    }

    private static StsClient sts(software.amazon.awssdk.auth.credentials.AwsCredentials c) {
        return StsClient.builder().endpointOverride(gw.endpoint()).region(Region.of(gw.region()))
                .credentialsProvider(() -> c).build();
    }

    private static AwsSessionCredentials session(Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }
}
