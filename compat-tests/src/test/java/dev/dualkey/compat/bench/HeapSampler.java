package dev.dualkey.compat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Samples the used Java heap of a JVM server every 100 ms with {@code jstat -gc} (S0U + S1U + EU + OU, in KiB)
 * and keeps the highest sample. RSS alone understates what a JVM server allocates per upload once its heap is
 * committed, so the memory workload reports both. Not started for servers that are not JVMs.
 */
final class HeapSampler implements AutoCloseable {
    private final Process jstat;
    private final Thread reader;
    private volatile long maxUsedKib = -1;

    private HeapSampler(long pid) throws IOException {
        jstat = new ProcessBuilder("jstat", "-gc", Long.toString(pid), "100").redirectErrorStream(true).start();
        reader = new Thread(this::read, "jstat-" + pid);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts sampling, or returns null when the process is not a JVM that jstat can attach to. */
    static HeapSampler startIfJvm(ServerUnderTest server) {
        if (!isJvm(server)) {
            return null;
        }
        try {
            return new HeapSampler(server.tree().rootPid());
        } catch (IOException e) {
            return null;
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String[] header = null;
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 0 && f[0].equals("S0C")) {
                    header = f;
                    continue;
                }
                if (header == null || f.length != header.length) {
                    continue;
                }
                double used = 0;
                for (int i = 0; i < header.length; i++) {
                    if (header[i].equals("S0U") || header[i].equals("S1U") || header[i].equals("EU")
                            || header[i].equals("OU")) {
                        used += Double.parseDouble(f[i]);
                    }
                }
                maxUsedKib = Math.max(maxUsedKib, (long) used);
            }
        } catch (IOException | NumberFormatException e) {
            // jstat ended or printed something else: keep the samples taken so far.
        }
    }

    /**
     * The live heap of a JVM server in KiB: {@code jmap -histo:live} runs a full GC and counts what survives
     * (its "Total" line). -1 when the server is not a JVM or jmap fails. Pauses the server for the GC.
     */
    static long liveHeapKib(ServerUnderTest server) {
        if (!isJvm(server)) {
            return -1;
        }
        long pid = server.tree().rootPid();
        try {
            Process p = new ProcessBuilder("jmap", "-histo:live", Long.toString(pid)).redirectErrorStream(true)
                    .start();
            long total = -1;
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 3 && f[0].equals("Total")) {
                        total = Long.parseLong(f[2]) / 1024;
                    }
                }
            }
            return p.waitFor() == 0 ? total : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean isJvm(ServerUnderTest server) {
        return ProcessHandle.of(server.tree().rootPid()).flatMap(h -> h.info().command())
                .map(c -> c.endsWith("java")).orElse(false);
    }

    /** The highest used heap seen so far (KiB), or -1 before the first sample. */
    long maxUsedKib() {
        return maxUsedKib;
    }

    @Override
    public void close() throws InterruptedException {
        jstat.destroy();
        reader.join(2000);
    }
}
