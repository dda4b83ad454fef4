package dev.dualkey.compat.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Runs the issue-7 workloads against each server in turn and writes {@code results.md} and {@code results.csv};
 * the cluster servers ({@link ClusterServers}) run the issue-20 cluster rows instead.
 * Usage (normally through {@code compat-tests/bench/run.sh}): {@code BenchMain [--quick] [--servers a,b]
 * [--workloads prefix,...] [--runs N] [--out DIR] [--work DIR] [--dualkey-jar JAR] [--s3proxy-jar JAR]
 * [--dualkey-jvm "OPTS"]}.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        BenchConfig base = BenchConfig.parse(args);
        List<Measurement> results = new ArrayList<>();
        List<String> serverLines = new ArrayList<>();
        long runStart = System.nanoTime();
        for (String name : base.servers()) {
            if (!runsAnyWanted(base, name)) {
                log("=== " + name + ": none of its workloads wanted, not started");
                continue;
            }
            long serverStart = System.nanoTime();
            log("=== " + name + " (" + seconds(runStart) + " s into the run)");
            BenchConfig config = base.forServer(name);
            if (config.reference()) {
                serverLines.add(name + ": " + BenchConfig.REFERENCE_NOTE);
            }
            if (config.wants("warm_up") && !ClusterServers.isClusterRow(name)) {
                warmUpClient(config, name, serverLines);
            }
            // after the client's warm-up (a throw-away server and the client's compiler threads), so the measured
            // server starts on a settled machine
            settle(config, name, serverLines);
            ServerUnderTest server;
            try {
                server = Servers.create(name, config, freePort());
            } catch (IOException e) {
                serverLines.add(name + ": cannot start (" + e.getMessage() + ")");
                results.add(Measurement.failed("(server)", name, "", "cannot start: " + e.getMessage()));
                continue;
            }
            try (server) {
                try {
                    server.start(Duration.ofSeconds(150)); // Dualkey warms up (at most 30 s) before it accepts
                } catch (IOException e) {
                    serverLines.add(name + ": cannot start (" + e.getMessage() + ")");
                    log(name + " cannot start: " + e.getMessage());
                    results.add(Measurement.failed("(server)", name, "", "cannot start: " + e.getMessage()));
                    continue;
                }
                serverLines.add(name + ": " + server.description());
                int first = results.size();
                try {
                    runAll(config, server, results);
                } catch (Exception e) {
                    log(name + " aborted: " + Errors.describe(e));
                    results.add(Measurement.failed("(server)", name, "", "run aborted: " + Errors.describe(e)));
                }
                if (config.reference()) { // each of its rows says that it was shortened
                    results.subList(first, results.size()).forEach(m -> m.notes.add(BenchConfig.REFERENCE_NOTE));
                }
            }
            try {
                Servers.dropData(config.workDir().resolve(name)); // stopped: its data only takes disk now
            } catch (IOException e) {
                log(name + ": could not delete its data (" + e.getMessage() + "); later rows may lack disk");
            }
            log("=== " + name + " done in " + seconds(serverStart) + " s");
            serverLines.add(name + " took " + seconds(serverStart) + " s, client warm-up and settle wait included");
        }
        log("all servers in " + seconds(runStart) + " s");
        serverLines.add("the run took " + seconds(runStart) + " s");
        ReportWriter report = new ReportWriter(base, results, serverLines);
        report.write(base.outDir());
        System.out.println(report.markdown());
        log("wrote " + base.outDir().resolve("results.md") + " and results.csv");
    }

    /** Whole seconds since {@code start} (System.nanoTime). */
    private static long seconds(long start) {
        return Math.round((System.nanoTime() - start) / 1e9);
    }

    /**
     * Waits for a quiet machine before {@code what} starts (at most {@code --settle-max}; {@link Settle#machine}):
     * the previous server's or run's tail (page-cache writeback, a JVM's exit, other work) otherwise lands in the
     * first rows. What it saw goes into the results' header lines.
     */
    private static void settle(BenchConfig config, String what, List<String> lines) throws InterruptedException {
        String seen = Settle.machine(config.settleMax());
        log("machine before " + what + ": " + seen);
        lines.add("machine before " + what + ": " + seen);
    }

    /**
     * Whether {@code server} has a workload that {@code --workloads} wants: the cluster servers run the cluster
     * rows only, the others none of them (so {@code --workloads cluster_} starts no single-node server, and
     * {@code --workloads put4k} no cluster).
     */
    private static boolean runsAnyWanted(BenchConfig config, String server) {
        if (ClusterServers.isClusterRow(server)) {
            return ClusterServers.ROWS.stream().anyMatch(config::wants);
        }
        return config.workloads().isEmpty() || config.workloads().stream().anyMatch(w -> !w.startsWith("cluster_"));
    }

    /** True when a {@code wrk} executable is on the PATH (the list fill uses it; run.sh warns when it is not). */
    private static boolean wrkInstalled() {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, "wrk")));
    }

    private static void runAll(BenchConfig config, ServerUnderTest server, List<Measurement> out)
            throws Exception {
        if (ClusterServers.isClusterRow(server.name())) {
            runCluster(config, server, out);
            return;
        }
        boolean s3 = server.kind() == ServerUnderTest.Kind.S3;
        try (S3AsyncClient client = client(config, server); S3Presigner presigner = s3 ? presigner(server) : null) {
            S3Workloads w = new S3Workloads(config, server, client, "");
            WrkWorkloads wrk = new WrkWorkloads(config, server, presigner);
            w.createBuckets();
            VersionDeletes deletes = new VersionDeletes(config, server, client, "");
            String mfaProblem = server.name().equals("dualkey") && config.wants("delete_version_mfa")
                    ? prepareMfa(server, deletes) : null;
            // A JIT-compiled server from the first measured workload on: without this, whichever workload
            // runs first pays for the JVM servers' compilation (seen: put4k_new 5x slower than the overwrites).
            List<Long> warmRates = w.warmUpServer();
            if (config.wants("warm_up")) {
                warmUp(out, server, warmRates, w.warmUpCosts());
            } else {
                // no client warm-up was run (warmUpClient): the windows would time this JVM's JIT, not the server's
                log(server.name() + " warm_up row not reported: --workloads does not name warm_up, so the client "
                        + "was not warmed first (the server's warm-up ran all the same)");
            }
            step(out, config, server, "put4k_new", () -> w.putSmall(4096, false));
            step(out, config, server, "put4k_overwrite", () -> w.putSmall(4096, true));
            step(out, config, server, "put64k_new", () -> w.putSmall(65536, false));
            step(out, config, server, "put64k_overwrite", () -> w.putSmall(65536, true));
            boolean readable = true;
            if (config.wants("get4k") || config.wants("head4k") || config.wants("wrk_get4k")) {
                try {
                    w.prepareSmallObjects();
                } catch (RuntimeException e) {
                    readable = false;
                    for (String n : List.of("get4k", "head4k", "wrk_get4k")) {
                        out.add(Measurement.failed(n, server.name(), "ops/s", Errors.describe(e)));
                    }
                }
            }
            if (readable) {
                step(out, config, server, "get4k", w::getSmall);
                step(out, config, server, "head4k", w::headSmall);
            }
            step(out, config, server, "wrk_put4k", wrk::put4k);
            if (readable) {
                step(out, config, server, "wrk_get4k", wrk::get4k);
            }
            boolean versioned = false;
            if (s3 && (config.wants("versioned_put4k") || config.wants("list_versions_page")
                    || config.wants("list_versions_page_raw"))) {
                try {
                    w.createVersionedBucket();
                    versioned = true;
                } catch (RuntimeException e) {
                    String why = "versioning not supported: " + Errors.describe(e);
                    for (String n : List.of("versioned_put4k", "list_versions_page", "list_versions_page_raw")) {
                        out.add(Measurement.failed(n, server.name(), "ops/s", why));
                    }
                }
            }
            if (versioned) {
                step(out, config, server, "versioned_put4k", w::versionedOverwrites);
                if (config.wants("list_versions_page") || config.wants("list_versions_page_raw")) {
                    try {
                        w.fillVersionBucket(wrkInstalled() ? wrk : null);
                    } catch (Exception e) { // the rows then list what the bucket holds, and count it themselves
                        log(server.name() + " version fill failed: " + Errors.describe(e));
                    }
                }
                step(out, config, server, "list_versions_page", w::listVersionPages);
                step(out, config, server, "list_versions_page_raw",
                        () -> w.listVersionPagesRaw(wrkInstalled() ? wrk : null));
            } else if (!s3) {
                notApplicable(out, config, server, "versioned_put4k", "list_versions_page", "list_versions_page_raw");
            }
            versionDeletes(out, config, server, deletes, mfaProblem, server.name().equals("dualkey"), "");
            long mib = 1024 * 1024;
            step(out, config, server, "put" + config.largeBytes() / mib + "m", w::putLarge);
            step(out, config, server, "get" + config.largeBytes() / mib + "m", w::getLarge);
            String multipart = "multipart" + config.multipartBytes() / mib + "m";
            if (s3) {
                step(out, config, server, multipart, w::multipart);
            } else {
                notApplicable(out, config, server, multipart);
            }
            step(out, config, server, "mem_64_uploads",
                    () -> w.memoryPerUpload("mem_64_uploads", config.memUploadBytes()));
            if (server.name().equals("dualkey") && !config.quick()) {
                // Issue 7's own memory target: 64 concurrent 256 MiB uploads with the server's -Xmx256m.
                // Bodies pulled on demand: the SDK's async client ran out of the load generator's heap here.
                step(out, config, server, "mem_64x256m_uploads", () -> {
                    // 64 x 256 MiB and 1 GiB for RocksDB, logs and the server's 64 MiB reserve
                    Optional<String> noRoom = Servers.shortOfSpace(config.workDir(), (64L << 28) + (1L << 30));
                    if (noRoom.isPresent()) {
                        log("  mem_64x256m_uploads " + noRoom.get());
                        return Measurement.failed("mem_64x256m_uploads", server.name(), "KiB/upload", noRoom.get());
                    }
                    try (StreamingUploads streaming = new StreamingUploads(server, presigner)) {
                        return w.memoryPerUpload("mem_64x256m_uploads", 256L * 1024 * 1024, streaming);
                    }
                });
            }
        }
    }

    /**
     * The cluster rows (issue 20) on {@code upstream}, {@code cluster1} or {@code cluster3}: 4 KiB PUT of new keys
     * and 4 KiB GET ({@code inFlight} requests in flight), then the version deletes (one in flight), plain and, on
     * the gateways, with {@code x-amz-mfa} on an MFA Delete bucket (interleaved, as the single-node rows). Requests
     * go round robin over the gateways ({@link RoundRobinS3}); set-up (IAM, STS) through the first. moto does not
     * enforce MFA Delete, so the upstream has no MFA row: the gateways' MFA deletes compare with its plain ones.
     */
    private static void runCluster(BenchConfig config, ServerUnderTest server, List<Measurement> out)
            throws Exception {
        List<S3AsyncClient> clients = new ArrayList<>();
        for (URI endpoint : server.endpoints()) {
            clients.add(client(config, server, endpoint));
        }
        try (S3AsyncClient client = clients.size() == 1 ? clients.get(0) : new RoundRobinS3(clients)) {
            S3Workloads w = new S3Workloads(config, server, client, "cluster_");
            w.createBuckets();
            VersionDeletes deletes = new VersionDeletes(config, server, client, "cluster_");
            boolean gateways = !server.name().equals("upstream");
            String mfaProblem = gateways && config.wants("cluster_delete_version_mfa")
                    ? prepareMfa(server, deletes) : null;
            // unreported here: the single-node table has the warm-up row
            w.warmUpServer();
            step(out, config, server, "cluster_put4k_new", () -> w.putSmall(4096, false));
            if (config.wants("cluster_get4k")) {
                try {
                    w.prepareSmallObjects();
                    step(out, config, server, "cluster_get4k", w::getSmall);
                } catch (RuntimeException e) {
                    out.add(Measurement.failed("cluster_get4k", server.name(), "ops/s", Errors.describe(e)));
                }
            }
            versionDeletes(out, config, server, deletes, mfaProblem, gateways, "cluster_");
        }
    }

    /** MFA Delete set-up on Dualkey right after its start; returns why it failed, or null. */
    private static String prepareMfa(ServerUnderTest server, VersionDeletes deletes) throws InterruptedException {
        if (server.accountsProblem() != null) {
            log(server.name() + " MFA Delete set-up: " + server.accountsProblem());
            return "set-up failed: " + server.accountsProblem();
        }
        long t0 = System.nanoTime();
        try {
            deletes.prepareMfa(server.accounts());
            log(String.format(java.util.Locale.ROOT, "%s MFA Delete set-up: %d roots x %d devices in %.1f s",
                    server.name(), server.accounts().size(), VersionDeletes.DEVICES_PER_ROOT,
                    (System.nanoTime() - t0) / 1e9));
            return null;
        } catch (RuntimeException e) {
            log(server.name() + " MFA Delete set-up failed: " + Errors.describe(e));
            return "set-up failed: " + Errors.describe(e);
        }
    }

    /**
     * {@code delete_version} and {@code delete_version_mfa} (after {@code rowPrefix}): on Dualkey with MFA Delete
     * set up ({@code mfaServer}), measured together (interleaved); elsewhere plain version deletes only.
     */
    private static void versionDeletes(List<Measurement> out, BenchConfig config, ServerUnderTest server,
                                       VersionDeletes deletes, String mfaProblem, boolean mfaServer,
                                       String rowPrefix) {
        String plainRow = rowPrefix + "delete_version";
        String mfaRow = rowPrefix + "delete_version_mfa";
        boolean wantsPlain = config.wants(plainRow);
        boolean wantsMfa = config.wants(mfaRow);
        if (server.kind() != ServerUnderTest.Kind.S3) {
            notApplicable(out, config, server, plainRow, mfaRow);
            return;
        }
        if (!mfaServer) {
            notApplicable(out, config, server, mfaRow);
        } else if (wantsMfa && mfaProblem != null) {
            out.add(Measurement.failed(mfaRow, server.name(), "ops/s", mfaProblem));
        }
        if (!wantsPlain && !(mfaServer && wantsMfa && mfaProblem == null)) {
            return;
        }
        log(server.name() + (deletes.withMfa() ? " " + plainRow + " + " + mfaRow + " (interleaved)"
                : " " + plainRow));
        List<Measurement> rows;
        try {
            if (!deletes.withMfa()) {
                try {
                    deletes.preparePlain();
                } catch (RuntimeException e) {
                    throw new IllegalStateException("versioning not supported: " + Errors.describe(e), e);
                }
            }
            rows = deletes.run();
        } catch (Exception | Error e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("versioning not supported")
                    ? e.getMessage() : "failed: " + Errors.describe(e);
            rows = deletes.withMfa()
                    ? List.of(Measurement.failed(plainRow, server.name(), "ops/s", why),
                            Measurement.failed(mfaRow, server.name(), "ops/s", why))
                    : List.of(Measurement.failed(plainRow, server.name(), "ops/s", why));
        }
        for (Measurement m : rows) {
            report(out, server, m);
        }
    }

    private interface Workload {
        Measurement run() throws Exception;
    }

    private static void step(List<Measurement> out, BenchConfig config, ServerUnderTest server, String name,
                             Workload workload) {
        if (!config.wants(name)) {
            return;
        }
        log(server.name() + " " + name);
        long start = System.nanoTime();
        Measurement m;
        try {
            m = workload.run();
        } catch (S3Workloads.WorkloadFailed e) {
            m = e.measurement;
        } catch (Exception | Error e) {
            m = Measurement.failed(name, server.name(), "", "failed: " + Errors.describe(e));
        }
        report(out, server, m);
        log("  (" + name + " took " + seconds(start) + " s)");
    }

    /**
     * Warms this load generator's JVM (the SDK client's request path for {@code name}'s answers, and the building
     * of a client) against a throw-away server of the same kind, which is stopped before the measured one starts:
     * without it the {@code warm_up} row measured the client's JIT (S3Workloads#warmUpClient). Dualkey's
     * throw-away runs the same jar with {@code --warm-up 0} (its own JIT does not matter) on its own port and data
     * directory (deleted first); the others are started as for their rows, in the work directory that the
     * measured server's start then deletes and makes again. No figure of it is reported. A failure is logged
     * and the run goes on with a client that is cold for this server.
     */
    private static void warmUpClient(BenchConfig config, String name, List<String> lines) {
        long start = System.nanoTime();
        try {
            ServerUnderTest throwAway;
            Path work;
            if (name.startsWith("dualkey")) {
                if (config.dualkeyJar() == null || !Files.isRegularFile(config.dualkeyJar())) {
                    log("client warm-up skipped: no Dualkey jar");
                    return;
                }
                int port = freePort();
                work = config.workDir().resolve("client-warm-up");
                Servers.deleteRecursively(work);
                Path data = Files.createDirectories(work.resolve("data"));
                String javaCommand = System.getenv().getOrDefault("BENCH_DUALKEY_JAVA", "java");
                List<String> command = new ArrayList<>(List.of(javaCommand.isBlank() ? "java" : javaCommand));
                for (String option : config.dualkeyJvmOptions().trim().split("\\s+")) {
                    if (!option.isEmpty() && !option.startsWith("-XX:StartFlightRecording")) { // BENCH_JFR: the real one's
                        command.add(option);
                    }
                }
                command.addAll(List.of("-jar", config.dualkeyJar().toString(), "serve", "--data-dir", data.toString(),
                        "--address", "127.0.0.1:" + port, "--console-address", "127.0.0.1:" + freePort(),
                        "--warm-up", "0"));
                if (name.equals("dualkey-noenc")) {
                    command.add("--encryption=off");
                }
                // the measured server's name: the client is built with that server's options (BenchMain#client)
                throwAway = new ServerUnderTest(name, ServerUnderTest.Kind.S3, command,
                        Map.of("DUALKEY_ROOT_ACCESS_KEY", Servers.ACCESS_KEY,
                                "DUALKEY_ROOT_SECRET_KEY", Servers.SECRET_KEY), port, work, null, "throw-away");
            } else {
                throwAway = Servers.create(name, config, freePort());
                work = null;
            }
            try (throwAway) {
                throwAway.start(Duration.ofSeconds(150));
                long started = seconds(start);
                try (S3AsyncClient setUp = client(config, throwAway)) {
                    new S3Workloads(config, throwAway, setUp, "").createBuckets();
                }
                S3Workloads w = new S3Workloads(config, throwAway, null, "");
                long windowsStart = System.nanoTime();
                S3Workloads.ClientWarmUp warm = w.warmUpClient(() -> client(config, throwAway));
                String took = "client warm-up against a throw-away " + name + ": " + seconds(start) + " s ("
                        + started + " s to start it, " + warm.windows().size() + " windows of "
                        + S3Workloads.WARM_WINDOW.toSeconds() + " s in " + seconds(windowsStart) + " s), ended by "
                        + warm.ended();
                log(took + "; per window the client's CPU per PUT and its compiler threads' CPU: "
                        + warm.windows());
                lines.add(took);
            }
            if (work != null) {
                Servers.deleteRecursively(work);
            }
        } catch (Exception e) {
            log("client warm-up failed (the " + name + " rows meet a client cold for it): " + Errors.describe(e));
        }
    }

    /**
     * The {@code warm_up} row (issue 19: full speed within 10 s of accepting connections): the seconds from the
     * warm-up's start until the end of the first window whose PUT rate is within 10% of the best window's; the
     * windows' rates, as ratios to the best, and each window's server and client CPU per PUT in the notes. The row
     * is reported only when {@code --workloads} names {@code warm_up} (or names nothing): only then is the client
     * warmed first, and without that the windows time the load generator's JIT (a list-only run reported 30 s while
     * the server's CPU per PUT was flat after 12 s); {@code run.sh --quick --servers dualkey --workloads warm_up}.
     */
    private static void warmUp(List<Measurement> out, ServerUnderTest server, List<Long> rates,
                               List<String> costs) {
        if (rates.isEmpty()) {
            return;
        }
        long best = java.util.Collections.max(rates);
        int first = 0;
        while (rates.get(first) < 0.9 * best) {
            first++;
        }
        Measurement m = new Measurement("warm_up", server.name(), "s");
        m.values.add((double) (first + 1) * S3Workloads.WARM_WINDOW.toSeconds());
        StringBuilder ratios = new StringBuilder();
        for (long r : rates) {
            ratios.append(ratios.length() == 0 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.2f",
                    best == 0 ? 0 : (double) r / best));
        }
        m.notes.add("seconds until a " + S3Workloads.WARM_WINDOW.toSeconds() + "-s window reached 90% of the best ("
                + best + " PUT/s); windows / best: " + ratios
                + "; CPU-us per PUT per window, server/client, each request threads+JIT compiler threads+GC/VM"
                + " threads: " + String.join(" ", costs) + "; clock from the first PUT after the freshly started"
                + " server accepted; the client was warmed first against a throw-away " + server.name()
                + " (a new SDK client and a CreateBucket every 3-s window, until its compile rate was low or its"
                + " CPU per PUT stopped falling: the header's client warm-up line)");
        report(out, server, m);
    }

    private static void report(List<Measurement> out, ServerUnderTest server, Measurement m) {
        if (!server.isAlive()) {
            m.failure = "server died: " + server.tail();
        }
        log("  " + m.workload + ": " + (m.hasValue() ? String.format("%.1f %s, p50 %.2f ms, p99 %.2f ms%s", m.median(), m.unit,
                m.latencyMicros(50) / 1000.0, m.latencyMicros(99) / 1000.0,
                m.errors > 0 ? ", " + m.errors + " errors: " + m.firstError : "") : m.failure));
        out.add(m);
    }

    private static void notApplicable(List<Measurement> out, BenchConfig config, ServerUnderTest server,
                                      String... names) {
        for (String n : names) {
            if (config.wants(n)) {
                out.add(Measurement.failed(n, server.name(), "", "n/a"));
            }
        }
    }

    static S3AsyncClient client(BenchConfig config, ServerUnderTest server) {
        return client(config, server, server.endpoint());
    }

    /**
     * The SDK client of one endpoint of {@code server}. The cluster rows' servers all get moto's client (no
     * {@code Expect: 100-continue}): the upstream and the gateways are then measured with the same requests.
     */
    static S3AsyncClient client(BenchConfig config, ServerUnderTest server, URI endpoint) {
        return S3AsyncClient.builder()
                // s3proxy answers 501 NotImplemented to the aws-chunked bodies with trailing checksums that the
                // SDK sends by default; every other server gets the SDK's defaults.
                // BENCH_CHECKSUM_WHEN_REQUIRED=1: diagnostic, the same for every server (no aws-chunked bodies).
                .requestChecksumCalculation(server.name().equals("s3proxy")
                        || "1".equals(System.getenv("BENCH_CHECKSUM_WHEN_REQUIRED"))
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .overrideConfiguration(o -> {
                    // No retries: a failed request is counted as an error, not hidden behind a second attempt.
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    // A server that stalls fails the operation instead of stopping the benchmark (moto needs
                    // minutes for 256 MiB; 60 s still means at least 4.5 MB/s).
                    o.apiCallTimeout(Duration.ofSeconds(60));
                    // BENCH_NO_EXPECT_CONTINUE=1: diagnostic, shows what the 100-continue round trip costs a server.
                    if (server.name().equals("moto") || ClusterServers.isClusterRow(server.name())
                            || "1".equals(System.getenv("BENCH_NO_EXPECT_CONTINUE"))) {
                        o.addExecutionInterceptor(new WithoutExpectContinue());
                    }
                })
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Math.max(64, config.inFlight()) * 2)
                        .maxPendingConnectionAcquires(10_000)
                        .connectionAcquisitionTimeout(Duration.ofMinutes(2))
                        .readTimeout(Duration.ofMinutes(5))
                        .writeTimeout(Duration.ofMinutes(5)))
                .build();
    }

    private static S3Presigner presigner(ServerUnderTest server) {
        return S3Presigner.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(Servers.ACCESS_KEY, Servers.SECRET_KEY));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void log(String line) {
        System.err.println("[bench] " + line);
    }
}
