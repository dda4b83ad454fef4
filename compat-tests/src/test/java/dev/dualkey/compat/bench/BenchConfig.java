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
 */
record BenchConfig(boolean quick, int runs, List<String> servers, List<String> workloads, Path outDir,
                   Path workDir, Path benchDir, Path dualkeyJar, Path s3proxyJar, String dualkeyJvmOptions,
                   int inFlight, long smallOps, long warmupOps, Duration warmupTime, Duration runTime, long largeBytes,
                   long multipartBytes, long memUploadBytes, int versions, Duration wrkTime, int wrkConnections,
                   int mfaAccounts, int mfaPairs, int mfaWarmupPairs, Duration settleMax) {

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
                        Duration.ofSeconds(3), 64, 4, 30, 5, settleMax)
                : new BenchConfig(false, runs, servers, workloads, out, work, benchDir, dualkeyJar, s3proxyJar, jvm,
                        inFlight, 20000, 2000, Duration.ofSeconds(2), Duration.ofSeconds(6), 256 * mib, 1024 * mib, 32 * mib,
                        versions, Duration.ofSeconds(6), 64, 9, 100, 10, settleMax);
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
