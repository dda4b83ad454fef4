package dev.dualkey.compat.attack;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code dualkey serve} command in a child JVM with a small heap and the given server options, as an
 * operator starts it (no {@code -XX:+ExitOnOutOfMemoryError}: the server's own OutOfMemoryError handling is
 * what is under test). Root keys come from the environment ({@link GatewayExtension#ROOT}); the endpoint is read
 * from the line {@code serve} prints. {@link #sigterm} stops it as a supervisor would.
 */
final class TransportServeProcess implements AutoCloseable {
    private static final String ENDPOINT_LINE = "Dualkey S3 endpoint: ";

    private final Process process;
    private final Path workDir;
    private final GatewayEndpoint endpoint;

    private TransportServeProcess(Process process, Path workDir, GatewayEndpoint endpoint) {
        this.process = process;
        this.workDir = workDir;
        this.endpoint = endpoint;
    }

    /** Starts {@code serve} with {@code -Xmx<maxHeap>} and {@code flags}; returns once it listens. */
    static TransportServeProcess start(String maxHeap, String... flags) {
        try {
            Path workDir = Files.createTempDirectory("dualkey-serve-");
            Path log = workDir.resolve("serve.log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx" + maxHeap, "-cp",
                    System.getProperty("java.class.path"), "dev.dualkey.gateway.cli.DualkeyCli", "serve",
                    "--data-dir", workDir.resolve("data").toString(), "--address", "127.0.0.1:0",
                    "--console-address", "127.0.0.1:0"));
            cmd.addAll(List.of(flags));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().put("DUALKEY_ROOT_ACCESS_KEY", GatewayExtension.ROOT.accessKeyId());
            pb.environment().put("DUALKEY_ROOT_SECRET_KEY", GatewayExtension.ROOT.secretKey());
            pb.environment().put("DUALKEY_ROOT_PASSWORD", "transport-tests-root-password-1");
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
            return new TransportServeProcess(process, workDir, new GatewayEndpoint(uri, GatewayExtension.REGION,
                    GatewayExtension.ROOT, GatewayExtension.OTHER_ACCOUNT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    GatewayEndpoint endpoint() {
        return endpoint;
    }

    int port() {
        return endpoint.endpoint().getPort();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The server's stderr so far. */
    String log() {
        try {
            return Files.readString(workDir.resolve("serve.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Sends SIGTERM and waits up to {@code seconds} for the exit; the exit status, or -1 if still running. */
    int sigterm(long seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteRecursively(workDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
