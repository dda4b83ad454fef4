package dev.dualkey.gateway.warmup;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.http.TransportLimits;
import dev.dualkey.gateway.identity.IdentitySetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Drives a throw-away copy of the server for a bounded time before the real one binds its port (issue 19: full
 * speed within seconds of accepting connections). A fresh JVM interprets the request path until the JIT has
 * profiled and compiled it, which took this server 25-50 CPU-s of client traffic; run here, that work is done
 * before the first client connects, and the port accepts later by the warm-up's length.
 *
 * <p>What it touches, and why no client can use any of it (package documentation; SECURITY.md W1):
 * <ul>
 *   <li>a temporary directory {@code dualkey-warm-up-PID-*} under {@code java.io.tmpdir} (or the parent given),
 *       created owner-only, never inside the real data directory, deleted when the warm-up ends, also when the
 *       process is stopped during it (a shutdown hook); one left by a killed process is deleted at the next
 *       warm-up once that process is gone;</li>
 *   <li>a loopback listener on a port the system picks, open only while the warm-up runs, before the real
 *       listener exists; its only account has random root keys made here from {@link SecureRandom} and never
 *       written out or logged, and no console, metrics or admin listener is started.</li>
 * </ul>
 * The warm-up server is built by the same {@link GatewayServer.Builder} as the real one, with the real transport
 * limits, SigV2 setting and region, so that the code it compiles is the code that serves.
 */
public final class WarmUp {
    /** {@code serve --warm-up}'s default: the longest it drives the server; it ends sooner once the JIT is quiet. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(30);
    /** The longest warm-up accepted. */
    public static final Duration MAX_BUDGET = Duration.ofSeconds(120);
    static final String DIR_PREFIX = "dualkey-warm-up-";
    static final String BUCKET = "warm-up";
    static final String VERSIONED_BUCKET = "warm-up-versioned";
    /** Versioned with MFA Delete Enabled: connection 0 deletes versions in it with codes of the warm-up's device. */
    static final String MFA_BUCKET = "warm-up-mfa";
    static final long SAMPLE_MILLIS = 500;
    static final int QUIET_SAMPLES = 2;
    static final long MIN_DRIVE_MILLIS = 2000;
    /**
     * Requests answered before a quiet JIT may end the warm-up: C2 compiles a method after about 15,000
     * invocations and loop iterations (HotSpot's Tier4CompileThreshold), so a once-per-request method needs that
     * many requests. Without this floor a starved warm-up (load 45-60) ended "JIT quiet" after 67 requests: the
     * compilation time only grows when a compilation finishes, and on a loaded machine none finished for a second.
     */
    static final long MIN_REQUESTS_FOR_QUIET = 20_000;
    private static final int SMALL = 4096;
    /**
     * The PUTs' payload modes in turn: half of them as the AWS SDK for Java v2 sends a small PUT over HTTP
     * (2.57.8, captured in session 12: aws-chunked with unsigned chunks and a CRC32 trailer,
     * {@code STREAMING-UNSIGNED-PAYLOAD-TRAILER}, no {@code Expect: 100-continue}), the other modes once each in
     * eight. Sessions 10-11 gave that half to signed chunks after {@code Expect: 100-continue}, which this SDK
     * sends for no 4 KiB PUT. With the five modes in equal turns, a warm-up cut short by a loaded machine (2,332
     * requests in 30 s at load 57) left the aws-chunked decoder's methods ({@code AwsChunkedDecoder.chunkHeader},
     * {@code trailerLine}) and the small-body PUT path to be compiled first after the port accepted
     * ({@code -XX:+PrintCompilation}).
     */
    private static final WarmUpClient.Signing[] PUT_SIGNINGS = {
        WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER, WarmUpClient.Signing.PAYLOAD_HASH,
        WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER, WarmUpClient.Signing.UNSIGNED,
        WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER, WarmUpClient.Signing.CHUNKED_SIGNED_TRAILER,
        WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER, WarmUpClient.Signing.PRESIGNED};
    private static final int LARGE = 64 * 1024;
    /**
     * Every this many connections, from connection 0, one deletes versions, with and without {@code x-amz-mfa}
     * (4 of the serve command's 32), instead of the PUT/GET mix. One deleter made about 100 MFA deletes in a 30-s
     * warm-up at load 30 ({@code -XX:+PrintCompilation}: no MFA check method compiled, as C1 takes 200 calls);
     * the MFA deletes go one at a time (one device, one TOTP clock), so several deleters keep that one lane busy.
     * Four, not eight: eight that waited for their turn halved the warm-up's requests at load 37 (one run each).
     */
    static final int VERSION_DELETERS_EVERY = 8;

    /**
     * @param budget      how long to drive the server once it listens (its start, which loads the classes the
     *                    real server then finds loaded, and its stop come on top); zero: no warm-up
     * @param connections driving threads, one keep-alive connection each
     * @param tempParent  where the temporary directory goes; null: {@code java.io.tmpdir}
     * @param compileMillis the JIT's work so far (ms): its compiler threads' CPU time where {@code /proc} shows
     *                    it, else the JVM's {@code CompilationMXBean} time; the warm-up ends early once it stops
     *                    growing; null: the whole budget is used
     * @param pendingCompiles methods being compiled or waiting in the compile queues now; a sample with any is
     *                    not quiet; null: not known (the compilation time alone decides)
     */
    public record Settings(Duration budget, int connections, TransportLimits limits, boolean sigV2, String region,
                           Path tempParent, LongSupplier compileMillis, IntSupplier pendingCompiles) {
        /** Settings without a compile-queue probe. */
        public Settings(Duration budget, int connections, TransportLimits limits, boolean sigV2, String region,
                        Path tempParent, LongSupplier compileMillis) {
            this(budget, connections, limits, sigV2, region, tempParent, compileMillis, null);
        }

        public Settings {
            Objects.requireNonNull(budget, "budget");
            if (budget.isNegative() || budget.compareTo(MAX_BUDGET) > 0) {
                throw new IllegalArgumentException("the warm-up must last 0.." + MAX_BUDGET.toSeconds() + " s");
            }
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be at least 1");
            }
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(region, "region");
        }

        /**
         * The serve command's settings: 32 connections (the driving threads block on their sockets; fewer left the
         * server idle between requests on a loaded machine), or {@code -Ddualkey.warmup.connections=N};
         * {@code -Ddualkey.warmup.debug=true} prints the JIT's work per sample. The JIT's work is its compiler
         * threads' CPU time ({@link #compilerThreadsCpuMillis}) and its queue ({@link #pendingCompiles()}), not
         * the {@code CompilationMXBean}'s time: that grows only when a compilation ends, so a C2 compilation of a
         * big request method (0.5-2 s on a loaded machine) looked quiet. Session 12, JFR of a warm-up that ended
         * "JIT quiet" after 31,336 requests: {@code S3Endpoint.begin}, {@code SigV4Verifier.verifyV4} and
         * {@code AwsChunkedDecoder.chunkHeader} were still at C1 (tier 3), and after accept C2 compiled 366 such
         * methods (17 s of compiler time) while the first clients waited.
         */
        public static Settings of(Duration budget, TransportLimits limits, boolean sigV2, String region) {
            java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            LongSupplier work = WarmUp.compilerThreadsCpuMillis() >= 0 ? WarmUp::compilerThreadsCpuMillis
                    : jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : null;
            return new Settings(budget, Integer.getInteger("dualkey.warmup.connections", 32), limits, sigV2,
                    region, null, work, WarmUp.pendingCompiles() >= 0 ? WarmUp::pendingCompiles : null);
        }
    }

    /**
     * CPU milliseconds the JIT's compiler threads ({@code C1 CompilerThread*}, {@code C2 CompilerThread*}) have
     * used so far, from {@code /proc/self/task/*}; -1 where there is no such file system (not Linux). Counts a
     * compilation while it runs, unlike the {@code CompilationMXBean}.
     */
    static long compilerThreadsCpuMillis() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long nanos = 0;
        try (Stream<Path> list = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) list::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm"));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String schedstat = Files.readString(task.resolve("schedstat"));
                        nanos += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return nanos / 1_000_000;
    }

    /**
     * Methods the JIT is compiling or has queued now (HotSpot's {@code Compiler.queue} diagnostic command, the
     * one {@code jcmd PID Compiler.queue} runs); -1 where the command does not exist. A method whose counters
     * passed a threshold is queued at once, so a running request mix with nothing queued has nothing left to
     * compile at its current profile. Public for the benchmark, which asks the same of its client's JVM.
     */
    public static int pendingCompiles() {
        try {
            String queue = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerQueue", new Object[] {null}, new String[] {String[].class.getName()});
            return queue == null ? -1 : countQueued(queue);
        } catch (javax.management.JMException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * The compiles in {@code Compiler.queue}'s answer: every line under "Current compiles:" and the queues'
     * headings that is not blank, a heading or "Empty".
     */
    static int countQueued(String queue) {
        int n = 0;
        for (String line : queue.split("\\R")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.equals("Empty") && !t.endsWith(":")) {
                n++;
            }
        }
        return n;
    }

    /** One sample of the JIT: quiet when its compilers worked under a twentieth of it and nothing is queued. */
    static boolean quietSample(long jitMillis, int pending, long sampleMillis) {
        return jitMillis * 20 < sampleMillis && pending <= 0;
    }

    /**
     * What the warm-up did.
     *
     * @param requests     requests answered as expected
     * @param failures     requests that failed or were answered otherwise (a failing warm-up is harmless: it
     *                     compiles less; the first is in {@code firstFailure})
     * @param took         from the start of the warm-up server to the removal of its directory
     * @param jitQuiet     whether it ended because the JIT had gone quiet (else: the budget ran out)
     * @param mfaDeletes   version deletes with {@code x-amz-mfa} answered 204 (each with a code of its own step)
     */
    public record Result(long requests, long failures, Duration took, boolean jitQuiet, String firstFailure,
                         long mfaDeletes) {
        static final Result NONE = new Result(0, 0, Duration.ZERO, false, null, 0);
    }

    private WarmUp() {
    }

    /**
     * Runs the warm-up and removes everything it made. Returns when the budget is spent (or at once for a zero
     * budget); an error of the warm-up server is reported in the result, never thrown, as the real server can
     * start without a warm-up.
     */
    public static Result run(Settings settings, Clock clock) {
        if (settings.budget().isZero()) {
            return Result.NONE;
        }
        long start = clock.millis();
        Path parent = settings.tempParent() != null ? settings.tempParent()
                : Path.of(System.getProperty("java.io.tmpdir"));
        removeStale(parent);
        Path dir;
        try {
            // POSIX: created rwx------ (Files.createTempDirectory's default), so no other user can look in
            dir = Files.createTempDirectory(parent, DIR_PREFIX + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            return new Result(0, 0, Duration.ZERO, false, "no temporary directory: " + e.getMessage(), 0);
        }
        Run run = new Run(dir);
        Thread hook = new Thread(run::stop, "dualkey-warm-up-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.drive(settings, clock, start);
        } finally {
            run.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (or ran) stop(), which is idempotent
            }
            releaseMemory();
        }
    }

    /**
     * Hands back what the stopped warm-up server held, before the real server binds its port (issue 19). Its
     * RocksDB (block cache, memtables) frees into glibc's free lists, which keep it: 48 MiB resident after a 30-s
     * warm-up with {@code -Xmx256m}, measured with {@code jcmd PID System.trim_native_heap}. So: a full collection
     * (the warm-up's garbage out of the old generation; with a small {@code -Xms} the heap shrinks back too), then
     * glibc's {@code malloc_trim} through the JVM's own diagnostic command. Both before any client connects, so
     * their pause (tens of milliseconds) delays nobody.
     *
     * @return the diagnostic command's answer (a line with the resident size before and after), or null where it
     *         does not exist (not glibc, or a JDK without it): then only the collection ran
     */
    static String releaseMemory() {
        System.gc();
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException | RuntimeException e) {
            return null;
        }
    }

    /** One warm-up: its server, threads and directory; {@link #stop} may run from a shutdown hook. */
    private static final class Run {
        private final Path dir;
        private final AtomicLong ok = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final AtomicLong mfaDeletes = new AtomicLong();
        /** Held by a version deleter from its MFA bucket PUT to reading its MFA delete's answer. */
        private final ReentrantLock mfaTurn = new ReentrantLock();
        private final AtomicReference<String> firstFailure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopping;
        /** The budget is spent or the JIT quiet: each thread ends after its current round (its first at least). */
        private volatile boolean enough;
        /** Counted down by each driving thread once its first round is done (or it ends without one). */
        private volatile CountDownLatch firstRounds = new CountDownLatch(0);
        private volatile boolean quiet;
        /** The warm-up's MFA device, once enabled; null before, or when its set-up failed. */
        private volatile WarmUpMfaDevice device;
        private GatewayServer server;
        private boolean stopped;

        Run(Path dir) {
            this.dir = dir;
        }

        Result drive(Settings settings, Clock clock, long start) {
            SecureRandom random = new SecureRandom();
            String accessKeyId = "AKIA" + randomText(random, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
            String secretKey = randomText(random, 40,
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
            // the TOTP clock of the warm-up server: a step on per MFA check, so every code is a fresh step's
            WarmUpTotpClock totp = new WarmUpTotpClock(dev.dualkey.mfa.otp.TotpGenerator.stepOf(clock.instant()));
            InetSocketAddress address;
            synchronized (this) {
                if (stopping) {
                    return result(clock, start);
                }
                try {
                    server = GatewayServer.builder()
                            .dataDir(dir.resolve("data"))
                            .identity(IdentitySetup.withRootKeys(accessKeyId, secretKey).totpClock(totp))
                            .metrics(new dev.dualkey.gateway.metrics.DualkeyMetrics(), 1000)
                            .s3Address(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                            .transportLimits(settings.limits())
                            .sigV2(settings.sigV2())
                            .region(settings.region())
                            .start();
                } catch (RuntimeException e) {
                    fail("the warm-up server did not start: " + e);
                    return result(clock, start);
                }
                address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.s3Port());
            }
            try (WarmUpClient setup = new WarmUpClient(address, accessKeyId, secretKey, settings.region(), clock)) {
                expect(setup.send("PUT", "/" + BUCKET, Map.of(), new byte[0], WarmUpClient.Signing.PAYLOAD_HASH),
                        200, "CreateBucket");
                expect(setup.send("PUT", "/" + VERSIONED_BUCKET, Map.of(), new byte[0],
                        WarmUpClient.Signing.PAYLOAD_HASH), 200, "CreateBucket");
                expect(setup.send("PUT", "/" + VERSIONED_BUCKET, Map.of("versioning", ""),
                        ("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled"
                                + "</Status></VersioningConfiguration>").getBytes(StandardCharsets.UTF_8),
                        WarmUpClient.Signing.PAYLOAD_HASH), 200, "PutBucketVersioning");
            } catch (IOException | RuntimeException e) {
                fail("setting up the warm-up buckets: " + e);
                return result(clock, start);
            }
            try (WarmUpClient setup = new WarmUpClient(address, accessKeyId, secretKey, settings.region(), clock)) {
                device = WarmUpMfaDevice.setUp(setup, totp, this::expect);
            } catch (IOException | RuntimeException e) {
                fail("setting up the warm-up's MFA device: " + e); // the rest of the warm-up runs without it
            }
            // the budget counts from here: the warm-up server's start loads and links the classes the real
            // server's start then finds loaded, which is not time lost
            long deadline = clock.millis() + settings.budget().toMillis();
            firstRounds = new CountDownLatch(settings.connections());
            for (int t = 0; t < settings.connections(); t++) {
                int id = t;
                Thread thread = new Thread(() -> loop(id, address, accessKeyId, secretKey, settings.region(), clock,
                        deadline), "dualkey-warm-up-" + t);
                thread.setDaemon(true);
                synchronized (this) {
                    if (stopping) {
                        break;
                    }
                    threads.add(thread);
                }
                thread.start();
            }
            for (int t = threads.size(); t < settings.connections(); t++) {
                firstRounds.countDown(); // not started: stopping
            }
            quiet = waitForQuietJit(settings.compileMillis(), settings.pendingCompiles(), clock, deadline);
            enough = true;
            if (!stopping) { // every connection's first round is answered before the server closes (10 s at most)
                try {
                    firstRounds.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            stop();
            return result(clock, start);
        }

        /**
         * A version deleter's round while the warm-up has its MFA device (issue 19: the MFA-protected version
         * delete was left to the first clients, interpreted): as the benchmark's {@code delete_version} and
         * {@code delete_version_mfa} rows do, a 4 KiB version PUT and its DeleteObject by version id in the
         * versioned bucket, then, when no other deleter holds {@link #mfaTurn} (else this round ends there, so
         * no driving thread waits), the same in the MFA Delete bucket with {@code x-amz-mfa}: the TOTP clock is
         * moved one step on, that step's code sent, and the answer read before the next deleter moves it again,
         * so every code is the first of its step and later than any accepted (one MFA check in flight, as in the
         * benchmark's row).
         */
        private void versionDeletes(WarmUpClient c, WarmUpMfaDevice mfa, String key, byte[] body, long i)
                throws IOException {
            String plainPath = "/" + VERSIONED_BUCKET + key;
            expect(c.send("PUT", plainPath, Map.of(), body, WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER), 200,
                    "PutObject (versioned)");
            String version = c.lastVersionId();
            if (version != null) {
                expect(c.send("DELETE", plainPath, Map.of("versionId", version), new byte[0],
                        WarmUpClient.Signing.PAYLOAD_HASH), 204, "DeleteObject (version)");
            }
            if (!mfaTurn.tryLock()) {
                return; // another deleter's MFA delete is in flight: this round has the plain one only
            }
            try {
                String mfaPath = "/" + MFA_BUCKET + key;
                expect(c.send("PUT", mfaPath, Map.of(), body, WarmUpClient.Signing.CHUNKED_UNSIGNED_TRAILER), 200,
                        "PutObject (MFA Delete bucket)");
                version = c.lastVersionId();
                if (version != null) {
                    int status = c.send("DELETE", mfaPath, Map.of("versionId", version),
                            Map.of("x-amz-mfa", mfa.nextHeader()), new byte[0],
                            i % 2 == 0 ? WarmUpClient.Signing.PAYLOAD_HASH : WarmUpClient.Signing.UNSIGNED);
                    expect(status, 204, "DeleteObject (version, x-amz-mfa)");
                    if (status == 204) {
                        mfaDeletes.incrementAndGet();
                    }
                }
            } finally {
                mfaTurn.unlock();
            }
        }

        /**
         * Waits until the JIT has gone quiet under the warm-up's traffic (what it compiles is then compiled: the
         * hot paths' code is final) or the deadline passes. Quiet: {@link #QUIET_SAMPLES} samples of
         * {@link #SAMPLE_MILLIS} in a row in which the compilers worked less than a twentieth of the time and ended
         * with no compilation running or queued ({@link #quietSample}), after at
         * least {@link #MIN_DRIVE_MILLIS} of traffic and {@link #MIN_REQUESTS_FOR_QUIET} requests answered. Without
         * a compilation count (an interpreter-only JVM) the whole budget is used.
         *
         * @return whether the JIT went quiet before the deadline
         */
        private boolean waitForQuietJit(LongSupplier compileMillis, IntSupplier pendingCompiles, Clock clock,
                                        long deadline) {
            long begin = clock.millis();
            long last = compileMillis == null ? -1 : compileMillis.getAsLong();
            int quietSamples = 0;
            while (!stopping && clock.millis() < deadline) {
                try {
                    Thread.sleep(Math.max(1, Math.min(SAMPLE_MILLIS, deadline - clock.millis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (last < 0) {
                    continue;
                }
                long now = compileMillis.getAsLong();
                int pending = pendingCompiles == null ? 0 : pendingCompiles.getAsInt();
                if (Boolean.getBoolean("dualkey.warmup.debug")) {
                    System.err.println("warm-up: +" + (now - last) + " ms compiling, " + pending + " queued, "
                            + ok.get() + " requests");
                }
                quietSamples = quietSample(now - last, pending, SAMPLE_MILLIS) ? quietSamples + 1 : 0;
                last = now;
                if (quietSamples >= QUIET_SAMPLES && clock.millis() - begin >= MIN_DRIVE_MILLIS
                        && ok.get() >= MIN_REQUESTS_FOR_QUIET) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The request mix of one connection until the deadline, one round at least (keys of its own:
         * {@code cN/...}).
         */
        private void loop(int id, InetSocketAddress address, String accessKeyId, String secretKey, String region,
                          Clock clock, long deadline) {
            byte[] small = new byte[SMALL];
            byte[] large = new byte[LARGE];
            new SecureRandom().nextBytes(small);
            System.arraycopy(small, 0, large, 0, SMALL);
            WarmUpClient.Signing[] signings = WarmUpClient.Signing.values();
            WarmUpClient.Signing[] putSignings = PUT_SIGNINGS;
            String prefix = "/" + BUCKET + "/c" + id + "/";
            boolean first = true;
            WarmUpMfaDevice mfa = id % VERSION_DELETERS_EVERY == 0 ? device : null;
            try (WarmUpClient c = new WarmUpClient(address, accessKeyId, secretKey, region, clock)) {
                // one round at least, even if this thread started after the deadline (a loaded machine): every
                // connection sends a PUT and a GET (a version deleter: two PUTs and two deletes)
                for (long i = 0; !stopping && (i == 0 || !enough && clock.millis() < deadline); i++) {
                    try {
                        if (mfa != null) {
                            versionDeletes(c, mfa, "/c" + id + "/v" + i % 16, small, i);
                            if (first) {
                                first = false;
                                firstRounds.countDown();
                            }
                            continue;
                        }
                        // shifted by one every turn: each mode serves new keys and overwrites alike
                        WarmUpClient.Signing signing = putSignings[(int) ((i + i / putSignings.length)
                                % putSignings.length)];
                        boolean fresh = i % 2 == 0; // half new keys (deleted again two rounds on), half overwrites
                        String key = prefix + (fresh ? "new/" + i : "o/" + i % 64);
                        byte[] body = i % 16 == 5 ? large : small;
                        expect(c.send("PUT", key, Map.of(), body, signing), 200, "PutObject " + signing);
                        expect(c.send("GET", prefix + "o/" + (i / 2) % 64, Map.of(), new byte[0], i % 4 == 1
                                ? WarmUpClient.Signing.PRESIGNED : WarmUpClient.Signing.PAYLOAD_HASH), 200,
                                "GetObject", 404);
                        if (fresh && i >= 2) {
                            expect(c.send("DELETE", prefix + "new/" + (i - 2), Map.of(), new byte[0],
                                    WarmUpClient.Signing.PAYLOAD_HASH), 204, "DeleteObject");
                        }
                        if (i % 8 == 3) {
                            expect(c.send("HEAD", key, Map.of(), new byte[0], WarmUpClient.Signing.PAYLOAD_HASH),
                                    200, "HeadObject");
                        }
                        if (i % 8 == 6) { // versions accumulate: 1 in 8 rounds, 16 keys
                            expect(c.send("PUT", "/" + VERSIONED_BUCKET + "/c" + id + "/" + i % 16, Map.of(), small,
                                    signings[(int) (i / 8 % signings.length)]), 200, "PutObject (versioned)");
                        }
                        if (i % 32 == 17) {
                            expect(c.send("GET", "/" + BUCKET, Map.of("list-type", "2", "prefix", "c" + id + "/",
                                    "max-keys", "100"), new byte[0], WarmUpClient.Signing.PAYLOAD_HASH), 200,
                                    "ListObjectsV2");
                        }
                    } catch (IOException | RuntimeException e) {
                        if (stopping) {
                            return;
                        }
                        fail(e.toString());
                    }
                    if (first) {
                        first = false;
                        firstRounds.countDown();
                    }
                }
            } finally {
                if (first) {
                    firstRounds.countDown();
                }
            }
        }

        void expect(int status, int wanted, String what) {
            expect(status, wanted, what, wanted);
        }

        private void expect(int status, int wanted, String what, int alsoFine) {
            if (status == wanted || status == alsoFine) {
                ok.incrementAndGet();
            } else {
                fail(what + " answered " + status);
            }
        }

        private void fail(String what) {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, what);
        }

        private Result result(Clock clock, long start) {
            return new Result(ok.get(), failed.get(), Duration.ofMillis(clock.millis() - start), quiet,
                    firstFailure.get(), mfaDeletes.get());
        }

        /** Stops the driving threads and the server, then deletes the directory; idempotent. */
        void stop() {
            GatewayServer s;
            synchronized (this) {
                if (stopped) {
                    return;
                }
                stopped = true;
                stopping = true;
                s = server;
            }
            if (s != null) {
                s.close(); // closes the listener and the connections; the threads' sends then fail and they end
            }
            for (Thread thread : threads) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            WarmUpMfaDevice d = device;
            if (d != null) {
                d.forget();
            }
            deleteTree(dir);
        }
    }

    /** Deletes directories left by warm-ups of processes that no longer run (killed before they cleaned up). */
    static void removeStale(Path parent) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, DIR_PREFIX + "*")) {
            for (Path d : dirs) {
                String rest = d.getFileName().toString().substring(DIR_PREFIX.length());
                int dash = rest.indexOf('-');
                try {
                    long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                    if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()
                            && Files.isDirectory(d) && Files.isWritable(d)) {
                        deleteTree(d);
                    }
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: an unreadable temporary directory only means the warm-up's own creation fails later
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("dualkey: could not delete the warm-up directory " + dir + ": " + e.getMessage());
        }
    }

    private static String randomText(SecureRandom random, int length, String alphabet) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
