package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;

/**
 * Issue 13, findings 3 and 8, through SDK v2 and the aws CLI. (3) User names are case-insensitive, so
 * {@code --user-name OPS-LEAD} names the stored {@code ops-lead}: a Deny on {@code user/admins/*} must hold
 * whatever case the attacker writes. (8) AccessDenied names the user as the caller wrote it: an unauthorized
 * caller cannot learn whether a user exists, nor its path.
 */
class IamNamesAttackTest {
    private static final String PATH = "/admins/secret-team/";

    private static MfaDeleteServer server;
    private static GatewayEndpoint gw;
    private static IamClient rootIam;
    private static AccessKey narrowKey;
    private static IamClient narrow;
    private static IamClient nobody;
    private static String account;

    @BeforeAll
    static void start() {
        server = MfaDeleteServer.loopback();
        gw = server.endpoint();
        account = server.accountId();
        rootIam = Iam.client(gw, gw.root());
        rootIam.createUser(b -> b.userName("ops-lead").path(PATH));
        // Everything in IAM except the admins.
        rootIam.createUser(b -> b.userName("narrow"));
        rootIam.putUserPolicy(b -> b.userName("narrow").policyName("all-but-admins").policyDocument("""
                {"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::%s:user/admins/*"}]}""".formatted(account)));
        CreateAccessKeyResponse k = rootIam.createAccessKey(b -> b.userName("narrow"));
        narrowKey = new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey());
        narrow = Iam.client(gw, narrowKey);
        // No policy at all.
        rootIam.createUser(b -> b.userName("nobody"));
        CreateAccessKeyResponse n = rootIam.createAccessKey(b -> b.userName("nobody"));
        nobody = Iam.client(gw, new AccessKey(n.accessKey().accessKeyId(), n.accessKey().secretAccessKey()));
    }

    @AfterAll
    static void stop() {
        nobody.close();
        narrow.close();
        rootIam.close();
        server.close();
    }

    private static String denied(Executable call) {
        AwsServiceException e = assertThrows(AwsServiceException.class, call);
        assertEquals(403, e.statusCode(), e.getMessage());
        assertEquals("AccessDenied", e.awsErrorDetails().errorCode(), e.getMessage());
        return e.awsErrorDetails().errorMessage();
    }

    @Test
    void aDenyOnTheStoredPathHoldsInEveryLetterCase() {
        for (String name : List.of("ops-lead", "OPS-LEAD", "Ops-Lead", "oPs-LeAd")) {
            String message = denied(() -> narrow.createAccessKey(b -> b.userName(name)));
            assertTrue(message.contains("on resource: arn:aws:iam::" + account + ":user/" + name + " "), message);
            assertFalse(message.contains("secret-team"), "the stored path leaked: " + message);
            denied(() -> narrow.updateLoginProfile(b -> b.userName(name).password("Taken-Over-Passw0rd!")));
            denied(() -> narrow.putUserPolicy(b -> b.userName(name).policyName("mine")
                    .policyDocument(Iam.ALLOW_EVERYTHING)));
            denied(() -> narrow.deleteUser(b -> b.userName(name)));
        }
        assertEquals(List.of(), rootIam.listAccessKeys(b -> b.userName("ops-lead")).accessKeyMetadata());
        assertEquals(List.of(), rootIam.listUserPolicies(b -> b.userName("ops-lead")).policyNames());
        // The same caller still manages users outside the denied path, in any case.
        rootIam.createUser(b -> b.userName("intern"));
        narrow.createAccessKey(b -> b.userName("INTERN"));
        assertEquals(1, rootIam.listAccessKeys(b -> b.userName("intern")).accessKeyMetadata().size());
    }

    @Test
    void accessDeniedDoesNotTellWhetherAUserExists() {
        for (String[] pair : List.of(new String[] {"ops-lead", "no-such-lead"},
                new String[] {"OPS-LEAD", "NO-SUCH-LEAD"})) {
            String existing = denied(() -> nobody.getUser(b -> b.userName(pair[0])));
            String missing = denied(() -> nobody.getUser(b -> b.userName(pair[1])));
            assertEquals(existing.replace(pair[0], "NAME"), missing.replace(pair[1], "NAME"));
            assertFalse(existing.contains("secret-team"), existing);
            String keysOfExisting = denied(() -> nobody.listAccessKeys(b -> b.userName(pair[0])));
            String keysOfMissing = denied(() -> nobody.listAccessKeys(b -> b.userName(pair[1])));
            assertEquals(keysOfExisting.replace(pair[0], "NAME"), keysOfMissing.replace(pair[1], "NAME"));
        }
    }

    @Test
    void theSameThroughTheAwsCli(@TempDir Path dir) {
        AwsCli cli = AwsCli.require(gw, dir).as(narrowKey);
        AwsCli.Result r = cli.run("iam", "create-access-key", "--user-name", "OPS-LEAD");
        assertTrue(r.exitCode() != 0 && r.stderr().contains("(AccessDenied)"), r.stderr());
        assertTrue(r.stderr().contains(":user/OPS-LEAD"), r.stderr());
        assertFalse(r.stderr().contains("secret-team"), r.stderr());
        assertEquals(List.of(), rootIam.listAccessKeys(b -> b.userName("ops-lead")).accessKeyMetadata());
    }
}
