package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time of a process tree split by what its threads do, for the {@code warm_up} row: a JVM's JIT compiler
 * threads, its garbage collector and VM threads, and everything else (the threads that serve or send requests).
 * The split tells a cold request path (the rest costs more per request) from a JIT still compiling in the
 * background (the compiler threads' share) and from a collector working off a start-up heap. Threads are told
 * apart by their name ({@code /proc/PID/task/TID/comm}, 15 characters: {@code C2 CompilerThre},
 * {@code C1 CompilerThre}, {@code VM Thread}, {@code GC Thread#0}, {@code G1 ...}); a process that is no JVM
 * (nginx) has all its time in {@link Sample#rest}. Times are the first field of {@code schedstat} (ns on a CPU).
 */
final class ThreadCpu {
    /** Nanoseconds on a CPU so far: compiler threads, collector and VM threads, the rest. */
    record Sample(long jit, long gc, long rest) {
        long total() {
            return jit + gc + rest;
        }

        Sample minus(Sample earlier) {
            return new Sample(jit - earlier.jit, gc - earlier.gc, rest - earlier.rest);
        }
    }

    private ThreadCpu() {
    }

    static Sample of(ProcessTree tree) {
        return of(tree.pids());
    }

    static Sample of(List<Long> pids) {
        long jit = 0;
        long gc = 0;
        long rest = 0;
        for (long pid : pids) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String schedstat = read(task.resolve("schedstat"));
                    String comm = read(task.resolve("comm"));
                    if (schedstat == null || schedstat.isBlank() || comm == null) {
                        continue; // the thread ended between the listing and the read
                    }
                    long ns = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                    switch (kind(comm.strip())) {
                        case JIT -> jit += ns;
                        case GC -> gc += ns;
                        default -> rest += ns;
                    }
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // the process ended
            }
        }
        return new Sample(jit, gc, rest);
    }

    enum Kind { JIT, GC, REST }

    /** What a thread of this name does (HotSpot's thread names, as {@code comm} truncates them). */
    static Kind kind(String comm) {
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")
                || comm.startsWith("Sweeper thread")) {
            return Kind.JIT;
        }
        if (comm.equals("VM Thread") || comm.startsWith("GC Thread") || comm.startsWith("G1 ")
                || comm.startsWith("VM Periodic") || comm.startsWith("ParGC")) {
            return Kind.GC;
        }
        return Kind.REST;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return null;
        }
    }
}
