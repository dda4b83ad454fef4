package dev.dualkey.mfa.device;

import static dev.dualkey.mfa.testing.MfaFixture.ACTOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.mfa.testing.MfaFixture;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MfaVerifierTest {
    @TempDir
    Path dir;
    MfaFixture f;
    MfaVerifier verifier;
    String acct;
    String serial;
    byte[] seed;

    @BeforeEach
    void open() {
        f = new MfaFixture(dir);
        verifier = f.mfa.verifier();
        acct = f.mfa.identity().bootstrap(null, null, null).account().accountId();
        CreatedVirtualDevice d = f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "root-mfa", null, null);
        serial = d.device().serialNumber();
        seed = MfaFixture.seedOf(d);
        f.mfa.devices().enable(ACTOR, acct, "root", serial, f.code(seed, -1), f.code(seed, 0));
        f.steps(1);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private VerifyResult check(String code) {
        return verifier.verify(acct, "root", serial, code, Purpose.S3_MFA_DELETE);
    }

    @Test
    void acceptsOnceThenRefusesTheSameAndEarlierSteps() {
        String current = f.code(seed, 0);
        VerifyResult ok = check(current);
        assertTrue(ok.accepted());
        assertEquals(TotpGenerator.stepOf(f.clock.instant()), ok.step().getAsLong());
        assertEquals(VerifyOutcome.INVALID, check(current).outcome(), "replay");
        assertEquals(VerifyOutcome.INVALID, verifier.verify(acct, "root", serial, current, Purpose.CONSOLE_SIGN_IN)
                .outcome(), "replay across purposes");
        f.steps(1);
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, -1)).outcome(), "earlier step after a later one");
        assertTrue(check(f.code(seed, 1)).accepted(), "next step within the window");
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, 0)).outcome(), "step before the last accepted");
    }

    @Test
    void aRidingCheckSpendsTheCodeInTheDeletesBatchAndAReplayWaitsAndIsRefused() throws Exception {
        assertTrue(verifier.canRideIn(f.db), "the state is in this database");
        String current = f.code(seed, 0);
        WriteRide ride = new WriteRide(f.db);
        assertTrue(verifier.verifyRiding(acct, "root", serial, current, Purpose.S3_MFA_DELETE, AuditContext.none(),
                ride).accepted());
        assertTrue(ride.pending(), "the spent step rides until the delete's write");
        // A replay from another request before the delete's write: it waits for the device record's stripe, then
        // loses its compare-and-set, re-reads and sees the step spent.
        CompletableFuture<VerifyResult> replay = CompletableFuture.supplyAsync(() -> check(current));
        f.db.write(ride, batch -> { }); // the delete's write (empty here: the ride alone makes the batch)
        assertTrue(ride.written());
        ride.settle();
        assertEquals(VerifyOutcome.INVALID, replay.get(60, TimeUnit.SECONDS).outcome());
        assertEquals(VerifyOutcome.INVALID, check(current).outcome(), "replay after the settle");
    }

    @Test
    void aRideNobodyWroteIsSpentBySettleAndARefusedCodeNeverRides() {
        String current = f.code(seed, 0);
        WriteRide alone = new WriteRide(f.db);
        assertTrue(verifier.verifyRiding(acct, "root", serial, current, Purpose.S3_MFA_DELETE, AuditContext.none(),
                alone).accepted());
        alone.settle(); // no write took it (the version was not there): written on its own
        assertEquals(VerifyOutcome.INVALID, check(current).outcome(), "spent without any delete");
        WriteRide replayed = new WriteRide(f.db);
        assertEquals(VerifyOutcome.INVALID, verifier.verifyRiding(acct, "root", serial, current,
                Purpose.S3_MFA_DELETE, AuditContext.none(), replayed).outcome(), "replay through the riding path");
        assertFalse(replayed.pending(), "a refusal is written at once, synced");
        replayed.settle();
    }

    @Test
    void aRideForAnotherDatabaseIsNeverUsedTheCodeIsSpentBeforeReturning() {
        try (RocksDatabase other = RocksDatabase.open(dir.resolve("other"), MfaSchema.FAMILIES)) {
            assertFalse(verifier.canRideIn(other));
            String current = f.code(seed, 0);
            WriteRide ride = new WriteRide(other);
            assertTrue(verifier.verifyRiding(acct, "root", serial, current, Purpose.S3_MFA_DELETE,
                    AuditContext.none(), ride).accepted());
            assertFalse(ride.pending(), "nothing rides in a database the state is not in");
            assertEquals(VerifyOutcome.INVALID, check(current).outcome(), "spent before the delete could begin");
            ride.settle();
        }
    }

    @Test
    void windowIsOneStepAroundDrift() {
        f.steps(2); // the step just before now was not consumed by Enable
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, 2)).outcome());
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, -2)).outcome());
        assertTrue(check(f.code(seed, -1)).accepted());
    }

    @Test
    void unknownSerialOtherUserOrOtherAccountIsInvalid() {
        assertEquals(VerifyOutcome.INVALID, verifier.verify(acct, "root", "GAHT00000000", f.code(seed, 0),
                Purpose.S3_MFA_DELETE).outcome());
        f.mfa.identity().createUser(ACTOR, acct, null, "alice", null);
        assertEquals(VerifyOutcome.INVALID, verifier.verify(acct, "alice", serial, f.code(seed, 0),
                Purpose.S3_MFA_DELETE).outcome());
        String other = f.mfa.identity().createAccount(ACTOR, null).account().accountId();
        assertEquals(VerifyOutcome.INVALID, verifier.verify(other, "root", serial, f.code(seed, 0),
                Purpose.S3_MFA_DELETE).outcome());
        assertTrue(check(f.code(seed, 0)).accepted(), "foreign attempts neither consume nor lock the device");
    }

    @Test
    void fiveFailuresInOneStepLockTheDeviceWithGrowingBackOff() {
        String wrong = f.wrongCode(seed);
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            assertEquals(VerifyOutcome.INVALID, check(wrong).outcome());
        }
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "valid code not even evaluated");
        assertEquals("LOCKED", last().outcome());
        assertTrue(last().reason().startsWith("5 wrong codes in a step (API)"), last().reason());
        f.clock.advance(Duration.ofSeconds(31));
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            check(f.wrongCode(seed));
        }
        f.clock.advance(Duration.ofSeconds(31));
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "second lockout lasts 60 s");
        f.clock.advance(Duration.ofSeconds(30));
        assertTrue(check(f.code(seed, 0)).accepted());
        assertEquals(0, f.mfa.store().devices().get(serial).orElseThrow().apiThrottle().lockLevel(),
                "success resets back-off");
        assertEquals(10, DeviceThrottle.failuresInWindow(f.mfa.store().devices().get(serial).orElseThrow(),
                DeviceThrottle.Lane.API, f.clock.instant()), "but not the rolling count");
    }

    @Test
    void replayedCodesAreRefusedButNeverCountedTowardLockout() {
        String seen = f.code(seed, 0);
        assertTrue(check(seen).accepted());
        for (int i = 0; i < 50; i++) {
            assertEquals(VerifyOutcome.INVALID, check(seen).outcome(), "replay " + i);
            assertEquals("replayed code", last().reason());
        }
        for (int i = 0; i < 10; i++) {
            assertEquals(VerifyOutcome.INVALID, check("12a45" + i).outcome());
        }
        DeviceRecord d = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(0, d.apiThrottle().failCount());
        assertEquals(0, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, f.clock.instant()));
        f.steps(1);
        assertTrue(check(f.code(seed, 0)).accepted(), "the owner's next fresh code still works");
    }

    @Test
    void anOldAcceptedCodeReplayedLongAfterItsWindowIsStillNoGuess() {
        String seen = f.code(seed, 0);
        assertTrue(check(seen).accepted());
        for (int hour = 1; hour <= 30; hour++) {
            f.clock.advance(Duration.ofHours(1));
            assertEquals(VerifyOutcome.INVALID, check(seen).outcome(), "replay after " + hour + " h");
            assertEquals("replayed code", last().reason());
        }
        DeviceRecord d = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(0, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, f.clock.instant()));
        assertTrue(check(f.code(seed, 0)).accepted());
    }

    @Test
    void twentyWrongCodesInTwentyFourHoursLockTheApiLaneUntilTheWindowRolls() {
        Instant first = f.clock.instant();
        // 4 per step: under the per-step lock, so only the rolling bound can stop them
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_WINDOW; i++) {
            if (i > 0 && i % 4 == 0) {
                f.clock.advance(Duration.ofMinutes(30));
            }
            assertEquals(VerifyOutcome.INVALID, check(f.wrongCode(seed)).outcome(), "guess " + i);
        }
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "refused unevaluated");
        assertEquals("LOCKED", last().outcome());
        assertTrue(last().reason().startsWith("20 wrong codes in 24 h (API)"), last().reason());
        f.clock.advance(Duration.ofHours(20));
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "still inside 24 h");
        // the console counts apart: the owner signs in meanwhile
        assertTrue(verifier.verify(acct, "root", serial, f.code(seed, 0), Purpose.CONSOLE_SIGN_IN).accepted());
        f.clock.set(first.plus(Duration.ofHours(24)).minusSeconds(1));
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "one second before it rolls");
        f.clock.set(first.plus(Duration.ofHours(24)));
        // the first 4 failures left the window: 4 more guesses, then locked again
        for (int i = 0; i < 4; i++) {
            assertEquals(VerifyOutcome.INVALID, check(f.wrongCode(seed)).outcome(), "rolled guess " + i);
        }
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "bound reached again");
        f.clock.advance(Duration.ofMinutes(30));
        assertTrue(check(f.code(seed, 0)).accepted(), "the next 4 rolled out: open");
    }

    @Test
    void consoleSignInCountsApartFromTheApi() {
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            check(f.wrongCode(seed));
        }
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "API lane locked");
        assertTrue(verifier.verify(acct, "root", serial, f.code(seed, 0), Purpose.CONSOLE_SIGN_IN).accepted(),
                "console sign-in unaffected");
        f.steps(1);
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            verifier.verify(acct, "root", serial, f.wrongCode(seed), Purpose.CONSOLE_SIGN_IN);
        }
        assertEquals(VerifyOutcome.THROTTLED, verifier.verify(acct, "root", serial, f.code(seed, 0),
                Purpose.CONSOLE_SIGN_IN).outcome(), "the console has its own bound");
        assertEquals("LOCKED", last().outcome());
        assertTrue(last().reason().contains("(CONSOLE)"), last().reason());
    }

    @Test
    void throttleStateSurvivesARestart() {
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP; i++) {
            check(f.wrongCode(seed));
        }
        f.close();
        f = new MfaFixture(dir);
        f.clock.set(MfaFixture.START.plusSeconds(15)); // same step, 15 s into the 30 s lock
        verifier = f.mfa.verifier();
        assertEquals(VerifyOutcome.THROTTLED, check(f.code(seed, 0)).outcome(), "still locked after reopening");
        DeviceRecord d = f.mfa.store().devices().get(serial).orElseThrow();
        assertEquals(5, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, f.clock.instant()));
    }

    private AuditRecord last() {
        List<AuditRecord> all = f.mfa.audit().read(Instant.EPOCH, 100_000);
        return all.get(all.size() - 1);
    }

    @Test
    void fewerThanFiveFailuresPerStepDoNotLock() {
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_STEP - 1; i++) {
                check("99999x");
            }
            f.steps(1);
        }
        assertTrue(check(f.code(seed, 0)).accepted());
    }

    @Test
    void concurrentUseOfOneCodeHasExactlyOneWinner() throws Exception {
        String code = f.code(seed, 0);
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<VerifyResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return verifier.verify(acct, "root", serial, code, Purpose.S3_MFA_DELETE);
                }));
            }
            start.countDown();
            int accepted = 0;
            for (Future<VerifyResult> r : results) {
                if (r.get().accepted()) {
                    accepted++;
                }
            }
            assertEquals(1, accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyCheckIsAuditedWithContextButNeverTheCode() {
        String code = f.code(seed, 0);
        Instant from = f.clock.instant();
        AuditContext ctx = new AuditContext("arn:aws:iam::" + acct + ":root", "AKIAEXAMPLE", "s3:DeleteObjectVersion",
                "bucket", "key", "v1", "10.1.2.3");
        verifier.verify(acct, "root", serial, code, Purpose.S3_MFA_DELETE, ctx);
        verifier.verify(acct, "root", serial, code, Purpose.S3_MFA_DELETE, ctx);
        List<AuditRecord> recs = f.mfa.audit().read(from, 10);
        assertEquals(2, recs.size());
        assertEquals("ACCEPTED", recs.get(0).outcome());
        assertEquals("INVALID", recs.get(1).outcome());
        assertEquals("replayed code", recs.get(1).reason());
        AuditRecord r = recs.get(0);
        assertEquals(List.of(acct, "AKIAEXAMPLE", "s3:DeleteObjectVersion", "bucket", "key", "v1", serial, "10.1.2.3"),
                List.of(r.accountId(), r.accessKeyId(), r.action(), r.bucket(), r.key(), r.versionId(),
                        r.deviceSerial(), r.clientAddress()));
        for (AuditRecord a : f.mfa.audit().read(Instant.EPOCH, 1000)) {
            assertFalse(a.toString().contains(code), a.toString());
        }
    }

    // Issue 19: the checks remember each device's decoded record with the bytes it came from (DeviceRecordMemo).
    // These try to make a remembered record decide after the device changed.

    @Test
    void aDeviceDeactivatedAfterItsRecordWasRememberedRefusesItsNextCodeAtOnce() {
        String first = f.code(seed, 0);
        long spent = check(first).step().getAsLong();
        assertEquals(1, verifier.rememberedDevices(), "the check remembered the device's record");
        f.mfa.devices().deactivate(ACTOR, acct, "root", serial);
        f.steps(1);
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, 0)).outcome(), "deactivated: a fresh code");
        assertEquals(VerifyOutcome.INVALID, check(first).outcome(), "deactivated: the replay");
        DeviceRecord d = f.mfa.store().devices().get(serial).orElseThrow();
        assertFalse(d.assigned());
        assertEquals(spent, d.lastUsedStep(), "nothing accepted after the deactivation");
    }

    @Test
    void aReplacedDeviceIsCheckedWithItsNewSeedOnly() {
        assertTrue(check(f.code(seed, 0)).accepted());
        f.mfa.devices().deactivate(ACTOR, acct, "root", serial);
        f.mfa.devices().deleteVirtualDevice(ACTOR, acct, serial);
        CreatedVirtualDevice again = f.mfa.devices().createVirtualDevice(ACTOR, acct, null, "root-mfa", null, null);
        assertEquals(serial, again.device().serialNumber(), "same name, same serial");
        byte[] newSeed = MfaFixture.seedOf(again);
        f.steps(1);
        f.mfa.devices().enable(ACTOR, acct, "root", serial, f.code(newSeed, -1), f.code(newSeed, 0));
        f.steps(1);
        assertEquals(VerifyOutcome.INVALID, check(f.code(seed, 0)).outcome(), "the replaced device's seed");
        assertTrue(check(f.code(newSeed, 0)).accepted(), "the new seed");
    }

    @Test
    void aStepSpentBehindTheRememberedRecordIsAReplay() {
        assertTrue(check(f.code(seed, 0)).accepted());
        f.steps(1);
        String code = f.code(seed, 0);
        // another gateway sharing the state (or any writer that does not go through this verifier) spends the step
        DeviceRecord d = f.mfa.store().devices().get(serial).orElseThrow();
        f.mfa.store().devices().put(serial, d.accepted(TotpGenerator.stepOf(f.clock.instant())));
        assertEquals(VerifyOutcome.INVALID, check(code).outcome(), "spent elsewhere: refused here");
        assertEquals(VerifyOutcome.INVALID, verifier.verifyRiding(acct, "root", serial, code, Purpose.S3_MFA_DELETE,
                AuditContext.none(), new WriteRide(f.db)).outcome(), "and through the riding path");
    }

    @Test
    void anAcceptedCodeIsRefusedAfterARestart() {
        String code = f.code(seed, 0);
        assertTrue(check(code).accepted());
        f.close();
        f = new MfaFixture(dir);
        f.clock.set(MfaFixture.START.plusSeconds(30)); // the step the code was accepted in
        verifier = f.mfa.verifier();
        assertEquals(VerifyOutcome.INVALID, check(code).outcome());
    }
}
