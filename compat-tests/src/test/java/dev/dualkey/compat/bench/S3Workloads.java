package dev.dualkey.compat.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * The SDK-client workloads of issue 7. Each public method measures one workload on one server over
 * {@code config.runs()} runs: its set-up and warm-up are excluded, and the server's CPU time and peak RSS are
 * taken around the measured phase only.
 */
final class S3Workloads {
    /**
     * Bound on filling the ListObjectVersions bucket: Dualkey fills 1,000,000 versions in about 3 minutes here;
     * moto (in memory, about 500 PUT/s) would take over half an hour and has died trying.
     */
    private static final Duration FILL_TIME = Duration.ofMinutes(8);
    /** The fill's bound on a reference server ({@link BenchConfig#forServer}): moto fills ~300 versions/s. */
    private static final Duration REFERENCE_FILL_TIME = Duration.ofSeconds(20);
    /** A large transfer's call timeout on a reference server: moto's 256 MiB PUT timed out at 73 s in every run. */
    private static final Duration REFERENCE_LARGE_TIMEOUT = Duration.ofSeconds(30);
    /** Cap of the wait for the server's background work before the list rows ({@link Settle#server}). */
    private static final Duration LIST_SETTLE_MAX = Duration.ofSeconds(90);
    /** Warm-up pages of the SDK list row (at most {@code runTime}): the SDK's ListObjectVersions parser is cold. */
    private static final int LIST_WARM_PAGES = 200;
    static final Duration WARM_WINDOW = Duration.ofSeconds(3);
    private static final int WARM_MIN_WINDOWS = 5;
    private static final int WARM_STEADY = 3;
    private static final int WARM_MAX_WINDOWS = 40;
    /** The client warm-up ({@link #warmUpClient}): at least this many windows... */
    private static final int CLIENT_WARM_MIN_WINDOWS = 3;
    /** ... at most this many (45 s) ... */
    private static final int CLIENT_WARM_MAX_WINDOWS = 15;
    /** ... ending when the client's compiler threads used less than this share of a window ... */
    private static final double CLIENT_JIT_LOW = 0.10;
    /** ... in this many windows in a row ... */
    private static final int CLIENT_JIT_LOW_WINDOWS = 2;
    /** ... or when this many windows in a row brought no new low of the client's CPU per PUT ... */
    private static final int CLIENT_FLAT_WINDOWS = 3;
    /** ... that is, none was 5% below the lowest before it. */
    private static final double CLIENT_FLAT_MARGIN = 0.95;

    static final String BUCKET = "bench";
    static final String VERSIONED_BUCKET = "bench-versions";
    private static final int GET_KEYS = 1000;
    private static final int PART_SIZE = 16 * 1024 * 1024;
    private static final int LARGE_WARM_UPS = 3;

    private final BenchConfig config;
    private final ServerUnderTest server;
    private final S3AsyncClient s3;
    private final String rowPrefix;
    private final ByteBuffer small4k = randomBytes(4 * 1024);
    private final ByteBuffer small64k = randomBytes(64 * 1024);
    /**
     * The last {@link #warmUpServer}'s server and client CPU microseconds per PUT, per window, each split into
     * request threads, JIT compiler threads and GC/VM threads ({@link ThreadCpu}): "s+s+s/c+c+c".
     */
    private final List<String> warmUpCosts = new ArrayList<>();

    /**
     * @param rowPrefix before the names of the rows {@link #putSmall} and {@link #getSmall} report: "" for the
     *                  main table, {@code cluster_} for the cluster rows
     */
    S3Workloads(BenchConfig config, ServerUnderTest server, S3AsyncClient s3, String rowPrefix) {
        this.rowPrefix = rowPrefix;
        this.config = config;
        this.server = server;
        this.s3 = s3;
    }

    boolean isS3() {
        return server.kind() == ServerUnderTest.Kind.S3;
    }

    void createBuckets() throws Exception {
        server.prepareDirectory(BUCKET);
        if (isS3()) {
            s3.createBucket(b -> b.bucket(BUCKET)).join();
        }
    }

    Measurement putSmall(int size, boolean overwrite) throws Exception {
        ByteBuffer body = size == 4096 ? small4k : small64k;
        String prefix = (overwrite ? "ow" : "new") + size / 1024 + "k/";
        Measurement m = new Measurement(rowPrefix + "put" + size / 1024 + "k_" + (overwrite ? "overwrite" : "new"),
                server.name(), "ops/s");
        for (int run = 0; run < config.runs(); run++) {
            String runPrefix = prefix + (overwrite ? "" : "r" + run + "/");
            LongFunction<CompletableFuture<?>> put = i -> s3.putObject(
                    b -> b.bucket(BUCKET).key(runPrefix + (overwrite ? i % 256 : i)),
                    AsyncRequestBody.fromByteBufferUnsafe(body.duplicate()));
            warm(m, ClosedLoop.run(config.inFlight(), config.warmupOps(), config.warmupTime(),
                    i -> put.apply(overwrite ? i : i + 1_000_000_000L)));
            measure(m, () -> ClosedLoop.run(config.inFlight(), config.smallOps(), config.runTime(), put), 0);
        }
        return m;
    }

    /** The warm-up's PUTs: 4 KiB, half new keys (new across windows), half overwrites of 512 keys. */
    private LongFunction<CompletableFuture<?>> warmUpPuts() {
        return warmUpPuts(s3);
    }

    private LongFunction<CompletableFuture<?>> warmUpPuts(S3AsyncClient client) {
        AtomicLong keys = new AtomicLong();
        return i -> {
            long k = keys.getAndIncrement();
            return client.putObject(b -> b.bucket(BUCKET).key(k % 2 == 0 ? "warm/new/" + k : "warm/" + k % 512),
                    AsyncRequestBody.fromByteBufferUnsafe(small4k.duplicate()));
        };
    }

    /** See {@link #warmUpCosts}: which side was still cold in each window of the {@code warm_up} row. */
    List<String> warmUpCosts() {
        return List.copyOf(warmUpCosts);
    }

    /**
     * The load generator's own JIT warm-up, run against a throw-away server of the kind measured next, started
     * and stopped before the measured one (BenchMain): the {@code warm_up} row's PUTs in windows of
     * {@link #WARM_WINDOW}, each window with a client of its own built as the measured one will be
     * ({@code clients}) and, on an S3 server, a CreateBucket first, until the client's JIT has done the bulk of its
     * work: after at least {@link #CLIENT_WARM_MIN_WINDOWS} windows, the first of
     * <ul>
     * <li>a low compile rate: this JVM's compiler threads ran less than {@link #CLIENT_JIT_LOW} of a window
     * ({@link ThreadCpu}) in {@link #CLIENT_JIT_LOW_WINDOWS} windows in a row;</li>
     * <li>a flat cost: the client's CPU per PUT (all its threads, compiler threads included) made no new low (5%
     * below the lowest window before) in {@link #CLIENT_FLAT_WINDOWS} windows in a row;</li>
     * <li>the cap, {@link #CLIENT_WARM_MAX_WINDOWS} windows.</li>
     * </ul>
     * What ended it is returned and printed. Session 12 ended it only when the compiler threads were under 5% of
     * a window and HotSpot's compile queue ({@code Compiler.queue}) was empty in 3 windows in a row:
     * the queue was rarely empty (a method or two queued in most windows long after the compile rate had fallen
     * from 2-3 s of CPU per 3-s window to 0.1-0.2 s), so it took 63-141 s per server and 6 minutes of a full run.
     * Replayed on the windows that session 12's recordings logged, this rule ends after 10-12 windows on Dualkey
     * (client CPU per PUT then 229-265 us, its later low 185-209 us), 3-4 on nginx, 3 on moto and 9 on s3proxy
     * (1400 us, later low 1347 us). A low compile rate rather than a flat PUT rate: on a loaded machine the
     * rate flattens while the client is still compiling. Why at all: the SDK client in a fresh JVM spent 3 times
     * the server's CPU per PUT in every window of the first row measured (load 32: 18.8 ms per PUT in the first 3
     * s, still 1.6-2.9 ms after 40 s; the server 6.4 ms, then 0.9-1.3 ms), so that row measured the client's JIT.
     * Why a client per window (session 12): building the measured server's client and its CreateBucket ran the
     * SDK's set-up code through C2 code compiled on the PUT path's type profiles; about 120 compiled methods were
     * trapped and thrown away (JFR {@code jdk.Deoptimization}: {@code class_check},
     * {@code bimorphic_or_optimized_type_check} in {@code HashMap}, {@code AttributeMap},
     * {@code DefaultS3EndpointProvider}), and the client's compiler threads then used 1.4-1.8 ms of CPU per PUT
     * in the row's first windows, more than the server's whole cost. Why a server of the same kind: nginx's
     * answers (201/204, other headers) take client paths a Dualkey never makes it take (client JIT 276 us per PUT
     * in nginx's first window after a warm-up against Dualkey only).
     *
     * The queue is no longer asked: that was the bench's only use of the gateway's {@code WarmUp.pendingCompiles}
     * (since f792581), which the stand-alone bench build ({@code bench/pom.xml}, no gateway on its classpath) could
     * not compile, so {@code run.sh} did not build.
     *
     * @return per window this JVM's CPU microseconds per PUT and its compiler threads' CPU milliseconds (for the
     *         log); and what ended the warm-up
     */
    ClientWarmUp warmUpClient(java.util.function.Supplier<S3AsyncClient> clients) throws InterruptedException {
        ProcessTree self = new ProcessTree(ProcessHandle.current().pid());
        List<String> windows = new ArrayList<>();
        int lowJit = 0;
        int flat = 0;
        long lowest = Long.MAX_VALUE;
        String ended = "the cap of " + CLIENT_WARM_MAX_WINDOWS + " windows";
        // Each window's client is closed in the background: a close waits out its event loops' quiet period (about
        // 2 s; session 12's warm-ups took 2-3 s per window beyond the window's own 3 s, e.g. 84 s for 16 windows),
        // idle time that the next window can overlap. All closes are awaited before returning, so the throw-away
        // server stops after them.
        java.util.concurrent.ExecutorService closer = Executors.newCachedThreadPool();
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        try {
            for (int w = 0; w < CLIENT_WARM_MAX_WINDOWS; w++) {
                ThreadCpu.Sample cpu0 = ThreadCpu.of(self);
                long ops;
                S3AsyncClient client = clients.get();
                try {
                    if (isS3()) {
                        int window = w;
                        client.createBucket(b -> b.bucket("bench-client-" + window)).join();
                    }
                    ClosedLoop.Outcome o = ClosedLoop.run(config.inFlight(), Long.MAX_VALUE, WARM_WINDOW,
                            warmUpPuts(client));
                    ops = Math.max(1, o.ops());
                } finally {
                    closes.add(CompletableFuture.runAsync(client::close, closer));
                }
                ThreadCpu.Sample cpu = ThreadCpu.of(self).minus(cpu0);
                long compilingMs = cpu.jit() / 1_000_000;
                long perPutNs = cpu.total() / ops;
                windows.add(perPutNs / 1000 + "us/" + compilingMs + "ms");
                lowJit = compilingMs < CLIENT_JIT_LOW * WARM_WINDOW.toMillis() ? lowJit + 1 : 0;
                flat = perPutNs >= CLIENT_FLAT_MARGIN * lowest ? flat + 1 : 0;
                lowest = Math.min(lowest, perPutNs);
                if (w + 1 < CLIENT_WARM_MIN_WINDOWS) {
                    continue;
                }
                if (lowJit >= CLIENT_JIT_LOW_WINDOWS) {
                    ended = String.format(java.util.Locale.ROOT, "a low compile rate (compiler threads under %.0f%% of"
                            + " the window in %d windows in a row)", CLIENT_JIT_LOW * 100, CLIENT_JIT_LOW_WINDOWS);
                    break;
                }
                if (flat >= CLIENT_FLAT_WINDOWS) {
                    ended = "a flat cost (no new low of the client's CPU per PUT in " + CLIENT_FLAT_WINDOWS
                            + " windows in a row)";
                    break;
                }
            }
        } finally {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            closer.shutdown();
        }
        return new ClientWarmUp(windows, ended);
    }

    /** What {@link #warmUpClient} saw per window, and what ended it. */
    record ClientWarmUp(List<String> windows, String ended) {
    }

    /**
     * Unmeasured PUT and GET traffic right after the server starts, so that no workload pays for its JIT (the
     * server's, and the load generator's own for whichever server runs first). It writes new keys and overwrites
     * alike, in windows of {@link #WARM_WINDOW}, until the rate stops rising: {@link #WARM_STEADY} windows in a
     * row no more than 5% above the best earlier one, at least {@link #WARM_MIN_WINDOWS}, at most
     * {@link #WARM_MAX_WINDOWS} (quick mode: one short window, unless {@code --workloads} names {@code warm_up}). Why not a fixed time: after a fixed 16 s warm-up
     * Dualkey's first workload still rose run after run (2,397, 3,146, 4,981, 6,339, 6,653, 6,489 PUT/s in six
     * 6-s runs), so its median depended on how long the warm-up happened to be.
     *
     * @return the PUT rate of each window (ops/s; empty in quick mode without {@code --workloads warm_up}), for
     *         the {@code warm_up} row (issue 19)
     */
    List<Long> warmUpServer() throws InterruptedException {
        List<Long> rates = new ArrayList<>();
        LongFunction<CompletableFuture<?>> put = warmUpPuts();
        if (config.quick() && !config.workloads().contains("warm_up")) {
            ClosedLoop.run(config.inFlight(), 3 * config.smallOps(), config.warmupTime().multipliedBy(8), put);
        } else {
            double best = 0;
            int steady = 0;
            // Per window, the server's and this load generator's CPU per PUT (schedstat, ns): which side is still
            // cold. Load on the machine changes the rates, not these costs.
            ProcessTree client = new ProcessTree(ProcessHandle.current().pid());
            List<String> costs = warmUpCosts;
            costs.clear();
            List<String> split = new ArrayList<>();
            for (int w = 0; w < WARM_MAX_WINDOWS; w++) {
                ThreadCpu.Sample server0 = ThreadCpu.of(server.tree());
                ThreadCpu.Sample client0 = ThreadCpu.of(client);
                ClosedLoop.Outcome o = ClosedLoop.run(config.inFlight(), Long.MAX_VALUE, WARM_WINDOW, put);
                long ops = Math.max(1, o.ops());
                ThreadCpu.Sample s = ThreadCpu.of(server.tree()).minus(server0);
                ThreadCpu.Sample c = ThreadCpu.of(client).minus(client0);
                costs.add(perPut(s, ops) + "/" + perPut(c, ops));
                split.add(s.total() / 1000 / ops + "/" + c.total() / 1000 / ops);
                double rate = o.opsPerSecond();
                rates.add(Math.round(rate));
                steady = rate <= best * 1.05 ? steady + 1 : 0;
                best = Math.max(best, rate);
                if (w + 1 >= WARM_MIN_WINDOWS && steady >= WARM_STEADY) {
                    break;
                }
            }
            BenchMain.log("  warm-up PUT/s per " + WARM_WINDOW.toSeconds() + "-s window: " + rates);
            BenchMain.log("  warm-up CPU-us per PUT per window, server/client: " + split);
            BenchMain.log("  the same split (request threads+JIT+GC), server/client: " + costs);
        }
        if (isS3()) {
            Duration getTime = config.warmupTime().multipliedBy(3);
            ClosedLoop.run(config.inFlight(), config.smallOps(), getTime, i -> s3.getObject(
                    b -> b.bucket(BUCKET).key("warm/" + (2 * i + 1) % 512), AsyncResponseTransformer.toBytes()));
        }
        return rates;
    }

    /** "rest+jit+gc" microseconds per operation. */
    private static String perPut(ThreadCpu.Sample s, long ops) {
        return s.rest() / 1000 / ops + "+" + s.jit() / 1000 / ops + "+" + s.gc() / 1000 / ops;
    }

    /** Writes the objects that the GET/HEAD workloads and the wrk GET read. */
    void prepareSmallObjects() throws Exception {
        if (!isS3()) {
            for (int i = 0; i < GET_KEYS; i++) {
                server.writeStaticFile(BUCKET, getKey(i), small4k);
            }
            return;
        }
        ClosedLoop.Outcome o = ClosedLoop.run(config.inFlight(), GET_KEYS, Duration.ofMinutes(5),
                i -> s3.putObject(b -> b.bucket(BUCKET).key(getKey(i)),
                        AsyncRequestBody.fromByteBufferUnsafe(small4k.duplicate())));
        if (o.errors() > 0) {
            throw new IllegalStateException("writing the GET objects failed: " + Errors.describe(o.firstError()),
                    o.firstError());
        }
    }

    static String getKey(long i) {
        return "get/" + (i % GET_KEYS);
    }

    Measurement getSmall() throws Exception {
        Measurement m = new Measurement(rowPrefix + "get4k", server.name(), "ops/s");
        LongFunction<CompletableFuture<?>> get = i -> s3.getObject(b -> b.bucket(BUCKET).key(getKey(i)),
                AsyncResponseTransformer.toBytes()).thenAccept(r -> expectLength(r.asByteArray().length, 4096));
        for (int run = 0; run < config.runs(); run++) {
            warm(m, ClosedLoop.run(config.inFlight(), config.warmupOps(), config.warmupTime(), get));
            measure(m, () -> ClosedLoop.run(config.inFlight(), config.smallOps(), config.runTime(), get), 0);
        }
        return m;
    }

    Measurement headSmall() throws Exception {
        Measurement m = new Measurement("head4k", server.name(), "ops/s");
        LongFunction<CompletableFuture<?>> head = i -> s3.headObject(b -> b.bucket(BUCKET).key(getKey(i)));
        for (int run = 0; run < config.runs(); run++) {
            warm(m, ClosedLoop.run(config.inFlight(), config.warmupOps(), config.warmupTime(), head));
            measure(m, () -> ClosedLoop.run(config.inFlight(), config.smallOps(), config.runTime(), head), 0);
        }
        return m;
    }

    void createVersionedBucket() {
        s3.createBucket(b -> b.bucket(VERSIONED_BUCKET)).join();
        s3.putBucketVersioning(b -> b.bucket(VERSIONED_BUCKET)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))).join();
    }

    /** Overwrites in a versioned bucket: every PUT adds a version (1000 keys, so a page holds 1000 versions). */
    Measurement versionedOverwrites() throws Exception {
        Measurement m = new Measurement("versioned_put4k", server.name(), "ops/s");
        LongFunction<CompletableFuture<?>> put = i -> s3.putObject(
                b -> b.bucket(VERSIONED_BUCKET).key(versionKey(i)),
                AsyncRequestBody.fromByteBufferUnsafe(small4k.duplicate()));
        for (int run = 0; run < config.runs(); run++) {
            warm(m, ClosedLoop.run(config.inFlight(), config.warmupOps(), config.warmupTime(), put));
            measure(m, () -> ClosedLoop.run(config.inFlight(), config.smallOps(), config.runTime(), put), 0);
        }
        return m;
    }

    private static String versionKey(long i) {
        return String.format("v/%04d", i % 1000);
    }

    /**
     * Tops the versioned bucket up to {@code versions} versions (not measured, at most {@link #FILL_TIME}) for the two
     * list rows, once. A server too slow to fill in time is listed with what it holds, and its rows say so. With
     * {@code wrk} (S3 servers, wrk installed) the fill is {@link WrkWorkloads#fillVersions}: 0-byte PUTs over wrk's
     * connections, which fills 1,000,000 versions in minutes; without it 4 KiB PUTs from the SDK client. The rows'
     * note says which.
     */
    void fillVersionBucket(WrkWorkloads wrk) throws Exception {
        long existing = countVersions();
        long missing = config.versions() - existing;
        String fillNote = "";
        if (missing > 0 && wrk != null) {
            WrkWorkloads.Fill fill = wrk.fillVersions(missing, fillTime());
            long before = existing;
            existing = countVersions();
            fillNote = "; filled with " + fill.added() + " 0-byte PUTs (wrk, " + config.wrkConnections()
                    + " connections, presigned) in " + fill.took().toSeconds() + " s"
                    + (fill.errors() > 0 ? ", " + fill.errors() + " failed" : "")
                    + (existing - before != fill.added() ? ", counted " + (existing - before) + " new" : "");
        } else if (missing > 0) {
            long t0 = System.nanoTime();
            ClosedLoop.Outcome fill = ClosedLoop.run(config.inFlight(), missing, fillTime(),
                    i -> s3.putObject(b -> b.bucket(VERSIONED_BUCKET).key(versionKey(i)),
                            AsyncRequestBody.fromByteBufferUnsafe(small4k.duplicate())));
            existing += fill.ops();
            fillNote = "; filled with " + fill.ops() + " 4 KiB SDK PUTs in "
                    + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s";
        }
        versionsListed = existing;
        // RocksDB flushes and compacts what the fill (or versioned_put4k) wrote: let it finish first
        String settled = Settle.server(server.tree(), LIST_SETTLE_MAX);
        BenchMain.log("  before the list rows: " + settled);
        versionsNote = existing + " versions, 1000 per page" + (existing < config.versions()
                ? " (the fill stopped after " + fillTime().toSeconds() + " s, short of " + config.versions() + ")"
                : "") + fillNote + "; " + settled;
    }

    /** Bound on {@link #fillVersionBucket}: {@link #FILL_TIME}; on a reference server {@link #REFERENCE_FILL_TIME}. */
    Duration fillTime() {
        return config.reference() ? REFERENCE_FILL_TIME : FILL_TIME;
    }

    /**
     * {@link #patient} for the large transfers; on a reference server the call timeout is
     * {@link #REFERENCE_LARGE_TIMEOUT} (a slower transfer fails, and the row says so).
     */
    private <B extends software.amazon.awssdk.awscore.AwsRequest.Builder> B patientLarge(B builder,
                                                                                         long bytesInFlight) {
        if (!config.reference()) {
            return patient(builder, bytesInFlight);
        }
        builder.overrideConfiguration(o -> o.apiCallTimeout(REFERENCE_LARGE_TIMEOUT));
        return builder;
    }

    /** Warm-up transfers before the large rows: {@link #LARGE_WARM_UPS}, one on a reference server. */
    private int largeWarmUps() {
        return config.reference() ? 1 : LARGE_WARM_UPS;
    }

    /** The versioned bucket's count and how it was filled, from {@link #fillVersionBucket}; -1 before it ran. */
    private long versionsListed = -1;
    private String versionsNote;

    /** Lists the versioned bucket in pages of 1000 with the SDK client (run {@link #fillVersionBucket} first). */
    Measurement listVersionPages() throws Exception {
        long existing = versionsListed >= 0 ? versionsListed : countVersions();
        Measurement m = new Measurement("list_versions_page", server.name(), "pages/s");
        m.notes.add(versionsListed >= 0 ? versionsNote : existing + " versions, 1000 per page");
        AtomicReference<ListObjectVersionsResponse> previous = new AtomicReference<>();
        LongFunction<CompletableFuture<?>> page = i -> {
            ListObjectVersionsResponse p = previous.get();
            boolean next = p != null && Boolean.TRUE.equals(p.isTruncated());
            return s3.listObjectVersions(b -> b.bucket(VERSIONED_BUCKET).maxKeys(1000)
                            .keyMarker(next ? p.nextKeyMarker() : null)
                            .versionIdMarker(next ? p.nextVersionIdMarker() : null))
                    .thenAccept(previous::set);
        };
        long pages = Math.max(5, Math.min(50, existing / 1000));
        for (int run = 0; run < config.runs(); run++) {
            // the client's parsing of a page and the server's list path are JIT-compiled here, not while measured
            // (3 warm-up pages before: the row's p50 then followed how cold the client's parser was)
            warm(m, ClosedLoop.run(1, run == 0 ? LIST_WARM_PAGES : 3, config.runTime(), page));
            measure(m, () -> ClosedLoop.run(1, pages, config.runTime().multipliedBy(3), page), 0);
        }
        return m;
    }

    /**
     * The pages of {@link #listVersionPages}, without a Java client: the chain of pages presigned once and replayed
     * by wrk over one connection ({@link WrkWorkloads#listPages}), so that the latency and the CPU per page are the
     * server's, not the load generator's (which shares its two cores). Without wrk (or when presigning fails) the
     * pages go through {@link RawListPages} (the JDK HttpClient, body read as bytes, not parsed); the note says which.
     */
    Measurement listVersionPagesRaw(WrkWorkloads wrk) throws Exception {
        long existing = versionsListed >= 0 ? versionsListed : countVersions();
        Measurement m = new Measurement("list_versions_page_raw", server.name(), "pages/s");
        String note = versionsListed >= 0 ? versionsNote : existing + " versions, 1000 per page";
        RawListPages raw = new RawListPages(server.endpoint(), Servers.ACCESS_KEY, Servers.SECRET_KEY,
                VERSIONED_BUCKET);
        if (wrk != null) {
            List<String> chain = raw.presignedChain(Duration.ofHours(2));
            m.notes.add(note + "; raw HTTP: the chain's " + chain.size() + " pages presigned, replayed by wrk over"
                    + " 1 connection (one page at a time, body read and dropped; the server's figure)");
            return wrk.listPages(m, chain);
        }
        m.notes.add(note + "; raw HTTP: JDK HttpClient, body not parsed (no wrk: the client's CPU is in the latency)");
        long pages = Math.max(5, Math.min(50, existing / 1000));
        for (int run = 0; run < config.runs(); run++) {
            warm(m, ClosedLoop.run(1, 3, config.runTime(), i -> raw.next()));
            measure(m, () -> ClosedLoop.run(1, pages, config.runTime().multipliedBy(3), i -> raw.next()), 0);
        }
        return m;
    }

    /** Versions and delete markers in the versioned bucket, counted over raw pages ({@link RawListPages#countAll}). */
    private long countVersions() {
        return new RawListPages(server.endpoint(), Servers.ACCESS_KEY, Servers.SECRET_KEY, VERSIONED_BUCKET).countAll();
    }

    Measurement putLarge() throws Exception {
        long size = config.largeBytes();
        ByteBuffer body = randomBytes((int) size);
        Measurement m = new Measurement("put" + size / (1024 * 1024) + "m", server.name(), "MB/s");
        LongFunction<CompletableFuture<?>> put = i -> s3.putObject(
                b -> patientLarge(b, size).bucket(BUCKET).key("large/" + i),
                AsyncRequestBody.fromByteBufferUnsafe(body.duplicate()));
        // Three warm-up transfers: one left the load generator's own SDK code cold for whichever server ran
        // first (the same server measured 0.65x nginx first and 1.58x second).
        for (int warm = 0; warm < largeWarmUps(); warm++) {
            put.apply(100).join();
        }
        for (int run = 0; run < config.largeRuns(); run++) {
            long index = run;
            measure(m, () -> ClosedLoop.run(1, 1, Duration.ofMinutes(10), i -> put.apply(index)), size);
        }
        return m;
    }

    Measurement getLarge() throws Exception {
        long size = config.largeBytes();
        Measurement m = new Measurement("get" + size / (1024 * 1024) + "m", server.name(), "MB/s");
        LongFunction<CompletableFuture<?>> get = i -> s3.getObject(
                b -> patientLarge(b, size).bucket(BUCKET).key("large/" + i), new CountingTransformer<>())
                .thenAccept(n -> expectLength(n, size));
        if (!isS3()) {
            ByteBuffer content = randomBytes((int) size);
            for (long i : new long[] {0, 1, 2, 100}) {
                server.writeStaticFile(BUCKET, "large/" + i, content);
            }
        }
        for (int warm = 0; warm < largeWarmUps(); warm++) {
            get.apply(100).join();
        }
        for (int run = 0; run < config.largeRuns(); run++) {
            long index = run;
            measure(m, () -> ClosedLoop.run(1, 1, Duration.ofMinutes(10), i -> get.apply(index)), size);
        }
        return m;
    }

    /** A multipart upload of {@code multipartBytes} in 16 MiB parts, 4 parts in flight; MB/s from create to complete. */
    Measurement multipart() throws Exception {
        long size = config.multipartBytes();
        ByteBuffer part = randomBytes(PART_SIZE);
        int parts = (int) (size / PART_SIZE);
        Measurement m = new Measurement("multipart" + size / (1024 * 1024) + "m", server.name(), "MB/s");
        m.notes.add(parts + " parts of 16 MiB, 4 in flight");
        for (int run = 0; run < config.largeRuns(); run++) {
            String key = "multipart/" + run;
            measure(m, () -> {
                long t0 = System.nanoTime();
                String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).join().uploadId();
                CompletedPart[] done = new CompletedPart[parts];
                // a reference server's upload is cut at a minute (moto: 12-26 s on the quiet machine)
                ClosedLoop.Outcome o = ClosedLoop.run(4, parts, config.reference() ? Duration.ofMinutes(1)
                        : Duration.ofMinutes(10), i -> s3.uploadPart(
                        b -> patient(b, 4L * PART_SIZE).bucket(BUCKET).key(key).uploadId(uploadId)
                                .partNumber((int) i + 1),
                        AsyncRequestBody.fromByteBufferUnsafe(part.duplicate()))
                        .thenAccept(r -> done[(int) i] = CompletedPart.builder().partNumber((int) i + 1)
                                .eTag(r.eTag()).build()));
                if (o.errors() > 0 || o.ops() < parts) {
                    // no figure from a part-done upload (its parts' rate times the whole size is none)
                    return new ClosedLoop.Outcome(0, Math.max(1, o.errors()), o.elapsedNanos(), o.latencyMicros(),
                            o.firstError() != null ? o.firstError() : new IllegalStateException(o.ops() + " of "
                                    + parts + " parts uploaded within the time cap"));
                }
                s3.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(done).build())).join();
                // One "operation" of the whole upload: its MB/s covers create, parts and complete.
                org.HdrHistogram.Histogram h = new org.HdrHistogram.Histogram(3);
                long elapsed = System.nanoTime() - t0;
                h.recordValue(elapsed / 1000);
                return new ClosedLoop.Outcome(1, 0, elapsed, h, null);
            }, size);
        }
        return m;
    }

    /**
     * 64 uploads in flight at once; the server's memory per upload is (peak RSS during the uploads - RSS before)
     * / 64. One run: it measures memory, not speed.
     */
    Measurement memoryPerUpload(String workload, long size) throws Exception {
        return memoryPerUpload(workload, size, null);
    }

    /**
     * 64 PUTs of {@code size} in flight at once: the server's memory per in-flight upload. For JVM servers the
     * figure is the <em>live</em> heap (what a full GC keeps: {@code jmap -histo:live}) sampled while all 64 are in
     * flight, minus the live heap before; the peak of the used heap (garbage included, which only says how full
     * the collector lets the heap get) and the RSS growth are reported beside it.
     *
     * @param streaming null: the SDK client sends the bodies; else presigned PUTs pulled on demand
     */
    Measurement memoryPerUpload(String workload, long size, StreamingUploads streaming) throws Exception {
        ByteBuffer body = randomBytes((int) size);
        Measurement m = new Measurement(workload, server.name(), "KiB/upload");
        m.notes.add("64 x " + size / (1024 * 1024) + " MiB PUTs in flight");
        if (streaming != null) {
            m.notes.add("presigned PUTs through the JDK HttpClient (bodies pulled on demand)");
        }
        long before = server.tree().rssKib();
        server.tree().resetPeakRss();
        double cpu0 = server.tree().cpuSeconds();
        ClosedLoop.Outcome o;
        long heapBefore;
        long heapPeak;
        long liveBefore = HeapSampler.liveHeapKib(server);
        AtomicLong completed = new AtomicLong();
        AtomicLong liveInFlight = new AtomicLong(-1);
        ScheduledExecutorService sampler =
                Executors.newSingleThreadScheduledExecutor();
        try (HeapSampler heap = HeapSampler.startIfJvm(server)) {
            Thread.sleep(heap == null ? 0 : 300);
            heapBefore = heap == null ? -1 : heap.maxUsedKib();
            if (liveBefore >= 0) {
                // Every few seconds while none has completed, i.e. all 64 are in flight.
                sampler.scheduleWithFixedDelay(() -> {
                    if (completed.get() == 0) {
                        long live = HeapSampler.liveHeapKib(server);
                        if (completed.get() == 0) {
                            liveInFlight.accumulateAndGet(live, Math::max);
                        }
                    }
                }, 1, 2, TimeUnit.SECONDS);
            }
            o = ClosedLoop.run(64, 64, Duration.ofMinutes(15), i -> (streaming != null
                    ? streaming.put(BUCKET, "mem/" + i, body)
                    : s3.putObject(b -> patient(b, 64 * size).bucket(BUCKET).key("mem/" + i),
                            AsyncRequestBody.fromByteBufferUnsafe(body.duplicate())))
                    .whenComplete((r, e) -> completed.incrementAndGet()));
            heapPeak = heap == null ? -1 : heap.maxUsedKib();
        } finally {
            sampler.shutdownNow();
        }
        m.cpuSeconds = server.tree().cpuSeconds() - cpu0;
        long peak = server.tree().peakRssKib();
        m.peakRssKib = peak;
        m.ops = o.ops();
        m.latencyMicros.add(o.latencyMicros());
        m.recordError(o.errors(), o.firstError());
        if (o.ops() == 0) {
            m.failure = "failed: " + m.firstError;
        } else {
            m.values.add((double) Math.max(0, peak - before) / 64);
            m.notes.add("value = RSS growth / 64 (RSS before " + before / 1024 + " MiB)");
            if (liveInFlight.get() >= 0) {
                m.heapPerUploadKib = Math.max(0, liveInFlight.get() - liveBefore) / 64.0;
                m.notes.add(String.format(java.util.Locale.ROOT,
                        "live heap (jmap -histo:live) %d MiB before, %d MiB with 64 in flight: %.0f KiB per upload",
                        liveBefore / 1024, liveInFlight.get() / 1024, m.heapPerUploadKib));
            } else if (liveBefore >= 0) {
                m.notes.add("no live-heap sample while all 64 were in flight");
            }
            if (heapPeak >= 0) {
                m.notes.add(String.format(java.util.Locale.ROOT,
                        "used heap incl. garbage (jstat, 100 ms samples): %d MiB before, peak %d MiB",
                        Math.max(0, heapBefore) / 1024, heapPeak / 1024));
            }
            // The uploaded objects are not needed again; moto would otherwise keep them in memory.
            for (int i = 0; i < 64; i++) {
                String key = "mem/" + i;
                s3.deleteObject(b -> b.bucket(BUCKET).key(key)).exceptionally(e -> null).join();
            }
        }
        return m;
    }

    /** Warm-up figures are excluded, but its failures are reported: a stalled warm-up delays the run. */
    private static void warm(Measurement m, ClosedLoop.Outcome warmUp) {
        if (warmUp.errors() > 0) {
            m.notes.add("warm-up: " + warmUp.errors() + " errors (" + Errors.describe(warmUp.firstError()) + ")");
        }
    }

    /** Runs one measured phase and adds its figures to {@code m}; {@code bytesPerOp > 0} reports MB/s. */
    void measure(Measurement m, Phase phase, long bytesPerOp) throws Exception {
        ProcessTree tree = server.tree();
        tree.resetPeakRss();
        double cpu0 = tree.cpuSeconds();
        ClosedLoop.Outcome o = phase.run();
        m.cpuSeconds += tree.cpuSeconds() - cpu0;
        m.peakRssKib = Math.max(m.peakRssKib, tree.peakRssKib());
        m.ops += o.ops();
        m.latencyMicros.add(o.latencyMicros());
        m.recordError(o.errors(), o.firstError());
        if (o.ops() == 0) {
            m.failure = "failed: " + m.firstError;
            throw new WorkloadFailed(m);
        }
        m.values.add(bytesPerOp > 0 ? o.opsPerSecond() * bytesPerOp / 1e6 : o.opsPerSecond());
    }

    /** A measured phase. */
    interface Phase {
        ClosedLoop.Outcome run() throws Exception;
    }

    /** Every operation of a measured phase failed; the measurement carries the first error. */
    static final class WorkloadFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Measurement measurement;

        WorkloadFailed(Measurement m) {
            super(m.failure);
            this.measurement = m;
        }
    }

    private static void expectLength(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("read " + actual + " bytes, expected " + expected);
        }
    }

    /**
     * The per-call timeout of a large transfer: the client's 60 s default plus the time the bytes in flight take
     * at 20 MB/s, so that only a server slower than that fails (64 x 256 MiB uploads share one loopback).
     */
    static <B extends software.amazon.awssdk.awscore.AwsRequest.Builder> B patient(B builder, long bytesInFlight) {
        Duration timeout = Duration.ofSeconds(60 + bytesInFlight / 20_000_000);
        builder.overrideConfiguration(o -> o.apiCallTimeout(timeout));
        return builder;
    }

    static ByteBuffer randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
