package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The wrk workloads: each server's own ceiling without the SDK's client-side cost. S3 servers get presigned URLs
 * (signed once, reused for the whole run), nginx plain paths. Latency percentiles come from wrk's own
 * {@code --latency} output; wrk's non-2xx count and socket errors are reported as errors.
 */
final class WrkWorkloads {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final int THREADS = 2;

    private final BenchConfig config;
    private final ServerUnderTest server;
    private final S3Presigner presigner;

    WrkWorkloads(BenchConfig config, ServerUnderTest server, S3Presigner presigner) {
        this.config = config;
        this.server = server;
        this.presigner = presigner;
    }

    /**
     * PUT of 4 KiB to new keys: the path list is long enough for the run at 40,000 PUT/s (a reference server's,
     * {@link BenchConfig#forServer}, at 2,000). The list is presigned by {@link QueryPresign} (the SDK's presigned
     * path of the run's first key, re-signed per key; the SDK itself, on all cores, when that does not check out):
     * the SDK's presigner took 9 CPU-s per 60,000 in a cold JVM (session 13, load 25-38), and 3 runs of 240,000
     * one at a time were a minute or more of each S3 server's set-up.
     */
    Measurement put4k() throws Exception {
        int count = (int) Math.min(2_000_000, config.wrkTime().toSeconds() * (config.reference() ? 2_000 : 40_000));
        Measurement m = new Measurement("wrk_put4k", server.name(), "ops/s");
        for (int run = 0; run < config.runs(); run++) {
            String prefix = "wrk-put/r" + run + "/";
            List<String> paths = putPaths(prefix, count);
            run(m, paths, "PUT", 4096, THREADS, config.wrkConnections());
        }
        return m;
    }

    /** GET of the 1000 small objects written by {@link S3Workloads#prepareSmallObjects}. */
    Measurement get4k() throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            paths.add(path("GET", S3Workloads.getKey(i)));
        }
        Measurement m = new Measurement("wrk_get4k", server.name(), "ops/s");
        for (int run = 0; run < config.runs(); run++) {
            run(m, paths, "GET", 0, THREADS, config.wrkConnections());
        }
        return m;
    }

    /**
     * The {@code list_versions_page_raw} row: ListObjectVersions pages of 1000, presigned (the chain from the
     * first page to the last, {@link RawListPages#presignedChain}), replayed in order by wrk over one connection,
     * one page at a time. wrk reads each page (360-800 KB) and drops it, so the latency is the server's (plus
     * loopback), not a Java client's. The JDK HttpClient that this row used before ({@link RawListPages}) spent
     * 2.2-3.1 ms of its own CPU per page even after 30 s of warm-up (signing, the body's buffers copied into one
     * array, its selector and executor threads), on the cores the server uses, and in the bench it had about 25
     * pages of warm-up: its p50 was 6-8 ms where wrk's is 2-3.5 ms on the same server (session 12, README).
     */
    Measurement listPages(Measurement m, List<String> pagePaths) throws Exception {
        for (int run = 0; run < config.runs(); run++) {
            run(m, pagePaths, "GET", 0, 1, 1);
        }
        return m;
    }

    /**
     * Adds {@code count} versions to the ListObjectVersions bucket with 0-byte PUTs over wrk's connections
     * (presigned, cycling over the 1000 keys {@code v/0000..v/0999}): a real PUT through the server for every
     * version, only without the SDK client's cost and the 4 KiB body, so 1,000,000 versions take minutes, not the
     * 20 of a 4 KiB SDK fill on this loaded machine (issue 19). Stops after {@code count} responses (plus at most
     * the connections in flight) or after {@code limit}.
     *
     * @return the versions added: wrk's responses less its non-2xx and socket errors
     */
    Fill fillVersions(long count, Duration limit) throws Exception {
        List<String> paths = new ArrayList<>(1000);
        for (int i = 0; i < 1000; i++) {
            String key = String.format("v/%04d", i);
            paths.add(presigner.presignPutObject(p -> p.signatureDuration(limit.plusMinutes(5))
                    .putObjectRequest(r -> r.bucket(S3Workloads.VERSIONED_BUCKET).key(key))).url().getFile());
        }
        Path file = config.workDir().resolve(server.name() + "-fill-paths.txt");
        Files.write(file, paths, StandardCharsets.UTF_8);
        Path script = config.benchDir().resolve("wrk/fill.lua").toAbsolutePath();
        long quota = (count + THREADS - 1) / THREADS;
        Path done = config.workDir().resolve(server.name() + "-fill-done-");
        for (int t = 1; t <= THREADS; t++) {
            Files.deleteIfExists(Path.of(done + Integer.toString(t)));
        }
        long t0 = System.nanoTime();
        List<String> command = List.of("wrk", "-t" + THREADS, "-c" + config.wrkConnections(),
                "-d" + limit.toSeconds() + "s", "-s", script.toString(), server.endpoint().toString(),
                "--", file.toAbsolutePath().toString(), "PUT", "0", Integer.toString(THREADS), Long.toString(quota),
                done.toAbsolutePath().toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                config.workDir().resolve(server.name() + "-fill.txt").toFile()).start();
        // wrk waits out -d even when its threads stopped at their quota: once every thread says so, SIGINT ends it
        // (it then prints its summary)
        while (p.isAlive()) {
            boolean all = true;
            for (int t = 1; t <= THREADS; t++) {
                all &= Files.exists(Path.of(done + Integer.toString(t)));
            }
            if (all) {
                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
                break;
            }
            Thread.sleep(200);
        }
        p.waitFor();
        String out = Files.readString(config.workDir().resolve(server.name() + "-fill.txt"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        Matcher total = TOTAL.matcher(out);
        if (!total.find()) {
            throw new IllegalStateException("wrk fill failed: " + out.replaceAll("\\s+", " "));
        }
        long errors = count(NON_2XX, out);
        Matcher socket = SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        return new Fill(Long.parseLong(total.group(1)) - errors, errors, took);
    }

    /** What {@link #fillVersions} did: versions added, requests that failed, wall time. */
    record Fill(long added, long errors, Duration took) {
    }

    /** Presigned PUT paths of {@code prefix + 0 .. count - 1} (plain paths for nginx); see {@link #put4k}. */
    private List<String> putPaths(String prefix, int count) {
        long t0 = System.nanoTime();
        QueryPresign fast = presigner == null ? null : QueryPresign.from(path("PUT", prefix + 0), S3Workloads.BUCKET,
                prefix + 0, server.endpoint().getAuthority(), Servers.SECRET_KEY);
        List<String> paths = java.util.stream.IntStream.range(0, count).parallel()
                .mapToObj(i -> fast != null ? fast.put(prefix + i) : path("PUT", prefix + i)).toList();
        BenchMain.log(String.format(java.util.Locale.ROOT, "  %d wrk PUT paths in %.1f s (%s)", count,
                (System.nanoTime() - t0) / 1e9, presigner == null ? "plain" : fast != null
                        ? "presigned: the SDK's first, re-signed per key" : "presigned by the SDK"));
        return paths;
    }

    private String path(String method, String key) {
        if (presigner == null) {
            return "/" + S3Workloads.BUCKET + "/" + key;
        }
        var url = method.equals("PUT")
                ? presigner.presignPutObject(p -> p.signatureDuration(Duration.ofHours(1))
                        .putObjectRequest(r -> r.bucket(S3Workloads.BUCKET).key(key))).url()
                : presigner.presignGetObject(p -> p.signatureDuration(Duration.ofHours(1))
                        .getObjectRequest(r -> r.bucket(S3Workloads.BUCKET).key(key))).url();
        return url.getFile();
    }

    private void run(Measurement m, List<String> paths, String method, int bodyBytes, int threads,
                     int connections) throws Exception {
        Path file = config.workDir().resolve(server.name() + "-wrk-paths.txt");
        Files.write(file, paths, StandardCharsets.UTF_8);
        Path script = config.benchDir().resolve("wrk/paths.lua").toAbsolutePath();
        // Warm-up, excluded: a short run over the same paths (PUTs overwrite the keys they reuse).
        wrk(script, file, method, bodyBytes, Duration.ofSeconds(Math.max(1, config.wrkTime().toSeconds() / 5)),
                threads, connections);
        ProcessTree tree = server.tree();
        tree.resetPeakRss();
        double cpu0 = tree.cpuSeconds();
        String out = wrk(script, file, method, bodyBytes, config.wrkTime(), threads, connections);
        m.cpuSeconds += tree.cpuSeconds() - cpu0;
        m.peakRssKib = Math.max(m.peakRssKib, tree.peakRssKib());
        Files.writeString(config.workDir().resolve(server.name() + "-" + m.workload + ".txt"), out);
        Matcher rate = RATE.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rate.find() || !total.find()) {
            m.failure = "wrk failed: " + out.replaceAll("\\s+", " ");
            return;
        }
        long requests = Long.parseLong(total.group(1));
        long errors = count(NON_2XX, out);
        Matcher socket = SOCKET_ERRORS.matcher(out);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        if (errors > 0) {
            m.recordError(errors, null);
            if (m.firstError == null) {
                m.firstError = errors + " of " + requests + " wrk requests failed (non-2xx or socket errors)";
            }
        }
        if (requests - errors <= 0) {
            m.failure = "all wrk requests failed";
            return;
        }
        m.ops += requests - errors;
        m.values.add(Double.parseDouble(rate.group(1)) * (requests - errors) / requests);
        Matcher p = PERCENTILE.matcher(out);
        while (p.find()) {
            long micros = toMicros(Double.parseDouble(p.group(2)), p.group(3));
            // wrk reports percentiles, not samples: keep them as the two reported points (p50, p99) per run.
            m.wrkPercentiles.add(new long[] {Long.parseLong(p.group(1)), micros});
        }
    }

    private String wrk(Path script, Path paths, String method, int bodyBytes, Duration time, int threads,
                       int connections) throws IOException, InterruptedException {
        List<String> command = List.of("wrk", "-t" + threads, "-c" + connections,
                "-d" + time.toSeconds() + "s", "--latency", "-s", script.toString(), server.endpoint().toString(),
                "--", paths.toAbsolutePath().toString(), method, Integer.toString(bodyBytes),
                Integer.toString(threads));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long count(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static long toMicros(double value, String unit) {
        return switch (unit) {
            case "us" -> Math.round(value);
            case "ms" -> Math.round(value * 1000);
            default -> Math.round(value * 1_000_000);
        };
    }
}
