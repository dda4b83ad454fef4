package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Writes the comparison as one Markdown table (also printed) and one CSV, plus the issue-7 target checks. */
final class ReportWriter {
    private final BenchConfig config;
    private final List<Measurement> results;
    private final List<String> serverLines;

    ReportWriter(BenchConfig config, List<Measurement> results, List<String> serverLines) {
        this.config = config;
        this.results = results;
        this.serverLines = serverLines;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Dualkey benchmark\n\n");
        md.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        md.append("- Machine: ").append(machine()).append('\n');
        md.append("- **The load generator (AWS SDK v2 async client, or wrk) and the server share these cores**; "
                + "servers run one at a time on loopback. The machine is shared with other work: quote medians "
                + "and ratios, not single figures.\n");
        config.describe().forEach(l -> md.append("- ").append(l).append('\n'));
        serverLines.forEach(l -> md.append("- ").append(l).append('\n'));
        md.append("- Value: median of the runs (min-max); p50/p99 over every measured request (wrk: its own "
                + "percentiles, median of runs); CPU-s/1k = server CPU seconds (user+sys, /proc/PID/stat) per 1000 "
                + "operations (per operation of 1 object for MB/s rows); peak RSS = VmHWM during the measured "
                + "phases; vs best peer = value / best other server's value (for KiB/upload lower is better).\n\n");
        List<Measurement> singleNode = results.stream().filter(m -> !isClusterRow(m)).toList();
        if (!singleNode.isEmpty()) {
            table(md, singleNode);
        }
        clusterSection(md);
        md.append("\n## Issue 7 targets (Dualkey)\n\n");
        targets().forEach(t -> md.append("- ").append(t).append('\n'));
        return md.toString();
    }

    private void table(StringBuilder md, List<Measurement> rows) {
        md.append("| Workload | Server | Value | Unit | p50 ms | p99 ms | CPU-s/1k ops | Peak RSS MiB | vs best peer | Notes |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : rows) {
            md.append("| ").append(m.workload).append(" | ").append(m.server).append(" | ");
            if (!m.hasValue()) {
                md.append(Optional.ofNullable(m.failure).orElse("n/a")).append(" | ").append(m.unit)
                        .append(" | | | | | | ").append(String.join("; ", m.notes)).append(" |\n");
                continue;
            }
            md.append(num(m.median()));
            if (m.values.size() > 1) {
                md.append(" (").append(num(m.min())).append("-").append(num(m.max())).append(")");
            }
            md.append(" | ").append(m.unit).append(" | ").append(ms(m.latencyMicros(50))).append(" | ")
                    .append(ms(m.latencyMicros(99))).append(" | ").append(num(m.cpuPerThousandOps())).append(" | ")
                    .append(m.peakRssKib == 0 ? "" : num(m.peakRssKib / 1024.0)).append(" | ")
                    .append(ratio(m)).append(" | ").append(notes(m)).append(" |\n");
        }
    }

    /** Rows of the cluster servers ({@code cluster_*} workloads, and a cluster server that could not start). */
    private static boolean isClusterRow(Measurement m) {
        return m.workload.startsWith(CLUSTER) || ClusterServers.isClusterRow(m.server);
    }

    private static final String CLUSTER = "cluster_";
    private static final List<String> CLUSTER_SERVERS = List.of("upstream", "cluster1", "cluster3");

    /**
     * Issue 20's comparison: each cluster row through 1 and 3 gateways against the upstream alone (same run,
     * same client), as ratios of the medians; the MFA delete against the upstream's plain version delete (moto
     * has no MFA Delete). Then every cluster row in full.
     */
    private void clusterSection(StringBuilder md) {
        List<Measurement> rows = results.stream().filter(ReportWriter::isClusterRow).toList();
        if (rows.isEmpty()) {
            return;
        }
        md.append("\n## Cluster mode (issue 20)\n\n");
        md.append("upstream = moto alone; cluster1 / cluster3 = etcd + that moto + 1 / 3 gateways (`serve --upstream "
                + "--state`), requests round robin over the gateways; PUT/GET with " + config.inFlight()
                + " requests in flight, deletes one at a time. x gw / upstream = ratio of the medians (the MFA delete "
                + "against the upstream's plain version delete). CPU-s/1k = all processes (gateways, etcd, moto).\n\n");
        md.append("| Workload | upstream | 1 gateway | 3 gateways | unit | 1 gw / upstream | 3 gw / upstream "
                + "| p50 ms (upstream / 1 / 3) | CPU-s/1k ops (upstream / 1 / 3) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (String w : ClusterServers.ROWS) {
            List<Optional<Measurement>> ms = CLUSTER_SERVERS.stream().map(s -> clusterCell(s, w)).toList();
            if (ms.stream().allMatch(Optional::isEmpty)) {
                continue;
            }
            Optional<Measurement> base = clusterCell("upstream",
                    w.equals("cluster_delete_version_mfa") ? "cluster_delete_version" : w)
                    .filter(Measurement::hasValue);
            md.append("| ").append(w.substring(CLUSTER.length()));
            for (Optional<Measurement> m : ms) {
                md.append(" | ").append(m.map(x -> x.hasValue() ? num(x.median())
                        : Optional.ofNullable(x.failure).orElse("n/a")).orElse(""));
            }
            md.append(" | ").append(ms.stream().flatMap(Optional::stream).map(x -> x.unit)
                    .filter(u -> !u.isEmpty()).findFirst().orElse(""));
            for (int i = 1; i < 3; i++) {
                Optional<Measurement> m = ms.get(i).filter(Measurement::hasValue);
                md.append(" | ").append(m.isPresent() && base.isPresent() && base.get().median() > 0
                        ? String.format(Locale.ROOT, "%.2fx", m.get().median() / base.get().median()) : "");
            }
            md.append(" | ").append(String.join(" / ", ms.stream().map(m -> m.filter(Measurement::hasValue)
                    .map(x -> ms(x.latencyMicros(50))).orElse("-")).toList()));
            md.append(" | ").append(String.join(" / ", ms.stream().map(m -> m.filter(Measurement::hasValue)
                    .map(x -> num(x.cpuPerThousandOps())).filter(v -> !v.isEmpty()).orElse("-")).toList()))
                    .append(" |\n");
        }
        md.append("\n");
        table(md, rows);
    }

    /** The row of {@code workload} on {@code server}, or the server's "cannot start" row. */
    private Optional<Measurement> clusterCell(String server, String workload) {
        return find(server, m -> m.workload.equals(workload)).or(() -> find(server, m -> m.workload.equals("(server)")));
    }

    String csv() {
        StringBuilder csv = new StringBuilder(
                "workload,server,unit,median,min,max,runs,p50_ms,p99_ms,cpu_s_per_1k_ops,peak_rss_mib,ratio_best_peer,errors,note\n");
        for (Measurement m : results) {
            boolean v = m.hasValue();
            csv.append(String.join(",", m.workload, m.server, m.unit, v ? raw(m.median()) : "",
                    v ? raw(m.min()) : "", v ? raw(m.max()) : "", Integer.toString(m.values.size()),
                    v ? ms(m.latencyMicros(50)) : "", v ? ms(m.latencyMicros(99)) : "",
                    v ? raw(m.cpuPerThousandOps()) : "", m.peakRssKib == 0 ? "" : raw(m.peakRssKib / 1024.0),
                    v ? ratioValue(m).map(ReportWriter::raw).orElse("") : "", Long.toString(m.errors),
                    quote(v ? notes(m) : Optional.ofNullable(m.failure).orElse("n/a") + " " + notes(m))))
                    .append('\n');
        }
        return csv.toString();
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.md"), markdown());
        Files.writeString(dir.resolve("results.csv"), csv());
    }

    private List<String> targets() {
        List<String> t = new ArrayList<>();
        check(t, "4 KiB PUT (SDK) >= 0.9x nginx", "put4k_new", "nginx", 0.9);
        check(t, "4 KiB PUT (SDK) >= 10x moto", "put4k_new", "moto", 10);
        check(t, "4 KiB PUT (SDK) >= 10x s3proxy", "put4k_new", "s3proxy", 10);
        absolute(t, "4 KiB PUT with wrk >= 10,000/s", "wrk_put4k", 10_000);
        check(t, "4 KiB GET with wrk >= 0.35x nginx", "wrk_get4k", "nginx", 0.35);
        find("dualkey", m -> m.workload.startsWith("put") && m.unit.equals("MB/s")).ifPresent(m ->
                t.add(verdict("large PUT (" + m.workload + ") >= 300 MB/s", m.median() >= 300,
                        num(m.median()) + " MB/s")));
        find("dualkey", m -> m.workload.startsWith("get") && m.unit.equals("MB/s")).ifPresent(m ->
                check(t, "large GET >= 0.8x nginx", m.workload, "nginx", 0.8));
        Optional<Measurement> mfa = find("dualkey", m -> m.workload.equals("delete_version_mfa"));
        Optional<Measurement> plain = find("dualkey", m -> m.workload.equals("delete_version"));
        if (mfa.isPresent() && mfa.get().hasValue() && plain.isPresent() && plain.get().hasValue()) {
            double r = (double) mfa.get().latencyMicros(50) / plain.get().latencyMicros(50);
            t.add(verdict("MFA version delete p50 within 5% of plain version delete", r <= 1.05,
                    String.format(Locale.ROOT, "%.2fx", r)));
        } else {
            t.add("MFA version delete: " + mfa.map(m -> Optional.ofNullable(m.failure).orElse("not measured"))
                    .orElse("not measured"));
        }
        results.stream().filter(m -> m.server.equals("dualkey") && m.workload.startsWith("mem_64"))
                .forEach(m -> t.add(!m.hasValue() ? "64 uploads in flight (" + m.workload + "): " + m.failure
                        : Double.isNaN(m.heapPerUploadKib) && m.errors == 0
                        ? "64 uploads in flight (" + m.workload + "): heap per upload not measured (no live-heap sample"
                        + " while all 64 were in flight), " + num(m.median()) + " KiB RSS per upload"
                        : verdict("<= 256 KiB of heap per in-flight upload (" + m.workload + ", "
                        + config.dualkeyJvmOptions() + ")", m.heapPerUploadKib <= 256 && m.errors == 0,
                        num(m.heapPerUploadKib)
                        + " KiB heap, " + num(m.median()) + " KiB RSS per upload" + (m.errors > 0 ? ", "
                        + m.errors + " uploads failed (" + m.firstError + ")" : ""))));
        find("dualkey", m -> m.workload.equals("list_versions_page")).filter(Measurement::hasValue).ifPresent(m ->
                t.add(verdict("ListObjectVersions page of 1000 < 50 ms (target bucket: 1,000,000 versions; here "
                        + m.notes.get(0) + ")", m.latencyMicros(50) < 50_000, "p50 " + ms(m.latencyMicros(50))
                        + " ms, p99 " + ms(m.latencyMicros(99)) + " ms (SDK v2 client, its XML parsing included)")));
        find("dualkey", m -> m.workload.equals("list_versions_page_raw")).filter(Measurement::hasValue).ifPresent(m ->
                t.add(verdict("ListObjectVersions page of 1000, raw HTTP (body not parsed) < 5 ms (issue 19; here "
                        + m.notes.get(0) + ")", m.latencyMicros(50) < 5_000, "p50 " + ms(m.latencyMicros(50))
                        + " ms, p99 " + ms(m.latencyMicros(99)) + " ms")));
        return t;
    }

    private void check(List<String> t, String what, String workload, String peer, double factor) {
        Optional<Measurement> d = find("dualkey", m -> m.workload.equals(workload)).filter(Measurement::hasValue);
        Optional<Measurement> p = find(peer, m -> m.workload.equals(workload)).filter(Measurement::hasValue);
        if (d.isEmpty() || p.isEmpty()) {
            t.add(what + ": not measured (" + (d.isEmpty() ? "dualkey" : peer) + " has no figure)");
            return;
        }
        double r = d.get().median() / p.get().median();
        t.add(verdict(what, r >= factor, String.format(Locale.ROOT, "%.2fx (%s vs %s %s)", r, num(d.get().median()),
                num(p.get().median()), d.get().unit)));
    }

    private void absolute(List<String> t, String what, String workload, double min) {
        Optional<Measurement> d = find("dualkey", m -> m.workload.equals(workload)).filter(Measurement::hasValue);
        t.add(d.map(m -> verdict(what, m.median() >= min, num(m.median()) + " " + m.unit))
                .orElse(what + ": not measured"));
    }

    private static String verdict(String what, boolean met, String figure) {
        return (met ? "MET" : "MISSED") + ": " + what + " - " + figure;
    }

    private Optional<Measurement> find(String server, java.util.function.Predicate<Measurement> p) {
        return results.stream().filter(m -> m.server.equals(server)).filter(p).findFirst();
    }

    private Optional<Double> ratioValue(Measurement m) {
        Optional<Double> best = results.stream()
                .filter(o -> o.workload.equals(m.workload) && !o.server.equals(m.server) && o.hasValue())
                .map(Measurement::median)
                .reduce(m.lowerIsBetter() ? Math::min : Math::max);
        // A memory figure under 1 KiB per upload is noise (no growth at all): no meaningful ratio to it.
        return best.filter(b -> m.lowerIsBetter() ? b >= 1 : b > 0).map(b -> m.median() / b);
    }

    private String ratio(Measurement m) {
        return ratioValue(m).map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("");
    }

    private static String notes(Measurement m) {
        Set<String> notes = new LinkedHashSet<>(m.notes);
        if (m.errors > 0) {
            notes.add(m.errors + " errors (" + m.firstError + ")");
        }
        return String.join("; ", notes);
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
        } catch (IOException e) {
            // Leave the CPU model out.
        }
        long mem = ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + mem / (1L << 30)
                + " GiB RAM, " + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
                + System.getProperty("java.version");
    }

    private static String ms(long micros) {
        return micros < 0 ? "" : String.format(Locale.ROOT, micros < 10_000 ? "%.2f" : "%.0f", micros / 1000.0);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return String.format(Locale.ROOT, v >= 100 ? "%,.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    private static String raw(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
