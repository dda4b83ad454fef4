package dev.dualkey.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in a child JVM with a small heap ({@code -Xmx256m}), to prove that object bodies stream instead of
 * being buffered. The child's classpath is this JVM's {@code java.class.path} (under surefire that is the
 * manifest-only booter jar, which carries the whole test classpath).
 */
public final class ChildGateway implements RunningGateway {

    private final Process process;
    private final Path workDir;
    private final GatewayEndpoint endpoint;

    private ChildGateway(Process process, Path workDir, GatewayEndpoint endpoint) {
        this.process = process;
        this.workDir = workDir;
        this.endpoint = endpoint;
    }

    /** Starts the child with {@code maxHeap} (e.g. {@code "256m"}) and waits for it to listen. */
    public static ChildGateway start(String maxHeap) {
        try {
            Path workDir = Files.createTempDirectory("dualkey-child-");
            Path dataDir = Files.createDirectories(workDir.resolve("data"));
            Path log = workDir.resolve("child.log");
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(javaBin, "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), ChildGatewayMain.class.getName(), dataDir.toString()))
                    .redirectError(log.toFile())
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith(ChildGatewayMain.READY)) {
                // skip anything the gateway prints before it is ready
            }
            if (line == null) {
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("child gateway exited before listening; log:\n" + Files.readString(log));
            }
            int port = Integer.parseInt(line.substring(ChildGatewayMain.READY.length()).trim());
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (IOException ignored) {
                    // the child is gone
                }
            }, "child-gateway-stdout");
            drain.setDaemon(true);
            drain.start();
            GatewayEndpoint endpoint = new GatewayEndpoint(URI.create("http://127.0.0.1:" + port), GatewayExtension.REGION,
                    GatewayExtension.ROOT, GatewayExtension.OTHER_ACCOUNT);
            return new ChildGateway(process, workDir, endpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public GatewayEndpoint endpoint() {
        return endpoint;
    }

    /** True while the child runs (an OutOfMemoryError ends it: {@code -XX:+ExitOnOutOfMemoryError}). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The child's stderr so far, for failure messages. */
    public String log() {
        try {
            return Files.readString(workDir.resolve("child.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            TempDirs.deleteRecursively(workDir);
        }
    }
}
