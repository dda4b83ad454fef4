package dev.dualkey.compat.sts;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static dev.dualkey.compat.sts.StsSessionTest.basic;
import static dev.dualkey.compat.sts.StsSessionTest.session;
import static dev.dualkey.compat.sts.StsSessionTest.sts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Issue 12 B, "deny everything without MFA", end to end through SDK v2 and the aws CLI: an IAM user under AWS's
 * documented policy ("AWS: Allows MFA-authenticated IAM users to manage their own MFA device", statement
 * {@code DenyAllExceptListedIfNoMFA}) plus {@code s3:*} gets nothing from S3 with its long-term key or a session
 * made without a code, and everything with a session made with its device's code; {@code aws:MultiFactorAuthAge}
 * conditions count from that code; root's device changes refuse an MFA session older than 15 minutes.
 *
 * <p>The server's {@link dev.dualkey.compat.mfadelete.TotpClock} stamps sessions (issue, expiry, MFA proof) and
 * measures their MFA age: tests move it forward instead of sleeping.
 */
class MfaSessionPolicyTest {
    /**
     * The statements of AWS's example policy, with the resource ARNs it uses, and an {@code s3:*} grant. Without
     * MFA ({@code aws:MultiFactorAuthPresent} false in a session, absent for a long-term key: hence
     * {@code BoolIfExists}) everything but the listed actions is denied.
     */
    static final String DENY_WITHOUT_MFA = """
            {"Version":"2012-10-17","Statement":[
             {"Sid":"AllowS3","Effect":"Allow","Action":"s3:*","Resource":"*"},
             {"Sid":"AllowViewAccountInfo","Effect":"Allow","Action":"iam:ListVirtualMFADevices","Resource":"*"},
             {"Sid":"AllowManageOwnVirtualMFADevice","Effect":"Allow","Action":["iam:CreateVirtualMFADevice"],
              "Resource":"arn:aws:iam::*:mfa/*"},
             {"Sid":"AllowManageOwnUserMFA","Effect":"Allow","Action":["iam:DeactivateMFADevice",
              "iam:EnableMFADevice","iam:GetUser","iam:GetMFADevice","iam:ListMFADevices","iam:ResyncMFADevice"],
              "Resource":"arn:aws:iam::*:user/${aws:username}"},
             {"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice",
              "iam:EnableMFADevice","iam:GetUser","iam:ListMFADevices","iam:ListVirtualMFADevices",
              "iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*",
              "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}""";

    /** S3 only with an MFA proof less than an hour old ({@code aws:MultiFactorAuthAge}, seconds). */
    static final String S3_WITHIN_AN_HOUR_OF_MFA = """
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Action":"s3:*","Resource":"*",
              "Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}""";

    private static final String BUCKET = "mfa-session-policy";
    private static final String KEY = "report.txt";

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        try (S3Client s3 = Clients.v2(gw)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            s3.putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromString("quarterly numbers"));
        }
    }

    @AfterAll
    static void stop() {
        if (rootIam != null) {
            rootIam.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** An IAM user with inline policy {@code policy}, a long-term key, and a virtual device root enabled for it. */
    private record MfaUser(String name, AccessKey key, MfaDevice device) {
        static MfaUser create(String name, String policy) {
            rootIam.createUser(b -> b.userName(name));
            rootIam.putUserPolicy(b -> b.userName(name).policyName("mfa-policy").policyDocument(policy));
            CreateAccessKeyResponse k = rootIam.createAccessKey(b -> b.userName(name));
            MfaDevice device = MfaDevice.virtual(rootIam, server.clock(), name + "-device", name);
            return new MfaUser(name, new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey()),
                    device);
        }
    }

    private static Credentials sessionWithCode(MfaUser user, int seconds) {
        try (StsClient sts = sts(gw, basic(user.key()))) {
            return sts.getSessionToken(b -> b.serialNumber(user.device().serial())
                    .tokenCode(user.device().freshCode()).durationSeconds(seconds)).credentials();
        }
    }

    private static void assertS3Denied(S3Client s3) {
        assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)));
        assertS3Error(403, "AccessDenied", () -> s3.putObject(b -> b.bucket(BUCKET).key("from-" + KEY),
                RequestBody.fromString("overwrite")));
    }

    @Test
    void sdkLongTermKeyAndSessionWithoutCodeAreDeniedSessionWithCodeIsAllowed() {
        MfaUser erin = MfaUser.create("mfa-erin", DENY_WITHOUT_MFA);

        // long-term key: aws:MultiFactorAuthPresent is absent, BoolIfExists matches, the Deny wins
        try (S3Client s3 = Clients.v2(gw, erin.key()); IamClient iam = Iam.client(gw, erin.key())) {
            assertS3Denied(s3);
            // the listed self-service actions stay open, so the user can get to MFA
            assertEquals(200, iam.getUser(b -> b.userName(erin.name())).sdkHttpResponse().statusCode());
            assertEquals(1, iam.listMFADevices(b -> b.userName(erin.name())).mfaDevices().size());
            // an allowed but unlisted action is denied without MFA
            IamException e = assertThrows(IamException.class, () -> iam.deactivateMFADevice(b -> b
                    .userName(erin.name()).serialNumber(erin.device().serial())));
            assertEquals(403, e.statusCode());
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
        }

        // a session without a code: aws:MultiFactorAuthPresent is "false", still denied
        Credentials noCode;
        try (StsClient sts = sts(gw, basic(erin.key()))) {
            noCode = sts.getSessionToken(b -> b.durationSeconds(900)).credentials();
        }
        try (S3Client s3 = Clients.v2(gw, session(noCode))) {
            assertS3Denied(s3);
        }

        // a session with the device's code: S3 and the user's own IAM work
        Credentials withCode = sessionWithCode(erin, 900);
        try (S3Client s3 = Clients.v2(gw, session(withCode)); IamClient iam = Iam.client(gw, session(withCode))) {
            var got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY));
            assertEquals(200, got.response().sdkHttpResponse().statusCode());
            assertEquals("quarterly numbers", got.asUtf8String());
            assertEquals(200, s3.putObject(b -> b.bucket(BUCKET).key("erin.txt"), RequestBody.fromString("mine"))
                    .sdkHttpResponse().statusCode());
            assertEquals("mfa-erin", iam.getUser(b -> b.userName(erin.name())).user().userName());
            assertEquals(erin.device().serial(), iam.listMFADevices(b -> b.userName(erin.name())).mfaDevices()
                    .get(0).serialNumber());
            // self-service is the user's own: another user's devices stay out of reach
            IamException other = assertThrows(IamException.class,
                    () -> iam.listMFADevices(b -> b.userName("root")));
            assertEquals(403, other.statusCode());
            assertEquals("AccessDenied", other.awsErrorDetails().errorCode());
            s3.deleteObject(b -> b.bucket(BUCKET).key("erin.txt"));
        }
    }

    @Test
    void multiFactorAuthAgeCountsFromTheCodeOnTheSessionClock() {
        MfaUser fred = MfaUser.create("mfa-fred", S3_WITHIN_AN_HOUR_OF_MFA);
        Credentials c = sessionWithCode(fred, 7200); // outlives the hour: the condition, not expiry, decides
        Credentials noCode;
        try (StsClient sts = sts(gw, basic(fred.key()))) {
            noCode = sts.getSessionToken(b -> b.durationSeconds(7200)).credentials();
        }
        try (S3Client s3 = Clients.v2(gw, session(c)); S3Client withoutMfa = Clients.v2(gw, session(noCode));
             S3Client longTerm = Clients.v2(gw, fred.key()); StsClient sts = sts(gw, session(c))) {
            assertEquals("quarterly numbers", s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).asUtf8String());
            // no MFA: aws:MultiFactorAuthAge is absent and NumericLessThan does not match
            assertS3Error(403, "AccessDenied", () -> withoutMfa.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)));
            assertS3Error(403, "AccessDenied", () -> longTerm.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)));

            server.clock().advance(116); // 58 minutes after the code
            assertEquals(200, s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)).response().sdkHttpResponse()
                    .statusCode());
            server.clock().advance(6); // 61 minutes
            assertS3Error(403, "AccessDenied", () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(KEY)));
            // the session itself is still valid: the age condition refused, not an expiry
            assertEquals("arn:aws:iam::" + server.accountId() + ":user/mfa-fred", sts.getCallerIdentity().arn());
        }
    }

    /**
     * The same flow with the aws CLI and profiles in temporary config/credentials files.
     *
     * <p>botocore and {@code mfa_serial}: botocore reads {@code mfa_serial} only in its AssumeRole provider
     * ({@code AssumeRoleProvider._get_role_config}, reached only when the profile has {@code role_arn}), where it
     * prompts for a code and sends it with {@code sts:AssumeRole}. In a profile without {@code role_arn} it is
     * ignored: the shared-credentials provider signs with the profile's long-term keys as they are, with no
     * prompt, no GetSessionToken and so no MFA context; the server denies such a request like any long-term key.
     * To work with MFA through the CLI, a user calls {@code get-session-token} and stores the three values in a
     * profile (what this test does).
     */
    @Test
    void cliProfileWithSessionTokenGetsTheObjectLongTermProfileDoesNot() throws Exception {
        MfaUser gina = MfaUser.create("mfa-gina", DENY_WITHOUT_MFA);
        Path config = work.resolve("config");
        Path credentials = work.resolve("credentials");
        Files.writeString(config, "[profile with-serial]\nmfa_serial = " + gina.device().serial() + "\n");
        String longTerm = "[longterm]\naws_access_key_id = " + gina.key().accessKeyId()
                + "\naws_secret_access_key = " + gina.key().secretKey() + "\n"
                + "[with-serial]\naws_access_key_id = " + gina.key().accessKeyId()
                + "\naws_secret_access_key = " + gina.key().secretKey() + "\n";
        Files.writeString(credentials, longTerm);
        AwsCli cli = AwsCli.require(gw, work).withProfileFiles(config, credentials);

        AwsCli.Result denied = cli.run("--profile", "longterm", "s3api", "get-object", "--bucket", BUCKET,
                "--key", KEY, "longterm.out");
        assertNotEquals(0, denied.exitCode());
        assertTrue(denied.stderr().contains("(AccessDenied)"), denied.stderr());

        // mfa_serial without role_arn: not prompted for, not used; the long-term key is denied
        AwsCli.Result serialIgnored = cli.run(Duration.ofSeconds(30), "--profile", "with-serial", "s3api",
                "get-object", "--bucket", BUCKET, "--key", KEY, "serial.out");
        assertNotEquals(0, serialIgnored.exitCode());
        assertTrue(serialIgnored.stderr().contains("(AccessDenied)"), serialIgnored.stderr());
        assertTrue(!serialIgnored.stdout().contains("MFA code") && !serialIgnored.stderr().contains("MFA code"),
                "botocore prompted for a code: " + serialIgnored);

        JsonNode noCode = cli.run("--profile", "longterm", "sts", "get-session-token", "--duration-seconds", "900")
                .assertSuccess().json().get("Credentials");
        JsonNode withCode = cli.run("--profile", "longterm", "sts", "get-session-token", "--serial-number",
                gina.device().serial(), "--token-code", gina.device().freshCode(), "--duration-seconds", "900")
                .assertSuccess().json().get("Credentials");
        Files.writeString(credentials, longTerm + profile("nomfa", noCode) + profile("mfa", withCode));

        AwsCli.Result sessionWithoutCode = cli.run("--profile", "nomfa", "s3api", "get-object", "--bucket", BUCKET,
                "--key", KEY, "nomfa.out");
        assertNotEquals(0, sessionWithoutCode.exitCode());
        assertTrue(sessionWithoutCode.stderr().contains("(AccessDenied)"), sessionWithoutCode.stderr());

        JsonNode got = cli.run("--profile", "mfa", "s3api", "get-object", "--bucket", BUCKET, "--key", KEY,
                "mfa.out").assertSuccess().json();
        assertEquals(17, got.get("ContentLength").asInt());
        assertEquals("quarterly numbers", Files.readString(work.resolve("mfa.out")));
        assertTrue(cli.run("--profile", "mfa", "iam", "list-mfa-devices", "--user-name", gina.name())
                .assertSuccess().json().get("MFADevices").toString().contains(gina.device().serial()));
    }

    private static String profile(String name, JsonNode c) {
        return "[" + name + "]\naws_access_key_id = " + c.get("AccessKeyId").asText()
                + "\naws_secret_access_key = " + c.get("SecretAccessKey").asText()
                + "\naws_session_token = " + c.get("SessionToken").asText() + "\n";
    }

    /**
     * Root's device changes take an MFA proof at most 15 minutes old: a root MFA session that is still valid
     * (one hour) but whose code is 15.5 minutes old cannot deactivate a root device; a fresh one can
     * (StsSessionTest and StsCliTest cover the fresh case on their own).
     */
    @Test
    void rootMfaSessionOlderThanFifteenMinutesCannotDeactivateARootDevice() {
        MfaDevice rootDevice = MfaDevice.virtual(rootIam, server.clock(), "policy-root-mfa", "root");
        Credentials stale;
        try (StsClient sts = sts(gw, basic(gw.root()))) {
            stale = sts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(rootDevice.freshCode())
                    .durationSeconds(3600)).credentials();
        }
        MfaDevice second;
        try (IamClient iam = Iam.client(gw, session(stale))) {
            second = MfaDevice.virtual(iam, server.clock(), "policy-root-second", "root"); // within 15 minutes
            server.clock().advance(29); // the code is now 15.5 minutes old
            IamException e = assertThrows(IamException.class, () -> iam.deactivateMFADevice(b -> b
                    .userName("root").serialNumber(second.serial())));
            assertEquals(403, e.statusCode());
            assertEquals("AccessDenied", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("newer than 15 minutes"),
                    e.awsErrorDetails().errorMessage());
            assertTrue(iam.listMFADevices(b -> b.userName("root")).mfaDevices().stream()
                    .anyMatch(d -> d.serialNumber().equals(second.serial())), "the device stays enabled");
        }
        Credentials fresh;
        try (StsClient sts = sts(gw, basic(gw.root()))) {
            fresh = sts.getSessionToken(b -> b.serialNumber(rootDevice.serial()).tokenCode(rootDevice.freshCode())
                    .durationSeconds(900)).credentials();
        }
        try (IamClient iam = Iam.client(gw, session(fresh))) {
            assertEquals(200, iam.deactivateMFADevice(b -> b.userName("root").serialNumber(second.serial()))
                    .sdkHttpResponse().statusCode());
        }
    }
}
