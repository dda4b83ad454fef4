package dev.dualkey.gateway.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.http.TransportLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up warm-up (issue 19) drives the real request path without a failure and leaves nothing behind: its
 * directory (store, master key, the account with its random keys) is gone when it returns (SECURITY.md W1).
 */
class WarmUpTest {
    private static final Duration BUDGET = Duration.ofMillis(1500);

    @Test
    @Timeout(120)
    void everyRequestKindIsAnsweredAndTheDirectoryIsDeleted(@TempDir Path parent) throws Exception {
        WarmUp.Result r = WarmUp.run(new WarmUp.Settings(BUDGET, 2, TransportLimits.defaults(), true, "us-east-1",
                parent, null), Clock.systemUTC());

        // every signing mode, GET/HEAD/DELETE/ListObjectsV2 and the versioned bucket answered as a client expects
        assertNull(r.firstFailure());
        assertEquals(0, r.failures());
        assertTrue(r.requests() > 3, "the driving loop ran beyond the 3 set-up requests: " + r.requests());
        assertFalse(r.jitQuiet(), "without a compilation count the whole budget is used");
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(List.of(), left.toList(), "the warm-up directory is deleted");
        }
    }

    @Test
    @Timeout(120)
    void mfaProtectedVersionDeletesAreAcceptedEachWithAFreshCode(@TempDir Path parent) throws Exception {
        WarmUp.Result r = WarmUp.run(new WarmUp.Settings(BUDGET, 2, TransportLimits.defaults(), true, "us-east-1",
                parent, null), Clock.systemUTC());

        // the device was created and enabled, the MFA Delete bucket configured, and every version delete with
        // x-amz-mfa answered 204: a code sent twice (or for a step not later than the last accepted one) would
        // have been answered 400 InvalidArgument and counted as a failure
        assertNull(r.firstFailure());
        assertEquals(0, r.failures());
        assertTrue(r.mfaDeletes() >= 2, "more than the first round's MFA delete: " + r.mfaDeletes());
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(List.of(), left.toList(), "the warm-up directory (device, seed, audit records) is deleted");
        }
    }

    @Test
    void theTotpClockStandsMidStepAndMovesOneStepAtATime() {
        WarmUpTotpClock c = new WarmUpTotpClock(1000);

        assertEquals(java.time.Instant.ofEpochSecond(1000 * 30 + 15), c.instant());
        assertEquals(1000, dev.dualkey.mfa.otp.TotpGenerator.stepOf(c.instant()));
        assertEquals(1001, c.next());
        assertEquals(1001, dev.dualkey.mfa.otp.TotpGenerator.stepOf(c.instant()));
    }

    @Test
    void afterTheWarmUpGlibcIsAskedToHandBackItsFreeMemory() {
        String answer = WarmUp.releaseMemory();

        // the JVM's System.trim_native_heap (glibc's malloc_trim) exists on Linux only; elsewhere only the GC runs
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(answer != null && answer.contains("Trim native heap"), "the JVM's answer: " + answer);
        } else {
            assertNull(answer);
        }
    }

    @Test
    @Timeout(120)
    void everyConnectionSendsOneRoundEvenIfTheBudgetIsSpentBeforeItStarts(@TempDir Path parent) throws Exception {
        // 1 ms: spent before the driving threads run; each still sends its first PUT and GET (a loaded machine
        // once left a 1.5-s warm-up with the 3 set-up requests only)
        WarmUp.Result r = WarmUp.run(new WarmUp.Settings(Duration.ofMillis(1), 2, TransportLimits.defaults(), true,
                "us-east-1", parent, null), Clock.systemUTC());

        assertNull(r.firstFailure());
        assertEquals(0, r.failures());
        assertTrue(r.requests() >= 3 + 2 * 2,
                "set-up plus a PUT and a GET per connection (PUTs and deletes of versions on connection 0): "
                        + r.requests());
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(List.of(), left.toList(), "the warm-up directory is deleted");
        }
    }

    @Test
    @Timeout(120)
    void aQuietJitEndsTheWarmUpOnlyAfterEnoughRequests(@TempDir Path parent) throws Exception {
        // a compiler that never works: quiet from the first sample; the warm-up must still serve its floor of
        // requests first (a starved warm-up once ended "JIT quiet" after 67 requests)
        WarmUp.Result r = WarmUp.run(new WarmUp.Settings(Duration.ofSeconds(4), 2, TransportLimits.defaults(), true,
                "us-east-1", parent, () -> 0L), Clock.systemUTC());

        assertEquals(0, r.failures());
        assertTrue(!r.jitQuiet() || r.requests() >= WarmUp.MIN_REQUESTS_FOR_QUIET,
                "ended on a quiet JIT after " + r.requests() + " requests");
    }

    @Test
    void aSampleIsQuietOnlyWithLittleCompilingAndNothingQueued() {
        assertTrue(WarmUp.quietSample(0, 0, 500));
        assertTrue(WarmUp.quietSample(24, 0, 500));
        assertFalse(WarmUp.quietSample(25, 0, 500), "compilers busy a twentieth of the sample");
        // a long C2 compilation: no compile time added yet, but one method being compiled
        assertFalse(WarmUp.quietSample(0, 1, 500), "a compilation running or queued");
    }

    @Test
    void theCompileQueueIsCountedFromTheDiagnosticCommandsAnswer() {
        String busy = "Current compiles: \nC2 CompilerThread0  1136   !   4       a.B::c (497 bytes)\n\n"
                + "C1 compile queue:\nEmpty\n\nC2 compile queue:\n1129       4       a.B::d (24 bytes)\n"
                + "1130       4       a.E::f (106 bytes)\n\n";
        assertEquals(3, WarmUp.countQueued(busy));
        assertEquals(0, WarmUp.countQueued("Current compiles: \n\nC1 compile queue:\nEmpty\n\n"
                + "C2 compile queue:\nEmpty\n\n"));
        assertTrue(WarmUp.pendingCompiles() >= 0, "HotSpot answers Compiler.queue");
        if (Files.isDirectory(Path.of("/proc/self/task"))) {
            assertTrue(WarmUp.compilerThreadsCpuMillis() >= 0, "compiler threads found under /proc/self/task");
        }
    }

    @Test
    void aZeroBudgetDoesNothing(@TempDir Path parent) throws Exception {
        WarmUp.Result r = WarmUp.run(new WarmUp.Settings(Duration.ZERO, 2, TransportLimits.defaults(), true,
                "us-east-1", parent, null), Clock.systemUTC());

        assertEquals(0, r.requests());
        try (Stream<Path> left = Files.list(parent)) {
            assertEquals(0, left.count(), "nothing is created");
        }
    }

    @Test
    void aBudgetOverTheLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new WarmUp.Settings(Duration.ofSeconds(121), 2,
                TransportLimits.defaults(), true, "us-east-1", null, null));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp.Settings(Duration.ofSeconds(-1), 2,
                TransportLimits.defaults(), true, "us-east-1", null, null));
    }

    @Test
    void directoriesLeftByDeadProcessesAreRemovedOthersKept(@TempDir Path parent) throws Exception {
        long dead = deadPid();
        Path stale = Files.createDirectories(parent.resolve(WarmUp.DIR_PREFIX + dead + "-123/data"));
        Files.writeString(stale.resolve("master.key"), "x");
        Path mine = Files.createDirectory(parent.resolve(WarmUp.DIR_PREFIX + ProcessHandle.current().pid() + "-9"));
        Path other = Files.createDirectory(parent.resolve("dualkey-serve-1"));
        Path odd = Files.createDirectory(parent.resolve(WarmUp.DIR_PREFIX + "notapid"));

        WarmUp.removeStale(parent);

        assertFalse(Files.exists(stale.getParent()), "a dead process's warm-up directory is deleted");
        assertTrue(Files.isDirectory(mine), "this process's own is kept");
        assertTrue(Files.isDirectory(other), "other names are kept");
        assertTrue(Files.isDirectory(odd), "names without a pid are kept");
    }

    /** A pid no process has (pids are below 2^22 on Linux; a short-lived child's pid otherwise). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        return ProcessHandle.of(pid).isPresent() ? 4_194_304L + 17 : pid;
    }
}
