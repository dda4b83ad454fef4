package dev.dualkey.mfa.audit;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyOutcome;
import dev.dualkey.mfa.signin.SignInResult;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.mfa.testing.InterruptedKv;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.kv.KvConflictException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit listeners (metrics, the alert webhook) hear an event only once the write that records it committed,
 * exactly once, whoever writes it (SECURITY.md AC1). Each failure is real: the database closes just before the
 * commit (the real store's commit throws, nothing written, as on an I/O error), or another gateway sharing the
 * state changes a record the transaction compared (the real store's compare-and-set fails). Then the listener heard
 * nothing, the reopened log holds nothing, and a client's retry that commits is heard once.
 */
class AuditAfterCommitTest {
    private static final String ALICE_PW = "Alice-Passw0rd";
    @TempDir
    Path dir;
    MfaFixture f;
    InterruptedKv kv;
    String acct;
    final List<String> heard = new ArrayList<>();

    @BeforeEach
    void open() {
        f = new MfaFixture(dir, real -> kv = new InterruptedKv(real));
        acct = f.mfa.identity().bootstrap(null, null, null).account().accountId();
        f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
        f.mfa.identity().createLoginProfile(ACTOR, acct, "alice", ALICE_PW, false);
        f.mfa.audit().addListener(r -> heard.add(r.action() + " " + r.outcome()));
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** A second gateway over the same state: its own locks and caches, as another process would have. */
    private MfaServices otherGateway() {
        return MfaServices.open(kv.real(), dir, f.config(Map.of()));
    }

    /** The next commit into {@code space} finds the database closed: the real store throws, nothing is written. */
    private void failNextCommitInto(String space) {
        kv.beforeNextCommitInto(space, f.db::close);
    }

    /** Closes this fixture (its database is closed already) and reopens the state: what was really committed. */
    private MfaFixture reopen() {
        f.close();
        f = new MfaFixture(dir);
        return f;
    }

    private List<String> logged(MfaFixture g, String action) {
        return g.mfa.audit().read(Instant.EPOCH, 10_000).stream().filter(r -> r.action().equals(action))
                .map(r -> r.action() + " " + r.outcome()).toList();
    }

    private CreatedVirtualDevice aliceDevice() {
        return f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "alice", null, "alice");
    }

    private void enable(CreatedVirtualDevice d) {
        byte[] seed = MfaFixture.seedOf(d);
        f.mfa.devices().enable(ACTOR, acct, "alice", d.device().serialNumber(), f.code(seed, -1), f.code(seed, 0));
    }

    @Test
    void anEnableWhoseCommitFailsIsHeardByNoListenerAndNothingIsStored() {
        CreatedVirtualDevice d = aliceDevice();
        heard.clear();
        failNextCommitInto(MfaSchema.AUDIT);
        assertThrows(StorageIoException.class, () -> enable(d));
        assertFalse(kv.armed(), "the enable's commit was the one that failed");
        assertEquals(List.of(), heard);
        MfaFixture g = reopen();
        assertEquals(List.of(), logged(g, "iam:EnableMFADevice"));
        assertTrue(g.mfa.devices().devicesOf(acct, "alice").isEmpty(), "not enabled");
    }

    @Test
    void anEnableThatLosesItsCompareIsHeardByNoneAndTheClientsRetryExactlyOnce() {
        CreatedVirtualDevice d = aliceDevice();
        String serial = d.device().serialNumber();
        MfaServices other = otherGateway();
        heard.clear();
        kv.beforeNextCommitInto(MfaSchema.AUDIT, () -> other.devices().tagDevice(ACTOR, acct, serial,
                Map.of("team", "blue")));
        assertThrows(KvConflictException.class, () -> enable(d));
        assertEquals(List.of(), heard, "the device record changed under the enable: nothing enabled, nothing heard");
        enable(d); // the client retries with the same codes: they were not consumed
        assertEquals(List.of("iam:EnableMFADevice OK"), heard);
        assertEquals(List.of("iam:EnableMFADevice OK"), logged(f, "iam:EnableMFADevice"));
        assertEquals(1, f.mfa.devices().devicesOf(acct, "alice").size());
    }

    @Test
    void aDeactivateWhoseCommitFailsIsHeardByNoListenerAndTheDeviceStaysEnabled() {
        CreatedVirtualDevice d = aliceDevice();
        enable(d);
        heard.clear();
        failNextCommitInto(MfaSchema.AUDIT);
        assertThrows(StorageIoException.class,
                () -> f.mfa.devices().deactivate(ACTOR, acct, "alice", d.device().serialNumber()));
        assertEquals(List.of(), heard);
        MfaFixture g = reopen();
        assertEquals(List.of(), logged(g, "iam:DeactivateMFADevice"));
        assertEquals(1, g.mfa.devices().devicesOf(acct, "alice").size(), "still enabled");
    }

    @Test
    void aDeactivateThatLosesItsCompareIsHeardByNoneAndTheRetryExactlyOnce() {
        CreatedVirtualDevice d = aliceDevice();
        String serial = d.device().serialNumber();
        enable(d);
        MfaServices other = otherGateway();
        heard.clear();
        kv.beforeNextCommitInto(MfaSchema.AUDIT, () -> other.devices().tagDevice(ACTOR, acct, serial,
                Map.of("team", "blue")));
        assertThrows(KvConflictException.class, () -> f.mfa.devices().deactivate(ACTOR, acct, "alice", serial));
        assertEquals(List.of(), heard);
        assertEquals(1, f.mfa.devices().devicesOf(acct, "alice").size(), "still enabled");
        f.mfa.devices().deactivate(ACTOR, acct, "alice", serial);
        assertEquals(List.of("iam:DeactivateMFADevice OK"), heard);
        assertTrue(f.mfa.devices().devicesOf(acct, "alice").isEmpty());
    }

    @Test
    void aSignInWhoseSessionCommitFailsIsHeardByNoListener() {
        heard.clear();
        failNextCommitInto(MfaSchema.AUDIT);
        assertThrows(StorageIoException.class,
                () -> f.mfa.signIn().signInWithPassword(acct, "alice", ALICE_PW, "10.0.0.1"));
        assertFalse(kv.armed());
        assertEquals(List.of(), heard, "no session was created: no sign-in success for anyone");
        assertEquals(List.of(), logged(reopen(), "console:SignIn"));
    }

    @Test
    void aSignInThatCommitsIsHeardExactlyOnce() {
        heard.clear();
        assertEquals(SignInResult.Status.SIGNED_IN,
                f.mfa.signIn().signInWithPassword(acct, "alice", ALICE_PW, "10.0.0.1").status());
        assertEquals(List.of("console:SignIn OK"), heard);
        assertEquals(List.of("console:SignIn OK"), logged(f, "console:SignIn"));
    }

    /**
     * Two gateways finish one challenge at once (two fresh codes): the one whose session commit loses the challenge's
     * compare-and-set answers FAILED and is not heard signing in; its code check, which did commit, is.
     */
    @Test
    void theGatewayThatLosesTheChallengeIsNotHeardSigningIn() {
        CreatedVirtualDevice d = aliceDevice();
        byte[] seed = MfaFixture.seedOf(d);
        enable(d);
        f.steps(1);
        SignInResult challenge = f.mfa.signIn().signInWithPassword(acct, "alice", ALICE_PW, "10.0.0.1");
        assertEquals(SignInResult.Status.MFA_REQUIRED, challenge.status());
        MfaServices other = otherGateway();
        List<SignInResult.Status> otherResult = new ArrayList<>();
        heard.clear();
        kv.beforeNextCommitInto(MfaSchema.SESSIONS, () -> otherResult.add(other.signIn()
                .signInWithCode(challenge.token(), null, f.code(seed, 1), "10.0.0.2").status()));
        SignInResult lost = f.mfa.signIn().signInWithCode(challenge.token(), null, f.code(seed, 0), "10.0.0.1");
        assertEquals(List.of(SignInResult.Status.SIGNED_IN), otherResult);
        assertEquals(SignInResult.Status.FAILED, lost.status());
        assertEquals(List.of("console:SignInMfa ACCEPTED"), heard, "its code was spent; its sign-in never happened");
        // (two gateways' records of one millisecond sort by each one's sequence, so compare them sorted)
        assertEquals(List.of("console:SignIn MFA_REQUIRED", "console:SignIn OK"),
                logged(f, "console:SignIn").stream().sorted().toList(), "one session, the other gateway's");
    }

    @Test
    void aRefusedSignInWhoseRecordFailsIsHeardByNoneAndOneThatCommitsOnce() {
        heard.clear();
        assertEquals(SignInResult.Status.FAILED,
                f.mfa.signIn().signInWithPassword(acct, "alice", "wrong", "10.0.0.1").status());
        assertEquals(List.of("console:SignIn DENIED"), heard);
        heard.clear();
        failNextCommitInto(MfaSchema.AUDIT);
        assertThrows(StorageIoException.class,
                () -> f.mfa.signIn().signInWithPassword(acct, "alice", "wrong", "10.0.0.1"));
        assertEquals(List.of(), heard);
        assertEquals(List.of("console:SignIn DENIED"), logged(reopen(), "console:SignIn"));
    }

    /** A wrong code's counted failure loses its compare to another gateway; the check re-reads and is heard once. */
    @Test
    void aWrongSignInCodeWhoseFirstCommitLosesIsHeardOnceAfterTheRetry() {
        CreatedVirtualDevice d = aliceDevice();
        String serial = d.device().serialNumber();
        byte[] seed = MfaFixture.seedOf(d);
        enable(d);
        f.steps(1);
        SignInResult challenge = f.mfa.signIn().signInWithPassword(acct, "alice", ALICE_PW, "10.0.0.1");
        MfaServices other = otherGateway();
        heard.clear();
        kv.beforeNextCommitInto(MfaSchema.AUDIT, () -> other.devices().tagDevice(ACTOR, acct, serial,
                Map.of("team", "blue")));
        SignInResult r = f.mfa.signIn().signInWithCode(challenge.token(), null, f.wrongCode(seed), "10.0.0.1");
        assertFalse(kv.armed());
        assertEquals(SignInResult.Status.FAILED, r.status());
        assertEquals(List.of("console:SignInMfa INVALID"), heard);
        assertEquals(List.of("console:SignInMfa INVALID"), logged(f, "console:SignInMfa"));
        var device = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(1, device.consoleThrottle().failCount(), "counted once");
        assertEquals(Map.of("team", "blue"), device.tags(), "on the record the other gateway wrote");
    }

    @Test
    void anAcceptedCodeWhoseFirstCommitLosesIsHeardOnceAfterTheRetry() {
        CreatedVirtualDevice d = aliceDevice();
        String serial = d.device().serialNumber();
        byte[] seed = MfaFixture.seedOf(d);
        enable(d);
        f.steps(1);
        MfaServices other = otherGateway();
        heard.clear();
        kv.beforeNextCommitInto(MfaSchema.AUDIT, () -> other.devices().tagDevice(ACTOR, acct, serial,
                Map.of("team", "blue")));
        assertTrue(f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, 0), Purpose.S3_MFA_DELETE)
                .accepted());
        assertFalse(kv.armed());
        assertEquals(List.of(Purpose.S3_MFA_DELETE.auditAction() + " ACCEPTED"), heard);
        assertEquals(VerifyOutcome.INVALID, f.mfa.verifier().verify(acct, "alice", serial, f.code(seed, 0),
                Purpose.S3_MFA_DELETE).outcome());
    }

    @Test
    void aCreateAccessKeyWhoseCommitFailsIsHeardByNoListenerAndNoKeyExists() {
        heard.clear();
        failNextCommitInto(MfaSchema.AUDIT);
        assertThrows(StorageIoException.class, () -> f.mfa.identity().createAccessKey(ACTOR, acct, "alice"));
        assertEquals(List.of(), heard);
        MfaFixture g = reopen();
        assertEquals(List.of(), logged(g, "iam:CreateAccessKey"));
        assertTrue(g.mfa.identity().listAccessKeys(acct, "alice", null, null).items().isEmpty());
    }

    @Test
    void aCreateAccessKeyThatCommitsIsHeardExactlyOnce() {
        heard.clear();
        f.mfa.identity().createAccessKey(ACTOR, acct, "alice");
        assertEquals(List.of("iam:CreateAccessKey OK"), heard);
        assertEquals(1, f.mfa.identity().listAccessKeys(acct, "alice", null, null).items().size());
    }
}
