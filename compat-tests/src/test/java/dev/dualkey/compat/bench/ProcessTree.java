package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and memory of a server process and all its descendants (nginx has a master and workers), or of
 * several such processes summed (a cluster: gateways, etcd and the upstream), read from {@code /proc}. CPU time is
 * {@code utime + stime} (fields 14 and 15 of {@code /proc/PID/stat}, in clock ticks); peak RSS is the sum of
 * {@code VmHWM}, which {@link #resetPeakRss} sets back to the current RSS by writing {@code 5} to
 * {@code /proc/PID/clear_refs} so that each workload gets its own peak.
 */
final class ProcessTree {
    /** USER_HZ; 100 on every Linux this runs on (checked with {@code getconf CLK_TCK}). */
    static final double TICKS_PER_SECOND = 100.0;

    private final List<Long> rootPids;

    ProcessTree(long rootPid) {
        this(List.of(rootPid));
    }

    /** @param rootPids the processes, the first being the one JVM-specific samplers look at */
    ProcessTree(List<Long> rootPids) {
        this.rootPids = List.copyOf(rootPids);
    }

    long rootPid() {
        return rootPids.get(0);
    }

    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (long root : rootPids) {
            pids.add(root);
            ProcessHandle.of(root).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        }
        return pids;
    }

    /** CPU seconds (user + system) consumed so far by the tree's live processes. */
    double cpuSeconds() {
        long ticks = 0;
        for (long pid : pids()) {
            String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
            if (stat == null) {
                continue;
            }
            // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks / TICKS_PER_SECOND;
    }

    /**
     * CPU time of the tree's live threads in nanoseconds: the sum of the first field of
     * {@code /proc/PID/task/TID/schedstat} (time on a CPU, ns), precise enough to attribute server CPU to single
     * requests (the tick-based {@link #cpuSeconds} has 10 ms granularity). -1 when the kernel does not offer it.
     */
    long cpuNanos() {
        long total = 0;
        boolean any = false;
        for (long pid : pids()) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (var list = Files.list(tasks)) {
                for (Path task : (Iterable<Path>) list::iterator) {
                    String schedstat = read(task.resolve("schedstat"));
                    if (schedstat != null && !schedstat.isBlank()) {
                        total += Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                        any = true;
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }
        return any ? total : -1;
    }

    long peakRssKib() {
        return sumStatusField("VmHWM:");
    }

    long rssKib() {
        return sumStatusField("VmRSS:");
    }

    void resetPeakRss() {
        for (long pid : pids()) {
            try {
                Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            } catch (IOException e) {
                // Not permitted (not root) or the process ended: the peak then covers the process lifetime.
            }
        }
    }

    private long sumStatusField(String field) {
        long kib = 0;
        for (long pid : pids()) {
            String status = read(Path.of("/proc", Long.toString(pid), "status"));
            if (status == null) {
                continue;
            }
            for (String line : status.split("\n")) {
                if (line.startsWith(field)) {
                    kib += Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        }
        return kib;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
