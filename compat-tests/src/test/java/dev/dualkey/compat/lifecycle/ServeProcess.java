package dev.dualkey.compat.lifecycle;

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
 * {@code dualkey serve} in a child JVM over a data directory the test keeps, so that it can be stopped (SIGTERM)
 * or killed ({@code kill -9}: {@link #kill9()}) and started again on the same data. Root keys come from the
 * environment ({@link GatewayExtension#ROOT}); the endpoint is read from the line {@code serve} prints.
 */
final class ServeProcess implements AutoCloseable {
    private static final String ENDPOINT_LINE = "Dualkey S3 endpoint: ";

    private final Process process;
    private final Path log;
    private final GatewayEndpoint endpoint;

    private ServeProcess(Process process, Path log, GatewayEndpoint endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
    }

    /** Starts {@code serve --data-dir dataDir flags...}; returns once it listens. */
    static ServeProcess start(Path dataDir, String... flags) {
        try {
            Path logFile = Files.createTempFile(dataDir.getParent(), "serve-", ".log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), "dev.dualkey.gateway.cli.DualkeyCli", "serve",
                    "--data-dir", dataDir.toString(), "--address", "127.0.0.1:0",
                    "--console-address", "127.0.0.1:0"));
            cmd.addAll(List.of(flags));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(logFile.toFile());
            pb.environment().put("DUALKEY_ROOT_ACCESS_KEY", GatewayExtension.ROOT.accessKeyId());
            pb.environment().put("DUALKEY_ROOT_SECRET_KEY", GatewayExtension.ROOT.secretKey());
            pb.environment().put("DUALKEY_ROOT_PASSWORD", "lifecycle-tests-root-password-1");
            Process process = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(ENDPOINT_LINE)) {
                // account creation lines come first
            }
            if (line == null) {
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("serve exited before listening; log:\n" + Files.readString(logFile));
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
            return new ServeProcess(process, logFile, new GatewayEndpoint(uri, GatewayExtension.REGION,
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

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("serve did not die");
        }
    }

    /** SIGTERM and wait for the clean exit; the exit status. */
    int sigterm() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            sigterm();
        }
    }
}
