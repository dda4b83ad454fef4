package dev.dualkey.compat.access;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static dev.dualkey.compat.access.AccessServer.policy;
import static dev.dualkey.compat.access.AccessServer.publicRead;
import static dev.dualkey.compat.access.AccessServer.readFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.auth.AWSCredentials;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.AnonymousAWSCredentials;
import com.amazonaws.auth.BasicSessionCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.GetObjectRequest;
import com.amazonaws.services.s3.model.GetPublicAccessBlockRequest;
import com.amazonaws.services.s3.model.PublicAccessBlockConfiguration;
import com.amazonaws.services.s3.model.SetPublicAccessBlockRequest;
import com.amazonaws.util.IOUtils;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The same access-control paths through SDK v1 (its own XML and error parsing, anonymous credentials,
 * session credentials): a bucket shared with a second account, a deny-without-MFA bucket policy, a public-read
 * GET by an anonymous client and the Public Access Block overriding it, the bucket owner condition and
 * MalformedPolicy.
 */
class BucketPolicySdkV1Test {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static AmazonS3 owner;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        owner = Clients.v1(gw);
    }

    @AfterAll
    static void stop() {
        owner.shutdown();
        server.close();
    }

    private static AmazonS3 client(AWSCredentials credentials) {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(gw.endpoint().toString(),
                        gw.region()))
                .withCredentials(new AWSStaticCredentialsProvider(credentials))
                .withPathStyleAccessEnabled(true)
                .withClientConfiguration(new ClientConfiguration().withMaxErrorRetry(0))
                .build();
    }

    private static String bucket() {
        String name = "pol-v1-" + Long.toHexString(System.nanoTime());
        owner.createBucket(name);
        owner.putObject(name, "index.html", "<h1>v1</h1>");
        return name;
    }

    private static String read(AmazonS3 s3, GetObjectRequest req) {
        try (var o = s3.getObject(req)) {
            return new String(IOUtils.toByteArray(o.getObjectContent()), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void sharedWithASecondAccountPublicReadAndTheBlock() {
        String bucket = bucket();
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User reader = AccessServer.user(gw, gw.otherAccount(), server.otherAccountId(), policy(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        AmazonS3 other = Clients.v1(gw, reader.key());
        AmazonS3 anonymous = client(new AnonymousAWSCredentials());
        try {
            assertV1Error(403, "AccessDenied", () -> other.getObject(bucket, "index.html"));
            owner.setBucketPolicy(bucket, readFor(bucket, "{\"AWS\":[\"" + server.otherAccountId() + "\"]}"));
            assertTrue(owner.getBucketPolicy(bucket).getPolicyText().contains(server.otherAccountId()));
            assertEquals("<h1>v1</h1>", read(other, new GetObjectRequest(bucket, "index.html")));
            assertV1Error(403, "AccessDenied", () -> other.putObject(bucket, "x", "intruder"));
            assertV1Error(403, "AccessDenied", () -> anonymous.getObject(bucket, "index.html"));

            owner.setBucketPolicy(bucket, publicRead(bucket));
            assertEquals("<h1>v1</h1>", read(anonymous, new GetObjectRequest(bucket, "index.html")));
            assertV1Error(403, "AccessDenied", () -> anonymous.putObject(bucket, "x", "defaced"));

            owner.setPublicAccessBlock(new SetPublicAccessBlockRequest().withBucketName(bucket)
                    .withPublicAccessBlockConfiguration(new PublicAccessBlockConfiguration()
                            .withRestrictPublicBuckets(true)));
            assertTrue(owner.getPublicAccessBlock(new GetPublicAccessBlockRequest().withBucketName(bucket))
                    .getPublicAccessBlockConfiguration().getRestrictPublicBuckets());
            assertV1Error(403, "AccessDenied", () -> anonymous.getObject(bucket, "index.html"));
        } finally {
            other.shutdown();
            anonymous.shutdown();
        }
    }

    @Test
    void denyWithoutMfaExpectedOwnerAndMalformedPolicy() {
        String bucket = bucket();
        String arn = "arn:aws:s3:::" + bucket;
        AccessServer.User u = AccessServer.user(gw, gw.root(), server.accountId(), policy(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}"));
        MfaDevice device;
        try (IamClient iam = Iam.client(gw, gw.root())) {
            device = MfaDevice.virtual(iam, server.clock(), u.name() + "-mfa", u.name());
        }
        owner.setBucketPolicy(bucket, policy("{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"" + u.arn() + "\"},"
                + "\"Action\":\"s3:*\",\"Resource\":\"" + arn + "/*\",\"Condition\":{\"BoolIfExists\":"
                + "{\"aws:MultiFactorAuthPresent\":\"false\"}}}"));
        Credentials noCode;
        Credentials withCode;
        try (StsClient sts = StsClient.builder().endpointOverride(gw.endpoint()).region(Region.of(gw.region()))
                .credentialsProvider(() -> AwsBasicCredentials.create(u.key().accessKeyId(), u.key().secretKey()))
                .build()) {
            noCode = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
            withCode = sts.getSessionToken(b -> b.durationSeconds(900).serialNumber(device.serial())
                    .tokenCode(device.freshCode())).credentials();
        }
        AmazonS3 keys = Clients.v1(gw, u.key());
        AmazonS3 sessionNoCode = client(new BasicSessionCredentials(noCode.accessKeyId(), noCode.secretAccessKey(),
                noCode.sessionToken()));
        AmazonS3 sessionWithCode = client(new BasicSessionCredentials(withCode.accessKeyId(),
                withCode.secretAccessKey(), withCode.sessionToken()));
        try {
            assertV1Error(403, "AccessDenied", () -> keys.getObject(bucket, "index.html"));
            assertV1Error(403, "AccessDenied", () -> sessionNoCode.getObject(bucket, "index.html"));
            assertEquals("<h1>v1</h1>", read(sessionWithCode, new GetObjectRequest(bucket, "index.html")));
        } finally {
            keys.shutdown();
            sessionNoCode.shutdown();
            sessionWithCode.shutdown();
        }
        GetObjectRequest mine = new GetObjectRequest(bucket, "index.html");
        mine.setExpectedBucketOwner(server.accountId());
        assertEquals("<h1>v1</h1>", read(owner, mine));
        GetObjectRequest wrong = new GetObjectRequest(bucket, "index.html");
        wrong.setExpectedBucketOwner(server.otherAccountId());
        assertV1Error(403, "AccessDenied", () -> owner.getObject(wrong));

        AmazonS3Exception e = assertV1Error(400, "MalformedPolicy",
                () -> owner.setBucketPolicy(bucket, publicRead(bucket).replace("s3:GetObject", "s3:Fly")));
        assertEquals("Policy has invalid action", e.getErrorMessage());
    }
}
