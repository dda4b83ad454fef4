package dev.dualkey.compat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line settings. {@code --quick} shrinks every count for development; the full suite is what the README
 * table comes from.
 *
 * @param smallOps      measured operations per run of a small-object workload (capped by {@code runTime})
 * @param warmupOps     operations per warm-up (capped by {@code warmupTime}), excluded from every figure
 * @param largeBytes    size of the "256 MiB" single PUT/GET
 * @param multipartBytes size of the "1 GiB" multipart upload (16 MiB parts, 4 in flight)
 * @param memUploadBytes size of each of the 64 concurrent uploads of the memory workload
 * @param versions      versions in the ListObjectVersions bucket ({@code --versions}, e.g. 1000000)
 * @param mfaAccounts   accounts (the benchmark's own + ones made offline) whose roots hold the MFA devices of
 *                      {@code delete_version_mfa}; each root holds 8 devices, each device about one code per 30 s
 * @param mfaPairs      measured (plain, MFA) delete pairs per run of the interleaved delete workloads
 * @param mfaWarmupPairs warm-up pairs per run, excluded
 * @param settleMax     cap of each wait for a quiet machine before a server starts ({@code --settle-max SECONDS},
 *                      {@link Settle#machine}; 0 samples the machine without waiting)
 * @param reference     true in the settings of a reference server ({@link #forServer}): shorter phases, said in
 *                      its rows' notes
 */
record BenchConfig(boolean quick, int runs, List<String> servers, List<String> workloads, Path outDir,
                   Path workDir, Path benchDir, Path dualkeyJar, Path s3proxyJar, String dualkeyJvmOptions,
                   int inFlight, long smallOps, long warmupOps, Duration warmupTime, Duration runTime, long largeBytes,
                   long multipartBytes, long memUploadBytes, int versions, Duration wrkTime, int wrkConnections,
                   int mfaAccounts, int mfaPairs, int mfaWarmupPairs, Duration settleMax,
                   boolean reference) {

    static BenchConfig parse(String[] args) {
        boolean quick = false;
        int runs = 3;
        List<String> servers = List.of("dualkey", "nginx", "moto", "s3proxy", "upstream", "cluster1", "cluster3");
        List<String> workloads = List.of();
        Path out = Path.of("compat-tests/target/bench");
        Path work = Path.of("compat-tests/target/bench/work");
        Path benchDir = Path.of("compat-tests/bench");
        Path dualkeyJar = Path.of("gateway/target/dualkey.jar");
        Path s3proxyJar = Path.of("compat-tests/target/bench-build/s3proxy.jar");
        String jvm = "-Xmx256m";
        int versions = 20000;
        int inFlight = 32;
        Duration settleMax = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--servers" -> servers = List.of(args[++i].split(","));
                case "--workloads" -> workloads = List.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--bench-dir" -> benchDir = Path.of(args[++i]);
                case "--dualkey-jar" -> dualkeyJar = Path.of(args[++i]);
                case "--s3proxy-jar" -> s3proxyJar = Path.of(args[++i]);
                case "--dualkey-jvm" -> jvm = args[++i];
                case "--versions" -> versions = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--settle-max" -> settleMax = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        out = out.toAbsolutePath();
        work = work.toAbsolutePath();
        benchDir = benchDir.toAbsolutePath();
        dualkeyJar = dualkeyJar.toAbsolutePath();
        s3proxyJar = s3proxyJar.toAbsolutePath();
        long mib = 1024 * 1024;
        if (settleMax == null) {
            settleMax = Duration.ofSeconds(quick ? 10 : 60);
        }
        return quick
                ? new BenchConfig(true, runs, servers, workloads, out, work, benchDir, dualkeyJar, s3proxyJar, jvm,
                        inFlight, 1500, 300, Duration.ofSeconds(1), Duration.ofSeconds(3), 32 * mib, 128 * mib, 4 * mib,
                        Math.min(versions, 3000),
                        Duration.ofSeconds(3), 64, 4, 30, 5, settleMax, false)
                : new BenchConfig(false, runs, servers, workloads, out, work, benchDir, dualkeyJar, s3proxyJar, jvm,
                        inFlight, 20000, 2000, Duration.ofSeconds(2), Duration.ofSeconds(6), 256 * mib, 1024 * mib, 32 * mib,
                        versions, Duration.ofSeconds(6), 64, 9, 100, 10, settleMax, false);
    }

    /**
     * Servers measured as a reference point only: moto (in memory, hundreds of operations per second), alone
     * ({@code moto}) or as the cluster rows' {@code upstream}. Their rows are not targets, and at full size they
     * took about 13 of a full run's 40 minutes (session 13): mostly phases that end on their time cap (6-s runs of
     * 20,000 operations at ~400/s), a 256 MiB PUT that times out after 73 s in every recorded run, and three
     * 1 GiB multipart uploads of 12-26 s each.
     */
    static boolean isReference(String server) {
        return server.equals("moto") || server.equals("upstream");
    }

    /**
     * The settings of {@code server}: this one, or for a reference server ({@link #isReference}) in full mode
     * shorter phases ({@link #REFERENCE_NOTE}): 2-s measured runs of at most 2,000 operations after a 1-s warm-up
     * of at most 500, wrk runs of 2 s (a wrk PUT list for 2,000 PUT/s), the large transfers ({@link #largeRuns})
     * once (the single PUT/GET with a 30-s call timeout, the multipart's parts within a minute), the list fill at
     * most 20 s
     * ({@link S3Workloads#fillTime}). The counts and caps of every other server, and
     * each server's {@code warm_up} row, stay as they are.
     */
    BenchConfig forServer(String server) {
        if (quick || !isReference(server)) {
            return this;
        }
        return new BenchConfig(false, runs, servers, workloads, outDir, workDir, benchDir, dualkeyJar, s3proxyJar,
                dualkeyJvmOptions, inFlight, Math.min(smallOps, 2000), Math.min(warmupOps, 500),
                min(warmupTime, Duration.ofSeconds(1)), min(runTime, Duration.ofSeconds(2)), largeBytes,
                multipartBytes, memUploadBytes, versions, min(wrkTime, Duration.ofSeconds(2)), wrkConnections,
                mfaAccounts, mfaPairs, mfaWarmupPairs, settleMax, true);
    }

    /** What {@link #forServer} shortened, for the notes of a reference server's rows. */
    static final String REFERENCE_NOTE = "reference server, shortened phases: measured runs of at most 2 s and 2000"
            + " ops (1-s warm-up), wrk runs of 2 s, large transfers 1 run (256 MiB PUT/GET: 30-s timeout; multipart"
            + " parts: 1 min), list fill at most 20 s";

    /** Runs of the large-transfer rows (put/get of {@code largeBytes}, multipart): one on a reference server. */
    int largeRuns() {
        return reference ? 1 : runs;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    boolean wants(String workload) {
        return workloads.isEmpty() || workloads.stream().anyMatch(workload::startsWith);
    }

    List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("mode " + (quick ? "quick" : "full") + ", " + runs + " runs per workload, " + inFlight
                + " requests in flight (SDK), wrk " + wrkConnections + " connections for " + wrkTime.toSeconds() + " s"
                + "; before each server a wait for a quiet machine (at most " + settleMax.toSeconds() + " s)");
        return lines;
    }
}
