package dev.dualkey.compat.mfadelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.GatewayEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MFA Delete through the aws CLI, following the README walk-through: a virtual device for root created and
 * enabled with {@code aws iam}, then {@code aws s3api put-bucket-versioning --mfa "SERIAL CODE"},
 * {@code delete-object --version-id ... --mfa ...} and {@code delete-objects --mfa ...}. The code is computed
 * from the seed file the CLI wrote, as {@code oathtool --totp -b SEED} would print it.
 */
class MfaDeleteCliTest {
    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;

    @BeforeAll
    static void start() {
        startOn(MfaDeleteServer.loopback());
    }

    /** Runs the walk-through against {@code s} ({@link ClusterMfaDeleteCliTest}: cluster mode). */
    static void startOn(MfaDeleteServer s) {
        server = s;
        gw = server.endpoint();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void walkThrough(@TempDir Path work) throws IOException {
        AwsCli aws = AwsCli.require(gw, work);

        // 1. A virtual MFA device for root; the seed goes to a file, shown nowhere else.
        JsonNode created = aws.run("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "root-mfa",
                "--outfile", "seed.txt", "--bootstrap-method", "Base32StringSeed").assertSuccess().json();
        String serial = created.path("VirtualMFADevice").path("SerialNumber").asText();
        assertEquals("arn:aws:iam::" + server.accountId() + ":mfa/root-mfa", serial);
        Authenticator app = Authenticator.ofBase32(Files.readString(work.resolve("seed.txt"),
                StandardCharsets.US_ASCII));

        // 2. Enable it with two consecutive codes.
        long step = server.clock().advance(2);
        aws.run("iam", "enable-mfa-device", "--user-name", "root", "--serial-number", serial,
                "--authentication-code1", app.code(step), "--authentication-code2", app.code(step + 1))
                .assertSuccess();
        JsonNode devices = aws.run("iam", "list-mfa-devices").assertSuccess().json();
        assertEquals(serial, devices.path("MFADevices").path(0).path("SerialNumber").asText());

        // 3. Versioning and MFA Delete on, in one request; without the code it is refused.
        aws.run("s3api", "create-bucket", "--bucket", "records").assertSuccess();
        AwsCli.Result refused = aws.run("s3api", "put-bucket-versioning", "--bucket", "records",
                "--versioning-configuration", "Status=Enabled,MFADelete=Enabled");
        assertCliError(refused, "PutBucketVersioning", "AccessDenied", Messages.MFA_REQUIRED);
        aws.run("s3api", "put-bucket-versioning", "--bucket", "records",
                "--versioning-configuration", "Status=Enabled,MFADelete=Enabled",
                "--mfa", serial + " " + app.code(server.clock().advance(2))).assertSuccess();
        JsonNode versioning = aws.run("s3api", "get-bucket-versioning", "--bucket", "records").assertSuccess().json();
        assertEquals("Enabled", versioning.path("Status").asText());
        assertEquals("Enabled", versioning.path("MFADelete").asText());

        // 4. Versions: without a code, with a wrong code, with a good one, and the good one again.
        Files.writeString(work.resolve("report.txt"), "quarterly numbers");
        String v1 = aws.run("s3api", "put-object", "--bucket", "records", "--key", "report.txt",
                "--body", "report.txt").assertSuccess().json().path("VersionId").asText();
        String v2 = aws.run("s3api", "put-object", "--bucket", "records", "--key", "report.txt",
                "--body", "report.txt").assertSuccess().json().path("VersionId").asText();
        assertCliError(aws.run("s3api", "delete-object", "--bucket", "records", "--key", "report.txt",
                "--version-id", v1), "DeleteObject", "AccessDenied", Messages.MFA_REQUIRED);
        String wrong = app.wrongCode(server.clock().step());
        assertCliError(aws.run("s3api", "delete-object", "--bucket", "records", "--key", "report.txt",
                "--version-id", v1, "--mfa", serial + " " + wrong),
                "DeleteObject", "InvalidArgument", Messages.HEADER_INVALID);
        String mfa = serial + " " + app.code(server.clock().advance(2));
        JsonNode deleted = aws.run("s3api", "delete-object", "--bucket", "records", "--key", "report.txt",
                "--version-id", v1, "--mfa", mfa).assertSuccess().json();
        assertEquals(v1, deleted.path("VersionId").asText());
        assertCliError(aws.run("s3api", "delete-object", "--bucket", "records", "--key", "report.txt",
                "--version-id", v2, "--mfa", mfa), "DeleteObject", "InvalidArgument", Messages.HEADER_INVALID);

        // 5. A plain delete (aws s3 rm) only adds a delete marker: no code needed, the version survives.
        aws.run("s3", "rm", "s3://records/report.txt").assertSuccess();
        JsonNode listed = aws.run("s3api", "list-object-versions", "--bucket", "records").assertSuccess().json();
        assertEquals(v2, listed.path("Versions").path(0).path("VersionId").asText());
        String marker = listed.path("DeleteMarkers").path(0).path("VersionId").asText();
        assertFalse(marker.isEmpty());

        // 6. delete-objects: one code for the marker and the last version.
        String entries = "{\"Objects\":[{\"Key\":\"report.txt\",\"VersionId\":\"" + v2 + "\"},"
                + "{\"Key\":\"report.txt\",\"VersionId\":\"" + marker + "\"}],\"Quiet\":false}";
        assertCliError(aws.run("s3api", "delete-objects", "--bucket", "records", "--delete", entries),
                "DeleteObjects", "AccessDenied", Messages.MFA_REQUIRED);
        JsonNode result = aws.run("s3api", "delete-objects", "--bucket", "records", "--delete", entries,
                "--mfa", serial + " " + app.code(server.clock().advance(2))).assertSuccess().json();
        assertEquals(2, result.path("Deleted").size(), result.toString());
        assertTrue(result.path("Errors").isMissingNode(), result.toString());
        JsonNode empty = aws.run("s3api", "list-object-versions", "--bucket", "records").assertSuccess().json();
        assertTrue(empty.path("Versions").isMissingNode() && empty.path("DeleteMarkers").isMissingNode(),
                empty.toString());

        // 7. MFA Delete off again (needs a code too); GetBucketVersioning now says Disabled.
        assertCliError(aws.run("s3api", "put-bucket-versioning", "--bucket", "records",
                "--versioning-configuration", "Status=Suspended"),
                "PutBucketVersioning", "AccessDenied", Messages.MFA_REQUIRED);
        aws.run("s3api", "put-bucket-versioning", "--bucket", "records",
                "--versioning-configuration", "Status=Enabled,MFADelete=Disabled",
                "--mfa", serial + " " + app.code(server.clock().advance(2))).assertSuccess();
        assertEquals("Disabled", aws.run("s3api", "get-bucket-versioning", "--bucket", "records").assertSuccess()
                .json().path("MFADelete").asText());
    }

    /**
     * The CLI's error line, {@code An error occurred (CODE) when calling the OPERATION operation: MESSAGE} (with
     * " (reached max retries: 0)" before the colon, since the harness turns retries off).
     */
    private static void assertCliError(AwsCli.Result r, String operation, String code, String message) {
        assertTrue(r.exitCode() != 0, "expected a failure: " + r.stdout());
        String line = r.stderr().lines().filter(l -> l.startsWith("An error occurred")).findFirst()
                .orElseThrow(() -> new AssertionError("no error line in: " + r.stderr() + r.stdout()));
        assertTrue(line.startsWith("An error occurred (" + code + ") when calling the " + operation + " operation"),
                line);
        assertTrue(line.endsWith(": " + message), line);
    }
}
