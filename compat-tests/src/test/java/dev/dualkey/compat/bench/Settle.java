package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Waits, with a cap, until work that the measurement should not overlap has ended (issue 19: the run-to-run
 * spread). Two waits, both read from {@code /proc} and both reported in the results:
 * <ul>
 * <li>{@link #machine}: before each server starts (and before the client's warm-up), until the whole machine's CPU
 * was mostly idle over {@link #MACHINE_WINDOW} twice in a row. A recorded run started right after another one at
 * load average 14-18 (the load average lags by a minute) and was slow on every row; what is measured here is what
 * runs now: busy time ({@code user nice system irq softirq steal} of {@code /proc/stat}'s {@code cpu} line) and
 * {@code iowait}, as shares of all cores.</li>
 * <li>{@link #server}: before the list rows, until the server's own process tree used almost no CPU over
 * {@link #SERVER_WINDOW} twice in a row: after the bucket's fill (or {@code versioned_put4k}'s PUTs) RocksDB
 * flushes and compacts in the background, and a list row measured during that pays for it in its CPU per page and
 * its latency.</li>
 * </ul>
 * Neither wait times an operation: they only decide when a measured phase starts.
 */
final class Settle {
    /** One sample of the machine's CPU; two quiet samples in a row end the wait. */
    static final Duration MACHINE_WINDOW = Duration.ofSeconds(2);
    /** Machine quiet: busy under this share of all cores, and iowait under {@link #MACHINE_IOWAIT}. */
    static final double MACHINE_BUSY = 0.15;
    static final double MACHINE_IOWAIT = 0.10;
    /** One sample of the server's CPU; two quiet samples in a row end the wait. */
    static final Duration SERVER_WINDOW = Duration.ofSeconds(1);
    /** Server quiet: its process tree used under this share of one core (idle JVM and RocksDB threads: ~1%). */
    static final double SERVER_BUSY = 0.05;
    private static final int QUIET_SAMPLES = 2;

    private Settle() {
    }

    /**
     * Waits until the machine is quiet or {@code cap} has passed; a zero cap only samples once.
     *
     * @return what it saw, for the results: the load average and the CPU shares before, the wait, the last sample
     */
    static String machine(Duration cap) throws InterruptedException {
        String load = loadAverage();
        long start = System.nanoTime();
        long[] before = cpuLine();
        double[] first = null;
        double[] last = null;
        int quiet = 0;
        do {
            Thread.sleep(MACHINE_WINDOW.toMillis());
            long[] now = cpuLine();
            last = shares(before, now);
            before = now;
            if (first == null) {
                first = last;
            }
            quiet = last[0] < MACHINE_BUSY && last[1] < MACHINE_IOWAIT ? quiet + 1 : 0;
        } while (quiet < QUIET_SAMPLES && System.nanoTime() - start < cap.toNanos());
        long waited = Math.round((System.nanoTime() - start) / 1e9);
        return String.format(Locale.ROOT, "load average %s; CPU busy %.0f%%, iowait %.0f%% of %d cores; %s after"
                        + " %d s (busy %.0f%%, iowait %.0f%%; dirty+writeback %d MiB; page cache %d MiB, free %d MiB)",
                load, first[0] * 100, first[1] * 100, Runtime.getRuntime().availableProcessors(),
                quiet >= QUIET_SAMPLES ? "settled" : "still busy at the " + cap.toSeconds() + "-s cap", waited,
                last[0] * 100, last[1] * 100, meminfoMib("Dirty:", "Writeback:"), meminfoMib("Cached:"),
                meminfoMib("MemFree:"));
    }

    /**
     * Waits until {@code tree} (the server) is quiet or {@code cap} has passed.
     *
     * @return for the row's notes: how long it waited and the server's CPU share in the first and last window
     */
    static String server(ProcessTree tree, Duration cap) throws InterruptedException {
        long start = System.nanoTime();
        long before = tree.cpuNanos();
        if (before < 0) {
            return "server settle wait skipped (no schedstat)";
        }
        double first = -1;
        double last;
        int quiet = 0;
        do {
            long t0 = System.nanoTime();
            Thread.sleep(SERVER_WINDOW.toMillis());
            long now = tree.cpuNanos();
            last = (double) (now - before) / (System.nanoTime() - t0);
            before = now;
            if (first < 0) {
                first = last;
            }
            quiet = last < SERVER_BUSY ? quiet + 1 : 0;
        } while (quiet < QUIET_SAMPLES && System.nanoTime() - start < cap.toNanos());
        double waited = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "server %s after %.0f s (its CPU %.0f%% of a core in the first second,"
                        + " %.0f%% in the last)", quiet >= QUIET_SAMPLES ? "settled" : "still busy at the cap", waited,
                first * 100, last * 100);
    }

    /** {@code /proc/loadavg}'s three averages. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {user, nice, system, idle, iowait, irq, softirq, steal} of {@code /proc/stat}'s first line, in ticks. */
    private static long[] cpuLine() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long[] v = new long[8];
                    for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                        v[i] = Long.parseLong(f[i + 1]);
                    }
                    return v;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc: every share reads 0 and the wait ends after two windows
        }
        return new long[8];
    }

    /** {busy, iowait} as shares of all the time between two {@link #cpuLine} readings. */
    private static double[] shares(long[] a, long[] b) {
        long[] d = new long[8];
        long total = 0;
        for (int i = 0; i < 8; i++) {
            d[i] = b[i] - a[i];
            total += d[i];
        }
        if (total <= 0) {
            return new double[] {0, 0};
        }
        long busy = d[0] + d[1] + d[2] + d[5] + d[6] + d[7];
        return new double[] {(double) busy / total, (double) d[4] / total};
    }

    /**
     * The sum of {@code /proc/meminfo} fields, in MiB, -1 when unreadable: {@code Dirty:} and {@code Writeback:}
     * are page cache still to be written (a big upload's tail); {@code Cached:} and {@code MemFree:} are in the
     * results because on the bench's VM a page cache of 12-16 GiB (old bench data) cost wrk_put4k a quarter of its
     * rate and doubled its p99 against the same machine with 2 GiB cached (issue 19, session 22, put-tail.sh).
     */
    private static long meminfoMib(String... fields) {
        long kib = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                for (String field : fields) {
                    if (line.startsWith(field)) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return kib / 1024;
    }
}
