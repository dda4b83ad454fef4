package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.testkit.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SECURITY.md AC2: a commit whose answer is lost (the connection reset under it, or no answer in time) has a known
 * outcome: applied (reported as done, after-commit actions once) or fenced (reported as failed, and never applied
 * afterwards, even when the request reaches etcd later). Real etcd, answers lost by {@link HoldingProxy}: the
 * request held on the wire, etcd's answer dropped, the client's connection cut.
 */
class EtcdCommitOutcomeTest {
    private static final String A = "t.a";
    private static final AtomicInteger RUN = new AtomicInteger();
    private static final Pattern COMMIT_ID = Pattern.compile("etcd commit ([0-9a-f]{32})");
    @TempDir
    static Path dir;
    private static EtcdServer etcd;
    private HoldingProxy proxy;
    private EtcdKvStore kv;
    private EtcdKvStore direct;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start("EtcdCommitOutcomeTest", dir.resolve("etcd"));
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        String prefix = "outcome" + RUN.incrementAndGet() + "/";
        proxy = new HoldingProxy(etcd.endpoint());
        kv = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(proxy.endpoint())).withPrefix(prefix)
                .withTimeout(Duration.ofSeconds(3)));
        direct = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())).withPrefix(prefix)
                .withTimeout(Duration.ofSeconds(5)));
        await(() -> kv.available() && direct.available(), "stores connect");
        // the connection the next commit travels on
        kv.write(t -> t.put(A, b("warm"), b("1")));
    }

    @AfterEach
    void disconnect() throws Exception {
        kv.close();
        direct.close();
        proxy.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Polls (bounded) for a state other threads or etcd reach; never a timing assertion. */
    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (done.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never happened: " + what);
    }

    private static String commitId(Throwable e) {
        Matcher m = COMMIT_ID.matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        return m.group(1);
    }

    @Test
    void appliedButAnswerLostIsReportedDoneAndItsActionsRunOnce() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        proxy.dropAnswers();
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> kv.commit(new KvTxn()
                .expectAbsent(A, b("k")).put(A, b("k"), b("v")).afterCommit(heard::incrementAndGet)));
        await(() -> direct.get(A, b("k")).isPresent(), "etcd applies the commit");
        assertEquals(0, heard.get(), "no answer yet: nobody heard it");
        proxy.cutClients();
        assertTrue(result.get(30, TimeUnit.SECONDS), "applied: reported as done");
        assertEquals(1, heard.get(), "its after-commit action ran once");
        assertEquals(1, kv.lostAnswers());
        assertEquals(0, kv.unknownOutcomes());
        // the same write again (a client retrying what it believes failed) meets its own first write
        assertFalse(kv.commit(new KvTxn().expectAbsent(A, b("k")).put(A, b("k"), b("again"))));
        assertEquals("v", new String(kv.get(A, b("k")).orElseThrow(), StandardCharsets.UTF_8));
        assertEquals(1, heard.get());
    }

    @Test
    void fencedBeforeItAppliedIsReportedFailedAndNeverAppliesLater() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        proxy.holdRequests();
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> kv.commit(new KvTxn()
                .expectAbsent(A, b("k")).put(A, b("k"), b("v")).afterCommit(heard::incrementAndGet)));
        await(() -> proxy.heldBytes() > 60, "the request is on the wire, held");
        proxy.cutClients();
        Throwable e = assertThrows(Exception.class, () -> result.get(30, TimeUnit.SECONDS)).getCause();
        assertTrue(e instanceof KvStateUnavailableException, String.valueOf(e));
        assertTrue(e.getMessage().contains("fenced: not applied"), e.getMessage());
        assertEquals(Optional.of("f"), kv.marker(commitId(e)));
        // the request arrives now, long after the client gave up, with its conditions still holding
        long answered = proxy.answeredBytes();
        proxy.releaseAll();
        await(() -> proxy.answeredBytes() > answered, "etcd answers the late request");
        assertTrue(direct.get(A, b("k")).isEmpty(), "a fenced commit never applies");
        assertEquals(0, heard.get());
        assertEquals(Optional.of("f"), kv.marker(commitId(e)));
    }

    /** Marker gone with its lease (as after 240-300 s): the late request still fails, on the lease. */
    @Test
    void aLateRequestWhoseMarkerLeaseIsGoneIsRefused() throws Exception {
        proxy.holdRequests();
        CompletableFuture<Boolean> result = CompletableFuture.supplyAsync(() -> kv.commit(new KvTxn()
                .expectAbsent(A, b("k")).put(A, b("k"), b("v"))));
        await(() -> proxy.heldBytes() > 60, "the request is on the wire, held");
        proxy.cutClients();
        Throwable e = assertThrows(Exception.class, () -> result.get(30, TimeUnit.SECONDS)).getCause();
        assertTrue(e.getMessage().contains("fenced: not applied"), e.getMessage());
        kv.revokeMarkerLease();
        assertEquals(Optional.empty(), kv.marker(commitId(e)), "the marker went with its lease");
        long answered = proxy.answeredBytes();
        proxy.releaseAll();
        await(() -> proxy.answeredBytes() > answered, "etcd answers the late request");
        assertTrue(direct.get(A, b("k")).isEmpty(), "refused: its marker's lease does not exist");
        // and the store goes on with a new lease
        assertTrue(kv.commit(new KvTxn().expectAbsent(A, b("k2")).put(A, b("k2"), b("v"))));
    }

    /**
     * Etcd paused (SIGSTOP) under a commit: no answer within the deadline; resumed while the commit fences it:
     * whichever of the request and the fence etcd takes first decides, and the report says which: done (and heard
     * once, and stored) or failed (never heard, never stored, also after the fences settle).
     */
    @Test
    void aCommitTimedOutOnAPausedEtcdIsReportedAsItEnded() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        etcd.pause();
        CompletableFuture<Boolean> result;
        try {
            result = CompletableFuture.supplyAsync(() -> kv.commit(new KvTxn()
                    .expectAbsent(A, b("k")).put(A, b("k"), b("v")).afterCommit(heard::incrementAndGet)));
            await(() -> kv.lostAnswers() == 1, "the commit's deadline passes");
        } finally {
            etcd.resume();
        }
        boolean done;
        try {
            done = result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(e.getCause() instanceof KvStateUnavailableException, String.valueOf(e.getCause()));
            done = false;
        }
        await(() -> kv.pendingFences() == 0, "any background fence is answered");
        boolean stored = direct.get(A, b("k")).isPresent();
        if (kv.unknownOutcomes() == 0) {
            assertEquals(done, stored, "reported as it ended");
        }
        assertEquals(stored ? 1 : 0, heard.get(), "heard once if and only if stored");
    }

    /** Markers go on a 300 s lease, never renewed, replaced after 60 s by the store's clock. */
    @Test
    void markerLeasesRotateByTheClock() throws Exception {
        MutableClock clock = new MutableClock();
        try (EtcdKvStore rotating = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                .withPrefix("rotating" + RUN.incrementAndGet() + "/"), clock)) {
            assertTrue(rotating.commit(new KvTxn().put(A, b("k"), b("1"))));
            long[] first = rotating.markerLeaseAndTtl();
            assertTrue(first[1] > 240 && first[1] <= 300, "ttl " + first[1]);
            clock.advance(Duration.ofSeconds(59));
            assertEquals(first[0], rotating.markerLeaseAndTtl()[0], "the same lease within 60 s");
            clock.advance(Duration.ofSeconds(1));
            long[] second = rotating.markerLeaseAndTtl();
            assertTrue(second[0] != first[0], "a new lease after 60 s");
            assertTrue(rotating.commit(new KvTxn().put(A, b("k"), b("2"))));
        }
    }

    private static final class MutableClock extends java.time.Clock {
        private java.time.Instant now = java.time.Instant.parse("2026-12-03T20:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** An error etcd answers before applying anything (here: request too large) is a failure, not a lost answer. */
    @Test
    void aRefusalIsNotFenced() {
        KvStateUnavailableException e = assertThrows(KvStateUnavailableException.class, () -> kv.commit(new KvTxn()
                .put(A, b("big"), new byte[1800 * 1024])));
        assertTrue(e.getMessage().contains("etcd txn failed"), e.getMessage());
        assertEquals(0, kv.lostAnswers());
        assertTrue(direct.get(A, b("big")).isEmpty());
    }

    /**
     * The attacker with a stolen key and one MFA code: the commit that spends the code (the device's last used
     * step moves 100 -> 101 and a version goes) loses its answer; the client retries with the same code while the
     * first request is still on the wire, then the first arrives. The code is accepted once, the version goes once.
     */
    @Test
    void anMfaCodeWhoseSpendingLostItsAnswerIsAcceptedOnce() throws Exception {
        kv.write(t -> t.put(A, b("mfa/dev"), b("step=100")).put(A, b("ver/1"), b("data")));
        AtomicInteger accepted = new AtomicInteger();
        proxy.holdRequests();
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> kv.commit(spend(accepted)));
        await(() -> proxy.heldBytes() > 60, "the spending request is on the wire, held");
        proxy.cutClients();
        Throwable e = assertThrows(Exception.class, () -> first.get(30, TimeUnit.SECONDS)).getCause();
        assertTrue(e instanceof KvStateUnavailableException, String.valueOf(e));
        // the retry with the same code: the first never counted, so this is the code's one use
        assertTrue(kv.commit(spend(accepted)));
        long answered = proxy.answeredBytes();
        proxy.releaseAll();
        await(() -> proxy.answeredBytes() > answered, "etcd answers the first request, late");
        // a third try with the same code fails on the step
        assertFalse(kv.commit(spend(accepted)));
        assertEquals(1, accepted.get(), "the code was accepted once");
        assertEquals("step=101", new String(direct.get(A, b("mfa/dev")).orElseThrow(), StandardCharsets.UTF_8));
        assertTrue(direct.get(A, b("ver/1")).isEmpty());
    }

    private static KvTxn spend(AtomicInteger accepted) {
        return new KvTxn().expect(A, b("mfa/dev"), b("step=100")).put(A, b("mfa/dev"), b("step=101"))
                .delete(A, b("ver/1")).afterCommit(accepted::incrementAndGet);
    }

    /**
     * Etcd unreachable past the fence's bound: 503 with the outcome unknown, counted; the fence goes on in the
     * background and, once etcd answers, settles it: applied with its actions run once, or fenced and absent.
     */
    @Test
    void anUnknownOutcomeIsSettledInTheBackground() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        proxy.holdRequests();
        proxy.holdNewConnections();
        Throwable e = assertThrows(KvStateUnavailableException.class, () -> kv.commit(new KvTxn()
                .expectAbsent(A, b("k")).put(A, b("k"), b("v")).afterCommit(heard::incrementAndGet)));
        assertTrue(e.getMessage().contains("outcome unknown"), e.getMessage());
        assertEquals(1, kv.unknownOutcomes());
        assertEquals(1, kv.pendingFences());
        assertEquals(0, heard.get());
        proxy.releaseAll();
        await(() -> kv.pendingFences() == 0, "the background fence is answered");
        String marker = kv.marker(commitId(e)).orElseThrow();
        boolean applied = direct.get(A, b("k")).isPresent();
        assertEquals(applied ? "c" : "f", marker);
        assertEquals(applied ? 1 : 0, heard.get(), "heard once if and only if it applied");
    }
}
