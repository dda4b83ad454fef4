package dev.dualkey.mfa.session;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.NewAccessKey;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.testing.MfaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionCredentialServiceTest {
    private static final AuditContext CTX = new AuditContext("arn:aws:iam::000000000000:root", "AKIAROOT", null,
            null, null, null, "127.0.0.1");

    @TempDir
    Path dir;
    MfaFixture f;
    SessionCredentialService sessions;
    String acct;
    String rootKey;
    NewAccessKey aliceKey;
    String rootSerial;
    byte[] rootSeed;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        sessions = f.mfa.sessions();
        var boot = f.mfa.identity().bootstrap(null, null, null);
        acct = boot.account().accountId();
        rootKey = boot.generatedAccessKey().orElseThrow().accessKeyId();
        f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
        aliceKey = f.mfa.identity().createAccessKey(ACTOR, acct, "alice");
        CreatedVirtualDevice d = f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "root-mfa", null, null);
        rootSerial = d.device().serialNumber();
        rootSeed = MfaFixture.seedOf(d);
        f.mfa.devices().enable(ACTOR, acct, "root", rootSerial, f.code(rootSeed, -1), f.code(rootSeed, 0));
        f.steps(1);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void sessionWithoutMfaResolvesToItsUserAndChecksTheToken() {
        Instant now = f.clock.instant();
        SessionCredentials s = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofSeconds(7200), null,
                null, CTX);
        assertTrue(s.accessKeyId().matches("ASIA[A-Z2-7]{16}"), s.accessKeyId());
        assertEquals(40, s.secretAccessKey().length());
        assertTrue(s.sessionToken().length() >= 100, "a long opaque token");
        assertNull(s.mfaAuthenticatedAt());
        assertEquals(now.getEpochSecond() + 7200, s.expiration().getEpochSecond());

        ResolvedSession r = sessions.find(s.accessKeyId()).orElseThrow();
        assertEquals("alice", r.caller().userName());
        assertEquals(acct, r.caller().accountId());
        assertFalse(r.caller().root());
        assertEquals(s.secretAccessKey(), r.secretAccessKey());
        assertTrue(r.tokenMatches(s.sessionToken()));
        assertFalse(r.tokenMatches(s.sessionToken() + "x"));
        assertFalse(r.tokenMatches(s.sessionToken().substring(1)));
        assertFalse(r.tokenMatches(null));
        assertFalse(r.expired());
        assertNull(r.mfaAuthenticatedAt());
        assertFalse(r.toString().contains(s.secretAccessKey()));
        assertFalse(s.toString().contains(s.sessionToken()));
    }

    @Test
    void unknownAndLongTermIdsAreNotSessions() {
        assertTrue(sessions.find("ASIAAAAAAAAAAAAAAAAA").isEmpty());
        assertTrue(sessions.find(aliceKey.accessKeyId()).isEmpty());
        assertTrue(sessions.find(null).isEmpty());
    }

    @Test
    void durationDefaultsBoundsAndRootsOneHourCap() {
        Instant now = f.clock.instant();
        assertThrows(IllegalArgumentException.class, () -> sessions.getSessionToken(aliceKey.accessKeyId(),
                Duration.ofSeconds(899), null, null, CTX));
        assertThrows(IllegalArgumentException.class, () -> sessions.getSessionToken(aliceKey.accessKeyId(),
                Duration.ofSeconds(129_601), null, null, CTX));
        SessionCredentials longest = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofSeconds(129_600),
                null, null, CTX);
        assertEquals(now.getEpochSecond() + 129_600, longest.expiration().getEpochSecond());
        SessionCredentials root = sessions.getSessionToken(rootKey, SessionCredentialService.DEFAULT_DURATION, null,
                null, CTX);
        assertEquals(now.getEpochSecond() + 3600, root.expiration().getEpochSecond(), "root: at most one hour");
        assertTrue(sessions.find(root.accessKeyId()).orElseThrow().caller().root());
    }

    @Test
    void sessionCredentialsCannotMakeSessions() {
        SessionCredentials s = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofHours(1), null, null,
                CTX);
        assertThrows(IllegalArgumentException.class, () -> sessions.getSessionToken(s.accessKeyId(),
                Duration.ofHours(1), null, null, CTX));
        assertThrows(IllegalArgumentException.class, () -> sessions.getSessionToken(aliceKey.accessKeyId(),
                Duration.ofHours(1), rootSerial, null, CTX), "serial without code");
    }

    @Test
    void codeIsCheckedSpentOnceAndAudited() {
        String code = f.code(rootSeed, 0);
        Instant now = f.clock.instant();
        SessionCredentials s = sessions.getSessionToken(rootKey, Duration.ofHours(1), rootSerial, code, CTX);
        assertEquals(now, s.mfaAuthenticatedAt());
        assertEquals(now, sessions.find(s.accessKeyId()).orElseThrow().mfaAuthenticatedAt());

        SessionMfaException replay = assertThrows(SessionMfaException.class,
                () -> sessions.getSessionToken(rootKey, Duration.ofHours(1), rootSerial, code, CTX));
        assertEquals(SessionMfaException.Reason.INVALID_CODE, replay.reason());
        String wrong = code.equals("000000") ? "111111" : "000000";
        f.steps(1);
        assertEquals(SessionMfaException.Reason.INVALID_CODE, assertThrows(SessionMfaException.class,
                () -> sessions.getSessionToken(rootKey, Duration.ofHours(1), rootSerial, wrong, CTX)).reason());
        // alice cannot use root's device, and an unknown serial says the same
        assertEquals(SessionMfaException.Reason.UNKNOWN_SERIAL, assertThrows(SessionMfaException.class,
                () -> sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofHours(1), rootSerial,
                        f.code(rootSeed, 0), CTX)).reason());
        assertEquals(SessionMfaException.Reason.UNKNOWN_SERIAL, assertThrows(SessionMfaException.class,
                () -> sessions.getSessionToken(rootKey, Duration.ofHours(1), "arn:aws:iam::" + acct
                        + ":mfa/nothing", f.code(rootSeed, 0), CTX)).reason());
        // the code alice tried was not spent: root can still use it
        assertTrue(sessions.getSessionToken(rootKey, Duration.ofHours(1), rootSerial, f.code(rootSeed, 0), CTX)
                .mfaAuthenticatedAt() != null);

        List<AuditRecord> log = f.mfa.audit().read(Instant.EPOCH, 1000).stream()
                .filter(r -> "sts:GetSessionToken".equals(r.action())).toList();
        assertEquals(List.of("ACCEPTED", "OK", "INVALID", "INVALID", "INVALID", "INVALID", "ACCEPTED", "OK"),
                log.stream().map(AuditRecord::outcome).toList());
        for (AuditRecord r : log) {
            assertEquals(CTX.principal(), r.principal());
            assertFalse(String.valueOf(r).contains(code), "never the code: " + r);
        }
    }

    @Test
    void expiredSessionsAreRefusedThenSwept() {
        SessionCredentials s = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofSeconds(900), null,
                null, CTX);
        f.clock.advance(Duration.ofSeconds(899));
        assertFalse(sessions.find(s.accessKeyId()).orElseThrow().expired());
        f.clock.advance(Duration.ofSeconds(1));
        assertTrue(sessions.find(s.accessKeyId()).orElseThrow().expired(), "expired at its expiration");
        assertEquals(0, sessions.sweepExpired(100), "kept a day so that its holder hears ExpiredToken");
        f.clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertTrue(sessions.find(s.accessKeyId()).orElseThrow().expired());
        // the next issue sweeps it
        sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofSeconds(900), null, null, CTX);
        assertTrue(sessions.find(s.accessKeyId()).isEmpty());
        assertTrue(f.mfa.store().sessionCredentials().get(s.accessKeyId()).isEmpty());
    }

    @Test
    void sessionEndsWithItsSourceKeyAndItsUser() {
        SessionCredentials s = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofHours(1), null, null,
                CTX);
        f.mfa.identity().updateAccessKey(ACTOR, acct, "alice", aliceKey.accessKeyId(), AccessKeyStatus.Inactive);
        assertTrue(sessions.find(s.accessKeyId()).isEmpty(), "source key deactivated");
        f.mfa.identity().updateAccessKey(ACTOR, acct, "alice", aliceKey.accessKeyId(), AccessKeyStatus.Active);
        assertTrue(sessions.find(s.accessKeyId()).isPresent());

        // the user re-created under the same name (another user id) is not the session's user
        MfaStore store = f.mfa.store();
        IamUser alice = store.users().get(Keys.of(acct, "alice")).orElseThrow();
        store.users().put(Keys.of(acct, "alice"), new IamUser(acct, alice.path(), "alice", "AIDAOTHERUSER00000000",
                alice.createDate(), alice.tags(), null));
        assertTrue(sessions.find(s.accessKeyId()).isEmpty(), "user id changed");
        store.users().put(Keys.of(acct, "alice"), alice);
        assertTrue(sessions.find(s.accessKeyId()).isPresent());

        f.mfa.identity().deleteAccessKey(ACTOR, acct, "alice", aliceKey.accessKeyId());
        f.mfa.identity().deleteUser(ACTOR, acct, "alice");
        assertTrue(sessions.find(s.accessKeyId()).isEmpty(), "user and key deleted");
    }

    @Test
    void eachSessionIsDistinct() {
        SessionCredentials a = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofHours(1), null, null,
                CTX);
        SessionCredentials b = sessions.getSessionToken(aliceKey.accessKeyId(), Duration.ofHours(1), null, null,
                CTX);
        assertNotEquals(a.accessKeyId(), b.accessKeyId());
        assertNotEquals(a.sessionToken(), b.sessionToken());
        assertFalse(sessions.find(a.accessKeyId()).orElseThrow().tokenMatches(b.sessionToken()));
    }
}
