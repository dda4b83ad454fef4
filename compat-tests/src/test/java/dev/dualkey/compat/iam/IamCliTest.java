package dev.dualkey.compat.iam;

import static dev.dualkey.compat.iam.MfaDeviceTest.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every action through the aws CLI ({@code aws iam ... --endpoint-url}), errors by code in its message. */
@ExtendWith(GatewayExtension.class)
class IamCliTest {
    /** The code for a wrong OldPassword in ChangePassword, as IAM answers "The old password was incorrect". */
    private static final String WRONG_OLD_PASSWORD = "InvalidInput";

    private static void assertCliError(AwsCli.Result r, String code) {
        assertNotEquals(0, r.exitCode(), r.stdout());
        assertTrue(r.stderr().contains("(" + code + ")"), r.stderr());
    }

    @Test
    void usersKeysPoliciesAndPasswords(GatewayEndpoint gw, @TempDir Path dir) {
        AwsCli aws = AwsCli.require(gw, dir);
        String user = unique("cli");
        JsonNode created = aws.run("iam", "create-user", "--user-name", user, "--path", "/cli/").assertSuccess().json();
        assertEquals("/cli/", created.path("User").path("Path").asText());
        assertEquals(user, aws.run("iam", "get-user", "--user-name", user).assertSuccess().json()
                .path("User").path("UserName").asText());
        assertTrue(aws.run("iam", "list-users", "--path-prefix", "/cli/").assertSuccess().stdout().contains(user));
        assertCliError(aws.run("iam", "create-user", "--user-name", user), "EntityAlreadyExists");

        JsonNode key = aws.run("iam", "create-access-key", "--user-name", user).assertSuccess().json().path("AccessKey");
        String keyId = key.path("AccessKeyId").asText();
        assertTrue(aws.run("iam", "list-access-keys", "--user-name", user).assertSuccess().stdout().contains(keyId));

        String doc = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:ChangePassword\","
                + "\"Resource\":\"arn:aws:iam::*:user/cli/${aws:username}\"}]}";
        aws.run("iam", "put-user-policy", "--user-name", user, "--policy-name", "pw", "--policy-document", doc)
                .assertSuccess();
        // The CLI URL-decodes the document and prints it as JSON.
        JsonNode policy = aws.run("iam", "get-user-policy", "--user-name", user, "--policy-name", "pw").assertSuccess()
                .json().path("PolicyDocument");
        assertEquals("iam:ChangePassword", policy.path("Statement").path(0).path("Action").asText());
        assertTrue(aws.run("iam", "list-user-policies", "--user-name", user).assertSuccess().stdout().contains("pw"));

        aws.run("iam", "create-login-profile", "--user-name", user, "--password", "Cli-Passw0rd!").assertSuccess();
        aws.run("iam", "get-login-profile", "--user-name", user).assertSuccess();
        AwsCli asUser = aws.as(new AccessKey(keyId, key.path("SecretAccessKey").asText()));
        // A wrong current password changes nothing (IAM does not model the code; the identity store's answer).
        assertCliError(asUser.run("iam", "change-password", "--old-password", "wrong-Passw0rd",
                "--new-password", "Cli-Passw0rd-2"), WRONG_OLD_PASSWORD);
        asUser.run("iam", "change-password", "--old-password", "Cli-Passw0rd!", "--new-password", "Cli-Passw0rd-2")
                .assertSuccess();
        aws.run("iam", "update-login-profile", "--user-name", user, "--password-reset-required").assertSuccess();
        aws.run("iam", "delete-login-profile", "--user-name", user).assertSuccess();

        aws.run("iam", "update-access-key", "--user-name", user, "--access-key-id", keyId, "--status", "Inactive")
                .assertSuccess();
        aws.run("iam", "delete-access-key", "--user-name", user, "--access-key-id", keyId).assertSuccess();
        aws.run("iam", "delete-user-policy", "--user-name", user, "--policy-name", "pw").assertSuccess();
        assertTrue(aws.run("iam", "get-account-summary").assertSuccess().json().path("SummaryMap").has("Users"));
        aws.run("iam", "delete-user", "--user-name", user).assertSuccess();
        assertCliError(aws.run("iam", "get-user", "--user-name", user), "NoSuchEntity");
        assertCliError(aws.run("iam", "get-user", "--user-name", "bad name"), "ValidationError");
    }

    @Test
    void virtualDeviceLifecycle(GatewayEndpoint gw, @TempDir Path dir) throws Exception {
        AwsCli aws = AwsCli.require(gw, dir);
        String user = unique("cli-mfa");
        aws.run("iam", "create-user", "--user-name", user).assertSuccess();
        Path seedFile = dir.resolve("seed.txt");
        JsonNode device = aws.run("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", user,
                "--outfile", seedFile.toString(), "--bootstrap-method", "Base32StringSeed",
                "--tags", "Key=owner,Value=" + user).assertSuccess().json().path("VirtualMFADevice");
        String serial = device.path("SerialNumber").asText();
        String seed = Files.readString(seedFile, StandardCharsets.US_ASCII).trim();
        assertTrue(seed.matches("[A-Z2-7]{32,}"), seed);

        Path png = dir.resolve("qr.png");
        String qrName = user + "-qr";
        JsonNode qrDevice = aws.run("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", qrName,
                "--outfile", png.toString(), "--bootstrap-method", "QRCodePNG").assertSuccess().json()
                .path("VirtualMFADevice");
        String uri = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(ImageIO.read(png.toFile())))), java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE)).getText();
        assertTrue(uri.startsWith("otpauth://totp/") && uri.contains("secret="), uri);
        aws.run("iam", "delete-virtual-mfa-device", "--serial-number", qrDevice.path("SerialNumber").asText())
                .assertSuccess();

        assertCliError(aws.run("iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
                "--authentication-code1", "000000", "--authentication-code2", "000000"), "InvalidAuthenticationCode");
        String[] codes = MfaDeviceTest.freshPair(seed);
        aws.run("iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
                "--authentication-code1", codes[0], "--authentication-code2", codes[1]).assertSuccess();
        String[] next = MfaDeviceTest.freshPair(seed);
        aws.run("iam", "resync-mfa-device", "--user-name", user, "--serial-number", serial,
                "--authentication-code1", next[0], "--authentication-code2", next[1]).assertSuccess();
        assertEquals(serial, aws.run("iam", "list-mfa-devices", "--user-name", user).assertSuccess().json()
                .path("MFADevices").path(0).path("SerialNumber").asText());
        assertEquals(user, aws.run("iam", "get-mfa-device", "--serial-number", serial).assertSuccess().json()
                .path("UserName").asText());
        assertTrue(aws.run("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned").assertSuccess()
                .stdout().contains(serial));
        aws.run("iam", "tag-mfa-device", "--serial-number", serial, "--tags", "Key=team,Value=ops").assertSuccess();
        assertEquals(2, aws.run("iam", "list-mfa-device-tags", "--serial-number", serial).assertSuccess().json()
                .path("Tags").size());
        aws.run("iam", "untag-mfa-device", "--serial-number", serial, "--tag-keys", "team").assertSuccess();
        assertCliError(aws.run("iam", "delete-virtual-mfa-device", "--serial-number", serial), "DeleteConflict");
        aws.run("iam", "deactivate-mfa-device", "--user-name", user, "--serial-number", serial).assertSuccess();
        aws.run("iam", "delete-virtual-mfa-device", "--serial-number", serial).assertSuccess();
        aws.run("iam", "delete-user", "--user-name", user).assertSuccess();
    }
}
