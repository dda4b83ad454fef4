package dev.dualkey.compat.durable;

import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code dualkey serve} command in a child JVM, as an operator starts it: the one helper for every test that
 * needs a server process of its own (durability, lifecycle restarts, transport attacks). Root keys come from the
 * environment ({@link GatewayExtension#ROOT}); the endpoint is read from the line {@code serve} prints; stderr (the
 * log) goes to a file read by {@link #log()}.
 * <ul>
 * <li>{@link #start(Path, Map, String...)}: on a data directory the test owns and keeps after the process ends, so a
 *     test can restart on it, back it up or damage it; {@code extraEnv} reaches the child (e.g. {@code LD_PRELOAD} for
 *     disk faults), {@code flags} are serve's options.</li>
 * <li>{@link #startInTempDir(String, String...)}: on a data directory of its own, deleted on {@link #close()}, with
 *     the given heap and without {@code -XX:+ExitOnOutOfMemoryError} (the server's own OutOfMemoryError handling may be
 *     what is under test).</li>
 * </ul>
 * Stop it with {@link #close()} or {@link #sigterm()} (as a supervisor does) or {@link #kill9()} (a crash).
 */
public final class ServeProcess implements AutoCloseable {
    private static final String ENDPOINT_LINE = "Dualkey S3 endpoint: ";
    private static final String ROOT_PASSWORD = "serve-process-root-password-1";

    private final Process process;
    private final Path log;
    /** A directory this helper created and deletes on close (data and log), or null. */
    private final Path ownedDir;
    private final GatewayEndpoint endpoint;

    private ServeProcess(Process process, Path log, Path ownedDir, GatewayEndpoint endpoint) {
        this.process = process;
        this.log = log;
        this.ownedDir = ownedDir;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code serve --data-dir dataDir flags...} (384 MiB heap, C1 only: quick to start); returns once it
     * listens. The data directory is left in place when the process ends.
     */
    public static ServeProcess start(Path dataDir, Map<String, String> extraEnv, String... flags) {
        try {
            Path log = Files.createTempFile("dualkey-serve-", ".log");
            return launch(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"), dataDir, log, null, extraEnv, flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #start(Path, Map, String...)} without extra environment. */
    public static ServeProcess start(Path dataDir, String... flags) {
        return start(dataDir, Map.of(), flags);
    }

    /**
     * Starts {@code serve flags...} with {@code -Xmx<maxHeap>} on a fresh data directory that {@link #close()}
     * deletes; returns once it listens.
     */
    public static ServeProcess startInTempDir(String maxHeap, String... flags) {
        try {
            Path dir = Files.createTempDirectory("dualkey-serve-");
            return launch(List.of("-Xmx" + maxHeap), dir.resolve("data"), dir.resolve("serve.log"), dir, Map.of(),
                    flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #startInTempDir(String, String...)} with the given JVM options (heap included) and extra environment
     * (e.g. upstream credentials for {@code serve --upstream}).
     */
    public static ServeProcess startInTempDir(List<String> jvmOptions, Map<String, String> extraEnv,
                                              String... flags) {
        try {
            Path dir = Files.createTempDirectory("dualkey-serve-");
            return launch(jvmOptions, dir.resolve("data"), dir.resolve("serve.log"), dir, extraEnv, flags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServeProcess launch(List<String> jvmOptions, Path dataDir, Path log, Path ownedDir,
                                       Map<String, String> extraEnv, String... flags) {
        try {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBin);
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.dualkey.gateway.cli.DualkeyCli",
                    "serve", "--data-dir", dataDir.toString(), "--address", "127.0.0.1:0", "--console-address",
                    "127.0.0.1:0"));
            cmd.addAll(List.of(flags));
            if (!cmd.contains("--warm-up")) {
                cmd.addAll(List.of("--warm-up", "0")); // issue 19: the tests' servers start at once (WarmUpServeTest)
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().put("DUALKEY_ROOT_ACCESS_KEY", GatewayExtension.ROOT.accessKeyId());
            pb.environment().put("DUALKEY_ROOT_SECRET_KEY", GatewayExtension.ROOT.secretKey());
            pb.environment().put("DUALKEY_ROOT_PASSWORD", ROOT_PASSWORD);
            pb.environment().putAll(extraEnv);
            Process process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(ENDPOINT_LINE)) {
                // account creation lines come first
            }
            if (line == null) {
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("serve exited before listening; log:\n" + Files.readString(log));
            }
            URI uri = URI.create(line.substring(ENDPOINT_LINE.length()).trim());
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "serve-stdout");
            drain.setDaemon(true);
            drain.start();
            return new ServeProcess(process, log, ownedDir, new GatewayEndpoint(uri, GatewayExtension.REGION,
                    GatewayExtension.ROOT, GatewayExtension.OTHER_ACCOUNT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public GatewayEndpoint endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.endpoint().getPort();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The server's stderr (its log) so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed; waits for the death. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("serve did not die");
        }
    }

    /** SIGTERM and wait up to {@code seconds} for the exit: the exit status, or -1 if it still runs. */
    public int sigterm(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM and wait for the clean exit (a minute at most, then SIGKILL and -1): the exit status. */
    public int sigterm() throws InterruptedException {
        int status = sigterm(60);
        if (status < 0) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        return status;
    }

    /** SIGTERM, as a supervisor stops it; waits for the exit; deletes the log (and an owned data directory). */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                sigterm();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            if (ownedDir != null) {
                deleteRecursively(ownedDir);
            } else {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
