package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Authenticator;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.Messages;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateVirtualMfaDeviceResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;

/**
 * Issue 12, findings 1 and 2, replayed through SDK v2's IAM client and the aws CLI: an IAM user allowed
 * {@code iam:*} on {@code *} tries to take root's second factor (keys, devices, password; "root" in every letter
 * case), and a thief holding root's long-term access key tries to enable a device of its own for root or to
 * deactivate the real one. Every attempt must answer 403 AccessDenied and leave root's keys and devices as they
 * were; MFA Delete then still refuses the thief's version delete.
 */
class IamRootAttackTest {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static MfaDevice rootDevice;
    private static AccessKey adminKey;
    private static IamClient adminIam;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-phone", "root");
        adminKey = Iam.userAllowedEverything(rootIam, "it-admin");
        adminIam = Iam.client(gw, adminKey);
    }

    @AfterAll
    static void stop() {
        adminIam.close();
        rootIam.close();
        server.close();
    }

    /** Root's keys (id and status) and enabled devices, as root itself lists them. */
    private static List<String> rootState() {
        List<String> state = new java.util.ArrayList<>();
        rootIam.listAccessKeys().accessKeyMetadata().forEach(k -> state.add(k.accessKeyId() + " " + k.status()));
        rootIam.listMFADevices().mfaDevices().forEach(d -> state.add(d.serialNumber()));
        return state;
    }

    private static AwsServiceException assertDenied(Executable call) {
        AwsServiceException e = assertThrows(AwsServiceException.class, call);
        assertEquals(403, e.statusCode(), e.getMessage());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode(), e.getMessage());
        return e;
    }

    private CreateVirtualMfaDeviceResponse newDevice(IamClient iam, String name) {
        return iam.createVirtualMFADevice(b -> b.virtualMFADeviceName(name));
    }

    private String[] codesFor(CreateVirtualMfaDeviceResponse device) {
        Authenticator app = Authenticator.ofBase32(
                device.virtualMFADevice().base32StringSeed().asString(StandardCharsets.US_ASCII));
        long step = server.clock().advance(2);
        return new String[] {app.code(step), app.code(step + 1)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "ROOT", "Root"})
    void anIamUserAllowedEverythingCannotActOnRoot(String root) {
        List<String> before = rootState();
        String rootKeyId = gw.root().accessKeyId();
        String serial = rootDevice.serial();
        CreateVirtualMfaDeviceResponse own = newDevice(adminIam, "admins-device-" + root);
        String[] codes = codesFor(own);

        assertDenied(() -> adminIam.createAccessKey(b -> b.userName(root)));
        assertDenied(() -> adminIam.listAccessKeys(b -> b.userName(root)));
        assertDenied(() -> adminIam.updateAccessKey(b -> b.userName(root).accessKeyId(rootKeyId).status("Inactive")));
        assertDenied(() -> adminIam.deleteAccessKey(b -> b.userName(root).accessKeyId(rootKeyId)));
        assertDenied(() -> adminIam.deactivateMFADevice(b -> b.userName(root).serialNumber(serial)));
        assertDenied(() -> adminIam.deactivateMFADevice(b -> b.userName("it-admin").serialNumber(serial)));
        assertDenied(() -> adminIam.enableMFADevice(b -> b.userName(root)
                .serialNumber(own.virtualMFADevice().serialNumber())
                .authenticationCode1(codes[0]).authenticationCode2(codes[1])));
        assertDenied(() -> adminIam.resyncMFADevice(b -> b.userName(root).serialNumber(serial)
                .authenticationCode1(codes[0]).authenticationCode2(codes[1])));
        assertDenied(() -> adminIam.updateLoginProfile(b -> b.userName(root).password("Taken-Over-Passw0rd!")));
        assertDenied(() -> adminIam.getLoginProfile(b -> b.userName(root)));
        assertDenied(() -> adminIam.listMFADevices(b -> b.userName(root)));
        assertDenied(() -> adminIam.putUserPolicy(b -> b.userName(root).policyName("p")
                .policyDocument(Iam.ALLOW_EVERYTHING)));
        // Serial-addressed actions on a device assigned to root.
        assertDenied(() -> adminIam.deleteVirtualMFADevice(b -> b.serialNumber(serial)));
        assertDenied(() -> adminIam.getMFADevice(b -> b.serialNumber(serial)));
        assertDenied(() -> adminIam.tagMFADevice(b -> b.serialNumber(serial).tags(t -> t.key("k").value("v"))));
        assertDenied(() -> adminIam.listMFADeviceTags(b -> b.serialNumber(serial)));

        assertEquals(before, rootState(), "root's keys and devices are unchanged");
        // The admin's own device was not enabled for anybody.
        assertTrue(rootIam.listVirtualMFADevices(b -> b.assignmentStatus("Unassigned")).virtualMFADevices()
                .stream().anyMatch(d -> d.serialNumber().equals(own.virtualMFADevice().serialNumber())));
    }

    @Test
    void theSameThroughTheAwsCli(@TempDir Path dir) {
        AwsCli admin = AwsCli.require(gw, dir).as(adminKey);
        List<String> before = rootState();
        String serial = rootDevice.serial();
        CreateVirtualMfaDeviceResponse own = newDevice(adminIam, "admins-cli-device");
        String[] codes = codesFor(own);
        // Finding 1's steps through the CLI, "root" in three cases (the SDK test above covers every action in
        // every case; each CLI run costs seconds).
        List<String[]> attempts = List.of(
                new String[] {"iam", "create-access-key", "--user-name", "root"},
                new String[] {"iam", "list-access-keys", "--user-name", "ROOT"},
                new String[] {"iam", "deactivate-mfa-device", "--user-name", "Root", "--serial-number", serial},
                new String[] {"iam", "enable-mfa-device", "--user-name", "ROOT", "--serial-number",
                        own.virtualMFADevice().serialNumber(), "--authentication-code1", codes[0],
                        "--authentication-code2", codes[1]},
                new String[] {"iam", "update-login-profile", "--user-name", "root", "--password",
                        "Taken-Over-Passw0rd!"},
                new String[] {"iam", "delete-virtual-mfa-device", "--serial-number", serial});
        for (String[] args : attempts) {
            AwsCli.Result r = admin.run(args);
            assertNotEquals(0, r.exitCode(), () -> String.join(" ", args) + " succeeded: " + r.stdout());
            assertTrue(r.stderr().contains("(AccessDenied)"), () -> String.join(" ", args) + ": " + r.stderr());
        }
        assertEquals(before, rootState());
    }

    @Test
    void aStolenRootKeyCannotReplaceRootsSecondFactor(@TempDir Path dir) {
        // The thief signs with root's long-term key and holds no device of root's.
        IamClient thief = rootIam;
        List<String> before = rootState();
        CreateVirtualMfaDeviceResponse thiefs = newDevice(thief, "thiefs-phone");
        String thiefSerial = thiefs.virtualMFADevice().serialNumber();
        String[] codes = codesFor(thiefs);

        AwsServiceException e = assertDenied(() -> thief.enableMFADevice(b -> b.userName("root")
                .serialNumber(thiefSerial).authenticationCode1(codes[0]).authenticationCode2(codes[1])));
        assertTrue(e.awsErrorDetails().errorMessage().contains("multi-factor authentication (MFA)"),
                e.awsErrorDetails().errorMessage());
        assertTrue(e.awsErrorDetails().errorMessage().contains("sts get-session-token"),
                e.awsErrorDetails().errorMessage());
        assertDenied(() -> thief.deactivateMFADevice(b -> b.userName("root").serialNumber(rootDevice.serial())));
        assertDenied(() -> thief.deactivateMFADevice(b -> b.serialNumber(rootDevice.serial())));
        assertDenied(() -> thief.resyncMFADevice(b -> b.userName("root").serialNumber(rootDevice.serial())
                .authenticationCode1(codes[0]).authenticationCode2(codes[1])));
        assertDenied(() -> thief.deleteVirtualMFADevice(b -> b.serialNumber(rootDevice.serial())));

        AwsCli cli = AwsCli.require(gw, dir);
        String[] more = codesFor(thiefs);
        AwsCli.Result r = cli.run("iam", "enable-mfa-device", "--user-name", "root", "--serial-number", thiefSerial,
                "--authentication-code1", more[0], "--authentication-code2", more[1]);
        assertTrue(r.exitCode() != 0 && r.stderr().contains("(AccessDenied)"), r.stderr());
        assertEquals(before, rootState(), "root's keys and devices are unchanged");

        // Without a device of root's, MFA Delete still refuses the thief's version delete.
        try (S3Client s3 = Clients.v2(gw)) {
            String bucket = "records-" + Long.toHexString(System.nanoTime());
            s3.createBucket(b -> b.bucket(bucket));
            s3.putBucketVersioning(b -> b.bucket(bucket).mfa(rootDevice.header())
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            String v1 = s3.putObject(b -> b.bucket(bucket).key("ledger"), RequestBody.fromString("2026"))
                    .versionId();
            String thiefsHeader = thiefSerial + " " + codesFor(thiefs)[0];
            var refused = assertS3Error(400, "InvalidArgument", () -> s3.deleteObject(b -> b.bucket(bucket)
                    .key("ledger").versionId(v1).mfa(thiefsHeader)));
            assertEquals(Messages.HEADER_INVALID, refused.awsErrorDetails().errorMessage());
            var noCode = assertS3Error(403, "AccessDenied", () -> s3.deleteObject(b -> b.bucket(bucket)
                    .key("ledger").versionId(v1)));
            assertEquals(Messages.MFA_REQUIRED, noCode.awsErrorDetails().errorMessage());
            assertEquals(List.of(v1), s3.listObjectVersions(b -> b.bucket(bucket)).versions().stream()
                    .map(v -> v.versionId()).toList());
        }
    }
}
