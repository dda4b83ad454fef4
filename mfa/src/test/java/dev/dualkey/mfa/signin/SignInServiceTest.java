package dev.dualkey.mfa.signin;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.DeviceThrottle;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyOutcome;
import dev.dualkey.mfa.signin.SignInResult.Status;
import dev.dualkey.mfa.testing.MfaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignInServiceTest {
    private static final String ROOT_PW = "Root-Passw0rd";
    private static final String ALICE_PW = "Alice-Passw0rd";
    @TempDir
    Path dir;
    MfaFixture f;
    SignInService signIn;
    String acct;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        signIn = f.mfa.signIn();
        acct = f.mfa.identity().bootstrap(null, null, ROOT_PW).account().accountId();
        f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
        f.mfa.identity().createLoginProfile(ACTOR, acct, "alice", ALICE_PW, false);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private byte[] giveAliceADevice() {
        CreatedVirtualDevice d = f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "alice", null, "alice");
        byte[] seed = MfaFixture.seedOf(d);
        f.mfa.devices().enable(ACTOR, acct, "alice", d.device().serialNumber(), f.code(seed, -1), f.code(seed, 0));
        f.steps(1);
        return seed;
    }

    @Test
    void wrongApiCodesUpToTheDailyBoundDoNotLockTheConsoleSignIn() {
        byte[] seed = giveAliceADevice();
        String serial = f.mfa.devices().devicesOf(acct, "alice").get(0).serialNumber();
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_WINDOW; i++) {
            if (i % 4 == 0) {
                f.steps(1);
            }
            assertFalse(f.mfa.verifier().verify(acct, "alice", serial, f.wrongCode(seed), Purpose.S3_MFA_DELETE)
                    .accepted());
        }
        assertEquals(VerifyOutcome.THROTTLED, f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, 0),
                Purpose.S3_MFA_DELETE).outcome(), "the API lane is locked for the day");
        SignInResult c = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        assertEquals(Status.MFA_REQUIRED, c.status());
        assertEquals(Status.SIGNED_IN, signIn.signInWithCode(c.token(), null, f.code(seed, 0), "h").status(),
                "the owner still signs in to the console");
    }

    @Test
    void rootAndUserSignInWithPasswordOnly() {
        SignInResult root = signIn.signInWithPassword(acct, null, ROOT_PW, "10.0.0.1");
        assertEquals(Status.SIGNED_IN, root.status());
        assertTrue(root.session().root());
        assertFalse(root.session().mfaPresent());
        Session s = signIn.session(root.token()).orElseThrow();
        assertEquals(acct, s.accountId());
        SignInResult alice = signIn.signInWithPassword(acct, "ALICE", ALICE_PW, "10.0.0.1");
        assertEquals(Status.SIGNED_IN, alice.status());
        assertEquals("alice", alice.session().userName());
        assertNotEquals(root.token(), alice.token());
        assertTrue(alice.token().length() >= 43, "256-bit token");
        assertTrue(f.mfa.identity().getUser(acct, "alice").passwordLastUsed() != null);
    }

    @Test
    void aliasWorksAndEveryFailureLooksTheSame() {
        f.mfa.identity().createAccount(ACTOR, "acme");
        SignInResult wrongPw = signIn.signInWithPassword(acct, "alice", "nope", "a");
        SignInResult wrongUser = signIn.signInWithPassword(acct, "zoe", ALICE_PW, "a");
        SignInResult wrongAccount = signIn.signInWithPassword("999999999999", "alice", ALICE_PW, "a");
        SignInResult otherAlias = signIn.signInWithPassword("acme", "alice", ALICE_PW, "a");
        for (SignInResult r : List.of(wrongPw, wrongUser, wrongAccount, otherAlias)) {
            assertEquals(Status.FAILED, r.status());
            assertEquals(SignInService.GENERIC_FAILURE, r.message());
            assertNull(r.token());
        }
    }

    @Test
    void mfaChallengeThenCodeThatIsThenUsedUpForS3() {
        byte[] seed = giveAliceADevice();
        SignInResult step1 = signIn.signInWithPassword(acct, "alice", ALICE_PW, "10.0.0.2");
        assertEquals(Status.MFA_REQUIRED, step1.status());
        assertEquals(1, step1.deviceSerials().size());
        assertTrue(signIn.session(step1.token()).isEmpty(), "a challenge is not a session");
        String code = f.code(seed, 0);
        SignInResult step2 = signIn.signInWithCode(step1.token(), null, code, "10.0.0.2");
        assertEquals(Status.SIGNED_IN, step2.status());
        assertTrue(step2.session().mfaPresent());
        assertEquals(Status.FAILED, signIn.signInWithCode(step1.token(), null, code, "10.0.0.2").status(),
                "challenge consumed");
        assertEquals(VerifyOutcome.INVALID, f.mfa.verifier().verify(acct, "alice", step1.deviceSerials().get(0), code,
                Purpose.S3_MFA_DELETE).outcome(), "code used at sign-in cannot be replayed in x-amz-mfa");
    }

    @Test
    void wrongCodesSuggestResyncAfterThreeAndResyncWorks() {
        byte[] seed = giveAliceADevice();
        String serial = f.mfa.devices().devicesOf(acct, "alice").get(0).serialNumber();
        SignInResult c = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        SignInResult r = c;
        for (int i = 1; i <= 3; i++) {
            r = signIn.signInWithCode(c.token(), serial, "12345" + i, "h");
            assertEquals(Status.FAILED, r.status());
            assertEquals(SignInService.GENERIC_FAILURE, r.message());
            assertEquals(c.token(), r.token(), "challenge kept for another try");
            assertEquals(i >= SignInService.RESYNC_AFTER_FAILURES, r.resyncSuggested());
        }
        // later the phone has drifted 4 steps behind
        f.steps(6);
        SignInResult resynced = signIn.resync(c.token(), serial, f.code(seed, -5), f.code(seed, -4), "h");
        assertEquals(Status.MFA_REQUIRED, resynced.status());
        f.steps(1);
        assertEquals(Status.SIGNED_IN, signIn.signInWithCode(c.token(), serial, f.code(seed, -4), "h").status());
    }

    @Test
    void sessionsExpireWhenIdleOrTooOldAndSignOutRevokes() {
        SignInResult r = signIn.signInWithPassword(acct, null, ROOT_PW, "h");
        f.clock.advance(Duration.ofMinutes(14));
        assertTrue(signIn.session(r.token()).isPresent());
        f.clock.advance(Duration.ofMinutes(14));
        assertTrue(signIn.session(r.token()).isPresent(), "touched 14 min ago");
        f.clock.advance(Duration.ofMinutes(16));
        assertTrue(signIn.session(r.token()).isEmpty(), "idle timeout");

        SignInResult busy = signIn.signInWithPassword(acct, null, ROOT_PW, "h");
        for (int i = 0; i < 12 * 6; i++) {
            f.clock.advance(Duration.ofMinutes(10));
            if (signIn.session(busy.token()).isEmpty()) {
                assertTrue(i >= 12 * 6 - 2, "ended only at the absolute limit, after " + i);
                break;
            }
        }
        assertTrue(signIn.session(busy.token()).isEmpty(), "absolute timeout");

        SignInResult a = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        SignInResult b = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        signIn.signOut(a.token());
        assertTrue(signIn.session(a.token()).isEmpty());
        assertTrue(signIn.session(b.token()).isPresent());
        assertEquals(1, signIn.revokeAll(acct, "alice"));
        assertTrue(signIn.session(b.token()).isEmpty());
        assertTrue(signIn.session("not-a-token").isEmpty());
    }

    @Test
    void attemptsAreThrottledPerUserAndPerAddress() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Status.FAILED, signIn.signInWithPassword(acct, "alice", "bad-" + i, "1.1.1." + i).status());
        }
        SignInResult blocked = signIn.signInWithPassword(acct, "alice", ALICE_PW, "1.1.1.99");
        assertEquals(Status.THROTTLED, blocked.status(), "right password refused while the user is blocked");
        assertEquals(Status.SIGNED_IN, signIn.signInWithPassword(acct, null, ROOT_PW, "1.1.1.99").status(),
                "other users unaffected");
        f.clock.advance(Duration.ofMinutes(2));
        assertEquals(Status.SIGNED_IN, signIn.signInWithPassword(acct, "alice", ALICE_PW, "1.1.1.99").status());

        for (int i = 0; i < 20; i++) {
            signIn.signInWithPassword(acct, "user" + i, "x", "6.6.6.6");
        }
        assertEquals(Status.THROTTLED, signIn.signInWithPassword(acct, null, ROOT_PW, "6.6.6.6").status(),
                "address blocked after many failures across users");
    }

    @Test
    void rootPasswordResetRevokesRootSessions() {
        SignInResult r = signIn.signInWithPassword(acct, null, ROOT_PW, "h");
        String fresh = f.mfa.operator().resetRootPassword(acct, null);
        assertTrue(signIn.session(r.token()).isEmpty());
        assertEquals(Status.FAILED, signIn.signInWithPassword(acct, null, ROOT_PW, "h").status());
        assertEquals(Status.SIGNED_IN, signIn.signInWithPassword(acct, null, fresh, "h").status());
    }

    // ---- sessions bound to the principal and its password generation (issue 13.6) -------------------------

    @Test
    void everyPasswordChangeEndsEverySessionOfThePrincipal() {
        String a = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h").token();
        String b = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h").token();
        String root = signIn.signInWithPassword(acct, null, ROOT_PW, "h").token();
        f.mfa.identity().changePassword(ACTOR, acct, "alice", ALICE_PW, "Alice-Passw0rd-2");
        assertTrue(signIn.session(a).isEmpty(), "ChangePassword ends the session");
        assertTrue(signIn.session(b).isEmpty(), "and every other one");
        assertTrue(signIn.session(root).isPresent(), "another principal's sessions stay");

        String c = signIn.signInWithPassword(acct, "alice", "Alice-Passw0rd-2", "h").token();
        f.mfa.identity().updateLoginProfile(ACTOR, acct, "ALICE", "Alice-Passw0rd-3", null);
        assertTrue(signIn.session(c).isEmpty(), "UpdateLoginProfile by an administrator ends it");

        String d = signIn.signInWithPassword(acct, "alice", "Alice-Passw0rd-3", "h").token();
        f.mfa.identity().deleteLoginProfile(ACTOR, acct, "alice");
        assertTrue(signIn.session(d).isEmpty(), "DeleteLoginProfile ends it");
        f.mfa.identity().createLoginProfile(ACTOR, acct, "alice", "Alice-Passw0rd-3", false);
        assertTrue(signIn.session(d).isEmpty(), "a new profile with the same password does not revive it");
    }

    @Test
    void aDeletedUsersSessionNeverWorksAgainEvenForAUserOfTheSameName() {
        String token = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h").token();
        assertTrue(signIn.session(token).isPresent());
        f.mfa.identity().deleteLoginProfile(ACTOR, acct, "alice");
        f.mfa.identity().deleteUser(ACTOR, acct, "alice");
        f.mfa.identity().createUser(ACTOR, acct, null, "ALICE", null);
        f.mfa.identity().createLoginProfile(ACTOR, acct, "ALICE", ALICE_PW, false);
        assertTrue(signIn.session(token).isEmpty(), "the new ALICE is another principal");
        assertTrue(signIn.reissue(token).isEmpty(), "and the old token cannot be re-issued for it");
    }

    @Test
    void aPasswordChangeBetweenPasswordAndCodeVoidsTheChallenge() {
        byte[] seed = giveAliceADevice();
        SignInResult step1 = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        assertEquals(Status.MFA_REQUIRED, step1.status());
        f.mfa.identity().updateLoginProfile(ACTOR, acct, "alice", "Alice-Passw0rd-2", null);
        assertEquals(Status.FAILED, signIn.signInWithCode(step1.token(), null, f.code(seed, 0), "h").status());
    }

    @Test
    void theOwnChangeReissuesTheCurrentSessionOnly() {
        String current = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h").token();
        String other = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h").token();
        Session before = signIn.session(current).orElseThrow();
        f.mfa.identity().changePassword(ACTOR, acct, "alice", ALICE_PW, "Alice-Passw0rd-2");
        String reissued = signIn.reissue(current).orElseThrow();
        assertNotEquals(current, reissued);
        assertTrue(signIn.session(current).isEmpty());
        assertTrue(signIn.session(other).isEmpty());
        Session after = signIn.session(reissued).orElseThrow();
        assertEquals(before.createdAt(), after.createdAt(), "the absolute lifetime is kept");
    }

    @Test
    void aFreshCodeIsRecordedInTheSessionAndSpentOnce() {
        byte[] seed = giveAliceADevice();
        SignInResult step1 = signIn.signInWithPassword(acct, "alice", ALICE_PW, "h");
        SignInResult step2 = signIn.signInWithCode(step1.token(), null, f.code(seed, 0), "h");
        Session s = signIn.session(step2.token()).orElseThrow();
        assertEquals(MfaFixture.START.plusSeconds(30), s.mfaAuthenticatedAt(), "the sign-in code's time");
        f.clock.advance(Duration.ofMinutes(10));
        String code = f.code(seed, 0);
        assertTrue(signIn.proveMfa(step2.token(), code, "h"));
        assertEquals(f.clock.instant(), signIn.session(step2.token()).orElseThrow().mfaAuthenticatedAt());
        assertFalse(signIn.proveMfa(step2.token(), code, "h"), "a code is accepted once");
        assertFalse(signIn.proveMfa(step2.token(), "000000".equals(code) ? "111111" : "000000", "h"));
    }
}
