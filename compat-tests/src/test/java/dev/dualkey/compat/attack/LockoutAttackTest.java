package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Authenticator;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.mfa.audit.AuditRecord;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateVirtualMfaDeviceResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.MFADelete;

/**
 * Issue 12 E, guessing and lockout, tried as an attacker with a stolen key would: through SDK v2, the aws CLI and
 * the console over HTTP, against a server with the TOTP clock moved by hand.
 *
 * <ul>
 *   <li>a code seen once and replayed 50 times (root's stolen key; an IAM user) must not lock the owner out;</li>
 *   <li>wrong codes: 5 per step lock the device (audited LOCKED), 20 per rolling 24 h lock the API for the day;</li>
 *   <li>a day-long API lockout must not keep the owner out of the console (password first, counted apart);</li>
 *   <li>EnableMFADevice with two codes from the future is refused.</li>
 * </ul>
 * Each test boots its own server: root has exactly one device, and lockouts must not leak between tests.
 */
class LockoutAttackTest {
    private static final String BUCKET = "lockout-records";
    private MfaDeleteServer server;
    private GatewayEndpoint gw;
    private IamClient rootIam;
    private S3Client s3;
    private MfaDevice device;

    private void boot(boolean console) {
        server = console ? MfaDeleteServer.loopbackWithConsole() : MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        s3 = Clients.v2(gw);
        device = MfaDevice.virtual(rootIam, server.clock(), "root-mfa", "root");
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putBucketVersioning(b -> b.bucket(BUCKET).mfa(device.header()).versioningConfiguration(v -> v
                .status(BucketVersioningStatus.ENABLED).mfaDelete(MFADelete.ENABLED)));
    }

    @AfterEach
    void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (rootIam != null) {
            rootIam.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCodeSeenOnceAndReplayedFiftyTimesDoesNotLockTheOwnerOut() {
        boot(false);
        String v1 = putVersion("report.txt");
        String v2 = putVersion("report.txt");
        String seen = device.freshCode();
        deleteVersion(s3, "report.txt", v1, device.header(seen)); // the owner; the thief sees the header
        assertFalse(exists("report.txt", v1));

        // the stolen root key replays it in bursts of 10 over five steps: more than enough to lock before
        for (int burst = 0; burst < 5; burst++) {
            for (int i = 0; i < 10; i++) {
                assertS3Error(400, "InvalidArgument",
                        () -> deleteVersion(s3, "report.txt", v2, device.header(seen)));
            }
            server.clock().advance(1);
        }
        // an IAM user allowed everything is refused before its code is looked at (D8)
        AccessKey alice = Iam.userAllowedEverything(rootIam, "alice");
        try (S3Client asAlice = Clients.v2(gw, alice)) {
            for (int i = 0; i < 5; i++) {
                assertS3Error(403, "AccessDenied", () -> deleteVersion(asAlice, "report.txt", v2,
                        device.header(seen)));
            }
        }
        assertTrue(exists("report.txt", v2));
        assertEquals(50, audit().stream().filter(r -> "replayed code".equals(r.reason())).count(),
                "every replay refused and audited as a replay");
        assertTrue(audit().stream().noneMatch(r -> "LOCKED".equals(r.outcome())), "no replay counted as a guess");

        deleteVersion(s3, "report.txt", v2, device.header()); // the owner's next fresh code still works
        assertFalse(exists("report.txt", v2));
    }

    @Test
    void sixWrongCodesInAStepLockTheDeviceAndTwentyInADayLockTheApiUntilTheWindowRolls() {
        boot(false);
        String v = putVersion("ledger.csv");
        String ownersCode = device.freshCode(); // valid for this step, not yet used
        for (int i = 0; i < 5; i++) {
            assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "ledger.csv", v,
                    device.header(device.wrongCode())));
        }
        assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "ledger.csv", v, device.header(ownersCode)));
        AuditRecord sixth = lastCheck();
        assertEquals("LOCKED", sixth.outcome(), "the 6th attempt in the step is not even evaluated");
        assertTrue(sixth.reason().startsWith("5 wrong codes in a step"), sixth.reason());
        assertTrue(exists("ledger.csv", v));

        // 15 more wrong codes, 3 per step group: under the per-step lock, into the rolling bound of 20
        for (int i = 0; i < 15; i++) {
            if (i % 3 == 0) {
                server.clock().advance(4); // 2 minutes: past the 30 s lock
            }
            assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "ledger.csv", v,
                    device.header(device.wrongCode())));
            assertEquals("INVALID", lastCheck().outcome());
        }
        Instant lockedAt = server.clock().instant();
        assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "ledger.csv", v, device.header()));
        assertEquals("LOCKED", lastCheck().outcome());
        assertTrue(lastCheck().reason().startsWith("20 wrong codes in 24 h"), lastCheck().reason());

        server.clock().advance(23 * 120); // 23 hours later the first failure is still inside the window
        assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "ledger.csv", v, device.header()));
        assertEquals("LOCKED", lastCheck().outcome());
        assertTrue(exists("ledger.csv", v));

        server.clock().advance(2 * 60 + 30); // 24.5 h after: the first failures rolled out of the window
        assertTrue(server.clock().instant().isAfter(lockedAt.plusSeconds(24 * 3600)));
        deleteVersion(s3, "ledger.csv", v, device.header());
        assertEquals("ACCEPTED", lastCheck().outcome());
        assertFalse(exists("ledger.csv", v));
    }

    @Test
    void aDayOfWrongApiCodesDoesNotLockTheOwnerOutOfTheConsole() {
        boot(true);
        String v = putVersion("minutes.txt");
        for (int i = 0; i < 20; i++) {
            if (i % 4 == 0) {
                server.clock().advance(2);
            }
            assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "minutes.txt", v,
                    device.header(device.wrongCode())));
        }
        String ownersCode = device.freshCode();
        assertS3Error(400, "InvalidArgument", () -> deleteVersion(s3, "minutes.txt", v, device.header(ownersCode)));
        assertEquals("LOCKED", lastCheck().outcome(), "the API is locked for the day");

        ConsoleSignIn console = new ConsoleSignIn(server.consoleUri());
        HttpResponse<String> afterPassword = console.password(server.accountId(), MfaDeleteServer.ROOT_PASSWORD);
        assertEquals(303, afterPassword.statusCode());
        assertEquals("/signin/mfa", afterPassword.headers().firstValue("Location").orElse(""));
        HttpResponse<String> afterCode = console.code(ownersCode);
        assertEquals(303, afterCode.statusCode(), afterCode.body());
        assertEquals("/buckets", afterCode.headers().firstValue("Location").orElse(""),
                "the owner signs in with the code the locked API did not even evaluate");
    }

    @Test
    void enableMfaDeviceWithTwoCodesFromTheFutureIsRefused(@TempDir Path work) {
        boot(false);
        rootIam.createUser(b -> b.userName("bob"));
        CreateVirtualMfaDeviceResponse created = rootIam.createVirtualMFADevice(b -> b.virtualMFADeviceName("bob-mfa"));
        String serial = created.virtualMFADevice().serialNumber();
        Authenticator app = Authenticator.ofBase32(created.virtualMFADevice().base32StringSeed()
                .asString(StandardCharsets.US_ASCII));
        long now = server.clock().advance(2);
        // the aws CLI, as someone who held the device for a moment and wrote down the codes it will show
        AwsCli.Result r = AwsCli.require(gw, work).run("iam", "enable-mfa-device", "--user-name", "bob",
                "--serial-number", serial, "--authentication-code1", app.code(now + 1), "--authentication-code2",
                app.code(now + 2));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("(InvalidAuthenticationCode)"), r.stderr());
        for (long first : new long[] {now + 5, now + 19}) {
            IamException e = assertThrows(IamException.class, () -> rootIam.enableMFADevice(b -> b.userName("bob")
                    .serialNumber(serial).authenticationCode1(app.code(first)).authenticationCode2(app.code(first + 1))));
            assertEquals(403, e.statusCode());
            assertEquals("InvalidAuthenticationCode", e.awsErrorDetails().errorCode());
        }
        assertTrue(rootIam.listMFADevices(b -> b.userName("bob")).mfaDevices().isEmpty(), "nothing enabled");
        assertTrue(audit().stream().filter(a -> serial.equals(a.deviceSerial()))
                .allMatch(a -> !"INVALID".equals(a.outcome()) || "codes from the future".equals(a.reason())),
                "refused as future codes, not counted as guesses");
        // the present pair (now, now + 1) is what a phone shows over these 30 s: accepted
        rootIam.enableMFADevice(b -> b.userName("bob").serialNumber(serial).authenticationCode1(app.code(now))
                .authenticationCode2(app.code(now + 1)));
        assertEquals(serial, rootIam.listMFADevices(b -> b.userName("bob")).mfaDevices().get(0).serialNumber());
    }

    private String putVersion(String key) {
        return s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("v" + System.nanoTime()))
                .versionId();
    }

    private static void deleteVersion(S3Client client, String key, String versionId, String mfa) {
        client.deleteObject(b -> b.bucket(BUCKET).key(key).versionId(versionId).mfa(mfa));
    }

    private boolean exists(String key, String versionId) {
        return s3.listObjectVersions(b -> b.bucket(BUCKET).prefix(key)).versions().stream()
                .anyMatch(o -> o.key().equals(key) && o.versionId().equals(versionId));
    }

    private List<AuditRecord> audit() {
        return server.auditLog();
    }

    /** The latest audit record of an MFA check on root's device (the verifier's, not the delete's own). */
    private AuditRecord lastCheck() {
        List<AuditRecord> checks = audit().stream().filter(r -> device.serial().equals(r.deviceSerial())
                && r.outcome() != null && List.of("ACCEPTED", "INVALID", "LOCKED").contains(r.outcome())).toList();
        return checks.get(checks.size() - 1);
    }
}
