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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code dualkey serve} in a child JVM on a data directory the test owns (it is kept after the process
 * ends, so a test can restart on it, back it up or damage it). Root keys from {@link GatewayExtension#ROOT}.
 * {@code extraEnv} reaches the child's environment (e.g. {@code LD_PRELOAD} for disk faults).
 */
public final class ServeProcess implements AutoCloseable {
    private static final String ENDPOINT_LINE = "Dualkey S3 endpoint: ";

    private final Process process;
    private final Path log;
    private final GatewayEndpoint endpoint;

    private ServeProcess(Process process, Path log, GatewayEndpoint endpoint) {
        this.process = process;
        this.log = log;
        this.endpoint = endpoint;
    }

    public static ServeProcess start(Path dataDir, Map<String, String> extraEnv) {
        return start(dataDir, extraEnv, new String[0]);
    }

    /** As above, with more {@code serve} flags (issue 18: the alert webhook, trusted proxies, audit retention). */
    public static ServeProcess start(Path dataDir, Map<String, String> extraEnv, String... flags) {
        try {
            Path log = Files.createTempFile("dualkey-serve-", ".log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), "dev.dualkey.gateway.cli.DualkeyCli", "serve",
                    "--data-dir", dataDir.toString(), "--address", "127.0.0.1:0", "--console-address",
                    "127.0.0.1:0"));
            cmd.addAll(List.of(flags));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
            pb.environment().put("DUALKEY_ROOT_ACCESS_KEY", GatewayExtension.ROOT.accessKeyId());
            pb.environment().put("DUALKEY_ROOT_SECRET_KEY", GatewayExtension.ROOT.secretKey());
            pb.environment().put("DUALKEY_ROOT_PASSWORD", "durability-tests-root-password-1");
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
            return new ServeProcess(process, log, new GatewayEndpoint(uri, GatewayExtension.REGION,
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

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
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

    /** SIGTERM, as a supervisor stops it; waits for the exit. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
