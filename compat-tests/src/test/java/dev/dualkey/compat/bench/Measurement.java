package dev.dualkey.compat.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The figures of one workload on one server, accumulated over its runs: one value per run (ops/s, MB/s or
 * KiB per upload), every latency of every measured operation (microseconds), the server's CPU seconds and the
 * highest peak RSS seen during a measured phase.
 */
final class Measurement {
    final String workload;
    final String server;
    final String unit;
    final List<Double> values = new ArrayList<>();
    final Histogram latencyMicros = new Histogram(3);
    double cpuSeconds;
    long ops;
    long errors;
    long peakRssKib;
    String firstError;
    /** Memory workload only: peak used JVM heap growth per upload (KiB), or NaN when the server is no JVM. */
    double heapPerUploadKib = Double.NaN;
    String failure;
    final List<String> notes = new ArrayList<>();
    /** wrk's own percentiles ({percent, micros}), one pair per run and percentile; SDK runs use the histogram. */
    final List<long[]> wrkPercentiles = new ArrayList<>();

    Measurement(String workload, String server, String unit) {
        this.workload = workload;
        this.server = server;
        this.unit = unit;
    }

    static Measurement failed(String workload, String server, String unit, String why) {
        Measurement m = new Measurement(workload, server, unit);
        m.failure = why;
        return m;
    }

    boolean lowerIsBetter() {
        return unit.startsWith("KiB") || unit.equals("ms") || unit.equals("s");
    }

    boolean hasValue() {
        return failure == null && !values.isEmpty();
    }

    double median() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return Collections.min(values);
    }

    double max() {
        return Collections.max(values);
    }

    /** Latency at {@code percent} (50 or 99) in microseconds, or -1 when none was recorded. */
    long latencyMicros(int percent) {
        if (!wrkPercentiles.isEmpty()) {
            // wrk gives one figure per run: report the median of the runs' figures.
            List<Long> xs = new ArrayList<>();
            wrkPercentiles.stream().filter(p -> p[0] == percent).forEach(p -> xs.add(p[1]));
            Collections.sort(xs);
            return xs.isEmpty() ? -1 : xs.get(xs.size() / 2);
        }
        return latencyMicros.getTotalCount() == 0 ? -1 : latencyMicros.getValueAtPercentile(percent);
    }

    /** CPU seconds of the server per 1000 measured operations, or NaN when nothing was measured. */
    double cpuPerThousandOps() {
        return ops == 0 ? Double.NaN : cpuSeconds * 1000.0 / ops;
    }

    void recordError(long count, Throwable error) {
        errors += count;
        if (firstError == null && error != null) {
            firstError = Errors.describe(error);
        }
    }
}
