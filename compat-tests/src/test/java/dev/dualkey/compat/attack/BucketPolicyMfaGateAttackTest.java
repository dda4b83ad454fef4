package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.compat.mfadelete.Messages;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.s3.model.MFADeleteStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 14: no bucket policy and no anonymous request gets past the MFA Delete gate. On an MFA Delete bucket whose
 * policy grants {@code s3:*} to everyone ({@code *}) and names the second account, the anonymous caller and the
 * other account's root cannot delete a version, suspend versioning or turn MFA Delete off — not without a code, and
 * not with a valid code of the owner's device either (only the owner's root may use it) — and neither can create,
 * change or delete the bucket policy (405: the policy API belongs to the owning account). Anonymous requests
 * never reach IAM.
 */
class BucketPolicyMfaGateAttackTest {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static S3Client owner;
    private static MfaDevice rootDevice;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        owner = Clients.v2(gw);
        try (IamClient iam = Iam.client(gw, gw.root())) {
            rootDevice = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
        }
    }

    @AfterAll
    static void stop() {
        owner.close();
        server.close();
    }

    private static HttpResponse<String> anonymous(String method, String pathAndQuery, String mfa, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.endpoint() + pathAndQuery)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (mfa != null) {
            b.header("x-amz-mfa", mfa);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String everythingToEveryone(String bucket, String otherAccount) {
        String arn = "arn:aws:s3:::" + bucket;
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"All\",\"Effect\":\"Allow\",\"Principal\":\"*\","
                + "\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]},{\"Sid\":\"Other\","
                + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + otherAccount + ":root\"},"
                + "\"Action\":\"s3:*\",\"Resource\":[\"" + arn + "\",\"" + arn + "/*\"]}]}";
    }

    @Test
    void noPolicyLetsAnyoneButTheOwnersRootWithACodePastTheGate() {
        String bucket = "gate-" + Long.toHexString(System.nanoTime());
        owner.createBucket(b -> b.bucket(bucket));
        owner.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
        String v1 = owner.putObject(b -> b.bucket(bucket).key("ledger"), RequestBody.fromString("v1")).versionId();
        String policy = everythingToEveryone(bucket, server.otherAccountId());
        owner.putBucketPolicy(b -> b.bucket(bucket).policy(policy));

        // the policy does grant everyone reads: the grant is real
        assertEquals(200, anonymous("GET", "/" + bucket + "/ledger", null, null).statusCode());

        // anonymous: no code, then even a valid code of the owner's device
        assertEquals(403, anonymous("DELETE", "/" + bucket + "/ledger?versionId=" + v1, null, null).statusCode());
        HttpResponse<String> withCode = anonymous("DELETE", "/" + bucket + "/ledger?versionId=" + v1,
                rootDevice.header(), null);
        assertEquals(403, withCode.statusCode(), withCode.body());
        String suspend = "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + "<Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>";
        assertEquals(403, anonymous("PUT", "/" + bucket + "?versioning", null, suspend).statusCode());
        assertEquals(403, anonymous("PUT", "/" + bucket + "?versioning", rootDevice.header(), suspend)
                .statusCode());
        // the policy API: the grant of s3:* to "*" does not make anyone but the owner manage the policy
        assertEquals(405, anonymous("PUT", "/" + bucket + "?policy", null, "{}").statusCode());
        assertEquals(405, anonymous("DELETE", "/" + bucket + "?policy", null, null).statusCode());
        assertEquals(405, anonymous("PUT", "/" + bucket + "?publicAccessBlock", null,
                "<PublicAccessBlockConfiguration/>").statusCode());

        // the other account, named by the policy and covered by "*"
        try (S3Client other = Clients.v2(gw, gw.otherAccount())) {
            S3Exception e = assertS3Error(403, "AccessDenied", () -> other.deleteObject(b -> b.bucket(bucket)
                    .key("ledger").versionId(v1)));
            assertEquals(Messages.MFA_REQUIRED, e.awsErrorDetails().errorMessage());
            e = assertS3Error(403, "AccessDenied", () -> other.deleteObject(b -> b.bucket(bucket)
                    .key("ledger").versionId(v1).mfa(rootDevice.header())));
            assertEquals(Messages.OWNER_ONLY, e.awsErrorDetails().errorMessage());
            assertS3Error(403, "AccessDenied", () -> other.putBucketVersioning(b -> b.bucket(bucket)
                    .mfa(rootDevice.header()).versioningConfiguration(v -> v.status("Suspended")
                            .mfaDelete(MFADelete.DISABLED))));
            assertS3Error(405, "MethodNotAllowed", () -> other.deleteBucketPolicy(b -> b.bucket(bucket)));
            assertS3Error(405, "MethodNotAllowed", () -> other.putBucketPolicy(b -> b.bucket(bucket)
                    .policy(policy.replace("\"Sid\":\"All\"", "\"Sid\":\"Mine\""))));
        }

        // nothing changed
        assertEquals("v1", owner.getObjectAsBytes(b -> b.bucket(bucket).key("ledger").versionId(v1)).asUtf8String());
        var versioning = owner.getBucketVersioning(b -> b.bucket(bucket));
        assertEquals(BucketVersioningStatus.ENABLED, versioning.status());
        assertEquals(MFADeleteStatus.ENABLED, versioning.mfaDelete());
        assertEquals(policy, owner.getBucketPolicy(b -> b.bucket(bucket)).policy());
        // the owner's root with a code still can
        owner.deleteObject(b -> b.bucket(bucket).key("ledger").versionId(v1).mfa(rootDevice.header()));
        assertS3Error(404, "NoSuchVersion", () -> owner.getObject(b -> b.bucket(bucket).key("ledger")
                .versionId(v1)));
    }

    @Test
    void anonymousRequestsNeverReachIam() {
        HttpResponse<String> r = anonymous("POST", "/", null, "Action=ListUsers&Version=2010-05-08");
        assertTrue(r.statusCode() >= 400, r.body());
        assertFalse(r.body().contains("ListUsersResponse"), r.body());
        assertFalse(r.body().contains("<ErrorResponse"), "answered by S3, not by the IAM endpoint: " + r.body());
        HttpResponse<String> sts = anonymous("POST", "/", null, "Action=GetSessionToken&Version=2011-06-15");
        assertFalse(sts.body().contains("SessionToken"), sts.body());
    }
}
