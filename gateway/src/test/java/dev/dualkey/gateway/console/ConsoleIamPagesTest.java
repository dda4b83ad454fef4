package dev.dualkey.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.signin.SignInResult;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's user and credential pages over the real stack (mfa services, the IAM operations, sign-in):
 * they decide as the IAM API (issue 13.4), never act on root for an IAM user (issue 12 A), ask root for a
 * fresh code before changing its devices (issue 12 B), and keep sessions bound to the password (issue 13.6).
 */
class ConsoleIamPagesTest {
    private static final Pattern CSRF = Pattern.compile("name=\"" + CsrfGuard.FIELD + "\" value=\"([^\"]+)\"");
    private static final String ROOT_PW = "Root-Passw0rd-Console";
    private static final String PW = "User-Passw0rd-Console";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T07:00:00Z"));
    private StorageEngine engine;
    private MfaServices mfa;
    private ConsoleApp app;
    private String acct;
    private String rootSerial;
    private byte[] rootSeed;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(dir, IdentityStore.FAMILIES);
        mfa = MfaServices.open(engine.database(), dir, MfaConfig.defaults(clock).withEnvironment(Map.of())
                .withPasswordParams(PasswordHasher.Params.forTests()));
        acct = mfa.identity().bootstrap(null, null, ROOT_PW).account().accountId();
        CreatedVirtualDevice d = mfa.devices().createVirtualDevice(Actor.operator(), acct, "/", "root-phone", null,
                null);
        rootSerial = d.device().serialNumber();
        rootSeed = Base32.decode(d.base32StringSeed());
        mfa.devices().enable(Actor.operator(), acct, "root", rootSerial, code(-1), code(0));
        clock.advance(Duration.ofSeconds(60));
        user("it-admin", "/", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"},
                {"Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::%s:user/ops/*"}]}""".formatted(acct));
        user("bob", "/ops/", null);
        user("viewer", "/", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}""");
        app = MfaConsole.app(engine.objectStore(), mfa, clock, false, true, "us-east-1");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private String code(int stepsFromNow) {
        return TotpGenerator.code(rootSeed, TotpGenerator.stepOf(clock.instant()) + stepsFromNow);
    }

    private void user(String name, String path, String policy) {
        mfa.identity().createUser(Actor.operator(), acct, path, name, null);
        mfa.identity().createLoginProfile(Actor.operator(), acct, name, PW, false);
        if (policy != null) {
            mfa.identity().putUserPolicy(Actor.operator(), acct, name, "p", policy);
        }
    }

    private String signIn(String name) {
        SignInResult r = mfa.signIn().signInWithPassword(acct, name, PW, "127.0.0.1");
        assertEquals(SignInResult.Status.SIGNED_IN, r.status());
        return r.token();
    }

    private String signInRoot() {
        SignInResult r = mfa.signIn().signInWithPassword(acct, null, ROOT_PW, "127.0.0.1");
        assertEquals(SignInResult.Status.MFA_REQUIRED, r.status());
        SignInResult s = mfa.signIn().signInWithCode(r.token(), null, code(0), "127.0.0.1");
        assertEquals(SignInResult.Status.SIGNED_IN, s.status());
        clock.advance(Duration.ofSeconds(60));
        return s.token();
    }

    private ConsoleResponse get(String session, String path) {
        return app.handle(new ConsoleRequest("GET", path, FormData.EMPTY, FormData.EMPTY,
                Map.of("dk_session", session), "127.0.0.1:9001", null, "127.0.0.1", false));
    }

    private ConsoleResponse post(String session, String path, Map<String, String> form) {
        ConsoleResponse page = get(session, "/security-credentials");
        Matcher m = CSRF.matcher(page.bodyText());
        assertTrue(m.find(), "a form with a CSRF token");
        Map<String, String> f = new HashMap<>(form);
        f.put(CsrfGuard.FIELD, m.group(1));
        return app.handle(new ConsoleRequest("POST", path, FormData.EMPTY, FormData.of(f),
                Map.of("dk_session", session), "127.0.0.1:9001", null, "127.0.0.1", false));
    }

    private boolean rootDeviceEnabled() {
        return mfa.devices().devicesOf(acct, "root").stream().anyMatch(d -> d.serialNumber().equals(rootSerial));
    }

    @Test
    void anIamUserAllowedIamStarCannotDeactivateRootsDevice() {
        String admin = signIn("it-admin");
        for (String root : new String[] {"root", "ROOT", "Root"}) {
            ConsoleResponse r = post(admin, "/users/" + root + "/deactivate", Map.of("serial", rootSerial));
            assertEquals(403, r.status(), r.bodyText());
            assertTrue(rootDeviceEnabled(), "root's device survives " + root);
            ConsoleResponse page = get(admin, "/users/" + root);
            assertEquals(403, page.status());
            assertFalse(page.bodyText().contains(rootSerial), "root's serial is not listed");
        }
        assertEquals(rootSerial, mfa.devices().getDevice(acct, null, rootSerial).serialNumber(), "not deleted");
    }

    @Test
    void aDenyOnAPathIsHonouredWhateverTheCaseInTheUrl() {
        byte[] seed = Base32.decode(mfa.devices().createVirtualDevice(Actor.operator(), acct, "/", "bob-phone",
                null, "bob").base32StringSeed());
        String bobSerial = "arn:aws:iam::" + acct + ":mfa/bob-phone";
        long step = TotpGenerator.stepOf(clock.instant());
        mfa.devices().enable(Actor.operator(), acct, "bob", bobSerial, TotpGenerator.code(seed, step - 1),
                TotpGenerator.code(seed, step));
        String admin = signIn("it-admin");
        for (String bob : new String[] {"bob", "BOB"}) {
            assertEquals(403, post(admin, "/users/" + bob + "/deactivate", Map.of("serial", bobSerial)).status());
            ConsoleResponse page = get(admin, "/users/" + bob);
            assertEquals(403, page.status());
            assertFalse(page.bodyText().contains("/ops/"), "the stored path is not shown: " + page.bodyText());
        }
        assertEquals(1, mfa.devices().devicesOf(acct, "bob").size());
    }

    @Test
    void listingUsersDoesNotListTheirSerials() {
        String viewer = signIn("viewer");
        assertEquals(200, get(viewer, "/users").status());
        ConsoleResponse page = get(viewer, "/users/it-admin");
        assertEquals(403, page.status(), "ListMFADevices is what lists serials, not ListUsers");
        ConsoleResponse rootPage = get(viewer, "/users/root");
        assertEquals(403, rootPage.status());
        assertFalse(rootPage.bodyText().contains(rootSerial));
    }

    @Test
    void rootChangesItsDevicesOnlyWithACodeFromTheLastFifteenMinutes() {
        String root = signInRoot();
        // 16 minutes of use (the session's idle timeout is shorter than that without requests)
        clock.advance(Duration.ofMinutes(8));
        assertEquals(200, get(root, "/buckets").status());
        clock.advance(Duration.ofMinutes(8));
        ConsoleResponse overview = get(root, "/security-credentials");
        assertTrue(overview.bodyText().contains("name=\"mfaCode\""), "the remove form asks for a code");
        ConsoleResponse noCode = post(root, "/security-credentials/mfa/remove", Map.of("serial", rootSerial));
        assertEquals(403, noCode.status());
        assertTrue(rootDeviceEnabled());
        String wrong = "000000".equals(code(0)) ? "111111" : "000000";
        assertEquals(403, post(root, "/security-credentials/mfa/remove",
                Map.of("serial", rootSerial, "mfaCode", wrong)).status());
        assertTrue(rootDeviceEnabled());

        ConsoleResponse ok = post(root, "/security-credentials/mfa/remove",
                Map.of("serial", rootSerial, "mfaCode", code(0)));
        assertEquals(303, ok.status(), ok.bodyText());
        assertFalse(rootDeviceEnabled());
    }

    @Test
    void theSignInCodeCountsForFifteenMinutes() {
        String root = signInRoot();
        assertFalse(get(root, "/security-credentials").bodyText().contains("name=\"mfaCode\""));
        ConsoleResponse ok = post(root, "/security-credentials/mfa/remove", Map.of("serial", rootSerial));
        assertEquals(303, ok.status(), ok.bodyText());
        assertFalse(rootDeviceEnabled());
    }

    @Test
    void theOwnPasswordChangeEndsOtherSessionsAndKeepsThisOne() {
        String current = signIn("it-admin");
        String other = signIn("it-admin");
        ConsoleResponse r = post(current, "/security-credentials/password", Map.of("oldPassword", PW,
                "newPassword", "New-Passw0rd-Console", "confirmPassword", "New-Passw0rd-Console"));
        assertEquals(303, r.status(), r.bodyText());
        String cookie = r.header("Set-Cookie");
        assertNotNull(cookie);
        String reissued = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        assertEquals(303, get(current, "/security-credentials").status(), "the old token is gone");
        assertEquals(303, get(other, "/security-credentials").status(), "so is every other session");
        assertEquals(200, get(reissued, "/security-credentials").status());
    }
}
