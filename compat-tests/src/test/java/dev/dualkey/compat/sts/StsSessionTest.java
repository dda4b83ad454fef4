package dev.dualkey.compat.sts;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.mfa.audit.AuditRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * GetSessionToken and GetCallerIdentity through SDK v2's {@code StsClient}, then S3 and IAM through the SDK with
 * {@code AwsSessionCredentials}; every refusal with its status and code.
 */
class StsSessionTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static MfaDevice rootDevice;
    private static AccessKey alice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "sts-root-mfa", "root");
        alice = Iam.userAllowedEverything(rootIam, "sts-alice");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static StsClient sts(GatewayEndpoint gw, AwsCredentials credentials) {
        return StsClient.builder()
                .endpointOverride(gw.endpoint())
                .region(Region.of(gw.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(DefaultRetryStrategy.doNotRetry()).build())
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    static AwsCredentials basic(AccessKey key) {
        return AwsBasicCredentials.create(key.accessKeyId(), key.secretKey());
    }

    static AwsSessionCredentials session(Credentials c) {
        return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
    }

    private static String bucket() {
        return "sts-" + NAMES.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    @Test
    void sessionWithoutCodeWorksForS3IamAndStsAsItsUser() {
        Instant before = server.clock().instant();
        Credentials c;
        try (StsClient sts = sts(gw, basic(alice))) {
            c = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
        }
        assertTrue(c.accessKeyId().startsWith("ASIA"), c.accessKeyId());
        assertTrue(c.sessionToken().length() >= 100);
        long lifetime = Duration.between(before, c.expiration()).getSeconds();
        assertTrue(lifetime > 890 && lifetime <= 900, "900 s session, got " + lifetime);

        String bucket = bucket();
        try (S3Client s3 = Clients.v2(gw, session(c)); IamClient iam = Iam.client(gw, session(c));
             StsClient sts = sts(gw, session(c))) {
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("made with a session"));
            assertEquals("made with a session", s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asUtf8String());
            assertEquals(1, s3.listObjectsV2(b -> b.bucket(bucket)).keyCount());
            assertEquals(0, iam.listMFADevices(b -> b.userName("sts-alice")).mfaDevices().size());
            GetCallerIdentityResponse who = sts.getCallerIdentity();
            assertEquals("arn:aws:iam::" + server.accountId() + ":user/sts-alice", who.arn());
            assertEquals(server.accountId(), who.account());
            assertTrue(who.userId().startsWith("AIDA"), who.userId());
            s3.deleteObject(b -> b.bucket(bucket).key("k"));
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }

    @Test
    void presignedUrlOfASessionCarriesItsTokenInTheQuery() throws Exception {
        Credentials c;
        try (StsClient sts = sts(gw, basic(alice))) {
            c = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
        }
        String bucket = bucket();
        try (S3Client s3 = Clients.v2(gw, session(c)); S3Presigner presigner = Clients.presigner(gw, session(c))) {
            s3.createBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key("shared"), RequestBody.fromString("presigned by a session"));
            URI url = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(r -> r.bucket(bucket).key("shared"))).url().toURI();
            assertTrue(url.getRawQuery().contains("X-Amz-Security-Token="), url.toString());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(url).build(), BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("presigned by a session", ok.body());
            URI forged = URI.create(url.toString().replace("X-Amz-Security-Token=",
                    "X-Amz-Security-Token=AAAA"));
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(forged).build(),
                    BodyHandlers.ofString());
            assertEquals(400, refused.statusCode());
            assertTrue(refused.body().contains("<Code>InvalidToken</Code>"), refused.body());
            s3.deleteObject(b -> b.bucket(bucket).key("shared"));
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }

    @Test
    void rootSessionWithCodeIsCappedAtOneHourAndKnowsItsCaller() {
        String code = rootDevice.freshCode(); // moves the server's clock: read the time after
        Instant before = server.clock().instant();
        Credentials c;
        try (StsClient sts = sts(gw, basic(gw.root()))) {
            c = sts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(code)
                    .durationSeconds(43_200)).credentials();
            GetCallerIdentityResponse who = sts.getCallerIdentity();
            assertEquals("arn:aws:iam::" + server.accountId() + ":root", who.arn());
            assertEquals(server.accountId(), who.userId());
        }
        long lifetime = Duration.between(before, c.expiration()).getSeconds();
        assertTrue(lifetime <= 3600 && lifetime > 3000, "root sessions last at most one hour, got " + lifetime);
        try (S3Client s3 = Clients.v2(gw, session(c)); StsClient sts = sts(gw, session(c))) {
            s3.listBuckets();
            assertEquals("arn:aws:iam::" + server.accountId() + ":root", sts.getCallerIdentity().arn());
        }
    }

    @Test
    void wrongReplayedAndForeignCodesAreAccessDeniedAndAudited() {
        try (StsClient rootSts = sts(gw, basic(gw.root())); StsClient aliceSts = sts(gw, basic(alice))) {
            StsException wrong = assertThrows(StsException.class, () -> rootSts.getSessionToken(b -> b
                    .serialNumber(rootDevice.serial()).tokenCode(rootDevice.wrongCode())));
            assertEquals(403, wrong.statusCode());
            assertEquals("AccessDenied", wrong.awsErrorDetails().errorCode());
            assertEquals(INVALID_CODE, wrong.awsErrorDetails().errorMessage());

            String code = rootDevice.freshCode();
            rootSts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(code));
            StsException replay = assertThrows(StsException.class, () -> rootSts.getSessionToken(b -> b
                    .serialNumber(rootDevice.serial()).tokenCode(code)));
            assertEquals(403, replay.statusCode());
            assertEquals("AccessDenied", replay.awsErrorDetails().errorCode());
            assertEquals(INVALID_CODE, replay.awsErrorDetails().errorMessage());

            // alice cannot prove MFA with root's device, even with a valid code
            StsException foreign = assertThrows(StsException.class, () -> aliceSts.getSessionToken(b -> b
                    .serialNumber(rootDevice.serial()).tokenCode(rootDevice.freshCode())));
            assertEquals(403, foreign.statusCode());
            assertEquals("AccessDenied", foreign.awsErrorDetails().errorCode());
            assertEquals("MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA"
                    + " serial number is valid and associated with this user.",
                    foreign.awsErrorDetails().errorMessage());

            StsException malformed = assertThrows(StsException.class, () -> rootSts.getSessionToken(b -> b
                    .serialNumber(rootDevice.serial()).tokenCode("12345a")));
            assertEquals(400, malformed.statusCode());
            assertEquals("ValidationError", malformed.awsErrorDetails().errorCode());
            StsException tooShort = assertThrows(StsException.class,
                    () -> rootSts.getSessionToken(b -> b.durationSeconds(899)));
            assertEquals("ValidationError", tooShort.awsErrorDetails().errorCode());

            List<AuditRecord> log = server.auditLog().stream()
                    .filter(r -> "sts:GetSessionToken".equals(r.action())).toList();
            assertTrue(log.stream().anyMatch(r -> "ACCEPTED".equals(r.outcome())), "accepted code audited");
            assertTrue(log.stream().filter(r -> "INVALID".equals(r.outcome())).count() >= 4,
                    "wrong, replayed, foreign and malformed codes audited: " + log);
            for (AuditRecord r : log) {
                assertFalse(String.valueOf(r).contains(code), "an audit record carries the code: " + r);
            }
        }
    }

    /** A code seen in a GetSessionToken (e.g. by a network observer) cannot be replayed as x-amz-mfa. */
    @Test
    void aCodeSpentOnASessionCannotChangeMfaDelete() {
        String bucket = bucket();
        String code = rootDevice.freshCode();
        try (StsClient sts = sts(gw, basic(gw.root())); S3Client s3 = Clients.v2(gw)) {
            sts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(code));
            s3.createBucket(b -> b.bucket(bucket));
            assertS3Error(400, "InvalidArgument", () -> s3.putBucketVersioning(b -> b.bucket(bucket)
                    .mfa(rootDevice.serial() + " " + code)
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete("Enabled"))));
            assertNotEquals("Enabled", s3.getBucketVersioning(b -> b.bucket(bucket)).mfaDeleteAsString(),
                    "MFA Delete stays off");
            s3.deleteBucket(b -> b.bucket(bucket));
        }
    }

    @Test
    void sessionCredentialsCannotMakeSessions() {
        try (StsClient sts = sts(gw, basic(alice))) {
            Credentials c = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
            try (StsClient withSession = sts(gw, session(c))) {
                StsException e = assertThrows(StsException.class, () -> withSession.getSessionToken(b -> { }));
                assertEquals(403, e.statusCode());
                assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
                assertEquals("Cannot call GetSessionToken with session credentials",
                        e.awsErrorDetails().errorMessage());
            }
        }
    }

    @Test
    void wrongOrStrayTokenIsInvalidToken() {
        Credentials c;
        try (StsClient sts = sts(gw, basic(alice))) {
            c = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
        }
        AwsSessionCredentials wrong = AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                c.sessionToken().substring(0, c.sessionToken().length() - 2) + "AA");
        try (S3Client s3 = Clients.v2(gw, wrong); IamClient iam = Iam.client(gw, wrong);
             StsClient sts = sts(gw, wrong)) {
            assertS3Error(400, "InvalidToken", s3::listBuckets);
            IamException iamError = assertThrows(IamException.class, () -> iam.listMFADevices(b -> { }));
            assertEquals(403, iamError.statusCode());
            assertEquals("InvalidClientTokenId", iamError.awsErrorDetails().errorCode());
            StsException stsError = assertThrows(StsException.class, sts::getCallerIdentity);
            assertEquals(403, stsError.statusCode());
            assertEquals("InvalidClientTokenId", stsError.awsErrorDetails().errorCode());
        }
        // a long-term key with a token: refused as AWS does, not silently ignored
        AwsSessionCredentials stray = AwsSessionCredentials.create(alice.accessKeyId(), alice.secretKey(),
                c.sessionToken());
        try (S3Client s3 = Clients.v2(gw, stray)) {
            assertS3Error(400, "InvalidToken", s3::listBuckets);
        }
    }

    @Test
    void expiredSessionIsExpiredTokenEverywhere() {
        Credentials c;
        try (StsClient sts = sts(gw, basic(alice))) {
            c = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
        }
        try (S3Client s3 = Clients.v2(gw, session(c))) {
            s3.listBuckets();
        }
        server.clock().advance(31); // 930 s: past the 900 s session
        try (S3Client s3 = Clients.v2(gw, session(c)); IamClient iam = Iam.client(gw, session(c));
             StsClient sts = sts(gw, session(c))) {
            assertS3Error(400, "ExpiredToken", s3::listBuckets);
            IamException iamError = assertThrows(IamException.class, () -> iam.listMFADevices(b -> { }));
            assertEquals(403, iamError.statusCode());
            assertEquals("ExpiredToken", iamError.awsErrorDetails().errorCode());
            StsException stsError = assertThrows(StsException.class, sts::getCallerIdentity);
            assertEquals(403, stsError.statusCode());
            assertEquals("ExpiredToken", stsError.awsErrorDetails().errorCode());
        }
    }

    @Test
    void deactivatingTheKeyEndsItsSessions() {
        AccessKey bob = Iam.userAllowedEverything(rootIam, "sts-bob");
        Credentials c;
        try (StsClient sts = sts(gw, basic(bob))) {
            c = sts.getSessionToken(b -> b.durationSeconds(3600)).credentials();
        }
        try (S3Client s3 = Clients.v2(gw, session(c))) {
            s3.listBuckets();
            rootIam.updateAccessKey(b -> b.userName("sts-bob").accessKeyId(bob.accessKeyId()).status("Inactive"));
            assertS3Error(403, "InvalidAccessKeyId", s3::listBuckets);
        }
    }

    /**
     * Issue 12 B: root changes its MFA devices with an MFA session (GetSessionToken with a code). The
     * enforcement that refuses plain root keys is another change; this only proves the session way works.
     */
    @Test
    void rootManagesItsDevicesWithAnMfaSession() {
        Credentials c;
        try (StsClient sts = sts(gw, basic(gw.root()))) {
            c = sts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(rootDevice.freshCode())
                    .durationSeconds(900)).credentials();
        }
        try (IamClient iam = Iam.client(gw, session(c))) {
            MfaDevice second = MfaDevice.virtual(iam, server.clock(), "sts-root-second", "root");
            assertTrue(iam.listMFADevices(b -> b.userName("root")).mfaDevices().stream()
                    .anyMatch(d -> d.serialNumber().equals(second.serial())));
            assertEquals(200, iam.deactivateMFADevice(b -> b.userName("root").serialNumber(second.serial()))
                    .sdkHttpResponse().statusCode());
            assertFalse(iam.listMFADevices(b -> b.userName("root")).mfaDevices().stream()
                    .anyMatch(d -> d.serialNumber().equals(second.serial())));
        }
    }
}
