package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.MFADevice;

/**
 * Issue 13, finding 4, replayed over HTTP against the running console: its user pages used to authorize on their
 * own, with an ARN built from the URL (no path, no canonical case), so a Deny on a user under a path was ignored by
 * {@code /users/{name}/deactivate}, and a user's MFA serials were shown to anyone allowed {@code iam:ListUsers}.
 * The pages now run the IAM API's own operations; here an IAM administrator whose policy denies everything on
 * {@code user/admins/*} (and who, like every IAM user, may never act on root) tries them, and the devices must
 * still be enabled afterwards, as root sees them through the IAM API.
 */
class ConsolePagesAttackTest {
    private static final String PASSWORD = "Helpdesk-Console-Passw0rd";

    private static MfaDeleteServer server;
    private static IamClient rootIam;
    private static MfaDevice rootDevice;
    private static MfaDevice opsDevice;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopbackWithConsole();
        GatewayEndpoint gw = server.endpoint();
        rootIam = Iam.client(gw, gw.root());
        rootDevice = MfaDevice.virtual(rootIam, server.clock(), "root-phone", "root");
        rootIam.createUser(b -> b.userName("ops-lead").path("/admins/secret-team/"));
        opsDevice = MfaDevice.virtual(rootIam, server.clock(), "ops-lead-phone", "ops-lead");
        rootIam.createUser(b -> b.userName("helpdesk"));
        rootIam.putUserPolicy(b -> b.userName("helpdesk").policyName("helpdesk").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                 {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                 {"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:user/admins/*"}]}"""));
        rootIam.createLoginProfile(b -> b.userName("helpdesk").password(PASSWORD));
        rootIam.createUser(b -> b.userName("lister"));
        rootIam.putUserPolicy(b -> b.userName("lister").policyName("list").policyDocument("""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"""));
        rootIam.createLoginProfile(b -> b.userName("lister").password(PASSWORD));
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

    private static ConsoleSession signIn(String user) {
        return ConsoleSession.signInIamUser(server.consoleUrl(), server.accountId(), user, PASSWORD);
    }

    private static List<String> serials(String user) {
        return rootIam.listMFADevices(b -> b.userName(user)).mfaDevices().stream().map(MFADevice::serialNumber)
                .toList();
    }

    @Test
    void aDenyOnAUserUnderAPathHoldsOnTheConsolesDeactivatePageInEveryLetterCase() {
        ConsoleSession helpdesk = signIn("helpdesk");
        for (String name : List.of("ops-lead", "OPS-LEAD", "Ops-Lead")) {
            helpdesk.open("/users/helpdesk"); // a page of the session, for its CSRF token
            int status = helpdesk.postForm("/users/" + name + "/deactivate", Map.of("serial", opsDevice.serial()));
            assertNotEquals(303, status, "deactivating " + name + "'s device must be refused");
            assertEquals(403, status, name);
        }
        assertEquals(List.of(opsDevice.serial()), serials("ops-lead"), "ops-lead's device is still enabled");
    }

    @Test
    void noIamUserDeactivatesRootsDeviceThroughTheConsole() {
        ConsoleSession helpdesk = signIn("helpdesk");
        for (String name : List.of("root", "ROOT", "Root")) {
            helpdesk.open("/users/helpdesk");
            int status = helpdesk.postForm("/users/" + name + "/deactivate", Map.of("serial", rootDevice.serial()));
            assertEquals(403, status, name);
        }
        assertEquals(List.of(rootDevice.serial()), serials("root"), "root's device is still enabled");
    }

    @Test
    void listUsersAloneDoesNotShowAUsersMfaSerials() {
        ConsoleSession lister = signIn("lister");
        HttpResponse<String> page = lister.fetch("/users/ops-lead");
        assertFalse(page.body().contains(opsDevice.serial()), "the serial is listed only with iam:ListMFADevices");
        HttpResponse<String> rootPage = lister.fetch("/users/root");
        assertFalse(rootPage.body().contains(rootDevice.serial()), "root's serial is never listed to an IAM user");
    }
}
