package dev.dualkey.compat.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Diagnostic ({@code BENCH_STRACE=1}, or {@code =log} for every call with thread, time and duration): counts the server's WAL syncs ({@code fsync}, {@code fdatasync}) during
 * one measured phase with {@code strace -f -c -w}, attached to every thread of the running server, and writes
 * strace's summary (calls and wall time per call) to {@code file}. ptrace slows every traced call, so the phase's
 * latencies are not to be quoted from such a run; only the counts are.
 */
final class SyscallCounter implements AutoCloseable {
    private final Process strace;

    private SyscallCounter(Process strace) {
        this.strace = strace;
    }

    /** Starts counting, or returns null when {@code BENCH_STRACE} is not 1 or log, or strace cannot start. */
    static SyscallCounter startIfAsked(ServerUnderTest server, Path file) throws InterruptedException {
        String mode = System.getenv("BENCH_STRACE");
        if (!"1".equals(mode) && !"log".equals(mode)) {
            return null;
        }
        // "log": every call with its thread, start time, duration and file (-tt -T -y), to tell the syncs apart
        List<String> command = new ArrayList<>(List.of("strace", "-f"));
        command.addAll("log".equals(mode) ? List.of("-tt", "-T", "-y") : List.of("-c", "-w"));
        command.addAll(List.of("-e", "trace=fsync,fdatasync", "-o", file.toString(), "-p",
                Long.toString(server.tree().rootPid())));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread.sleep(1000); // attaching to a few hundred threads
            return p.isAlive() ? new SyscallCounter(p) : null;
        } catch (IOException e) {
            BenchMain.log("strace cannot start: " + e.getMessage());
            return null;
        }
    }

    /** Detaches (SIGTERM makes strace detach and write its summary). */
    @Override
    public void close() throws InterruptedException {
        strace.destroy();
        if (!strace.waitFor(20, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
        }
    }
}
