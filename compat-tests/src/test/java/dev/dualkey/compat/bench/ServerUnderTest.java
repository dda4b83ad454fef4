package dev.dualkey.compat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server of the comparison, run as its own process on loopback. {@link Kind#S3} servers speak the S3 API;
 * {@link Kind#PLAIN_HTTP} (nginx) serves static GET and WebDAV PUT under its root directory, which is where the
 * S3 client's path-style requests ({@code /bucket/key}) land.
 */
final class ServerUnderTest implements AutoCloseable {
    enum Kind { S3, PLAIN_HTTP }

    private final String name;
    private final Kind kind;
    private final List<String> command;
    private final Map<String, String> environment;
    private final int port;
    private final Path workDir;
    private final Path documentRoot;
    private final String description;
    private Process process;
    private ProcessTree tree;
    private List<RootKeys> accounts = List.of();
    private String accountsProblem;

    ServerUnderTest(String name, Kind kind, List<String> command, Map<String, String> environment, int port,
                    Path workDir, Path documentRoot, String description) {
        this.name = name;
        this.kind = kind;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.workDir = workDir;
        this.documentRoot = documentRoot;
        this.description = description;
    }

    String name() {
        return name;
    }

    Kind kind() {
        return kind;
    }

    String description() {
        return description;
    }

    /** Roots of the accounts prepared before the start (Dualkey: the benchmark's own first), for MFA Delete. */
    List<RootKeys> accounts() {
        return accounts;
    }

    /** Why {@link #accounts} holds fewer than asked for, or null. */
    String accountsProblem() {
        return accountsProblem;
    }

    void accounts(List<RootKeys> roots, String problem) {
        this.accounts = List.copyOf(roots);
        this.accountsProblem = problem;
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    ProcessTree tree() {
        return tree;
    }

    /** Starts the process and waits until its port accepts connections; the log goes to workDir/server.log. */
    void start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("server.log").toFile());
        builder.environment().putAll(environment);
        process = builder.start();
        tree = new ProcessTree(process.pid());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue() + "; see "
                        + workDir.resolve("server.log") + ": " + tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException(name + " did not listen on port " + port + " within " + timeout + ": " + tail());
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Makes the bucket's directory for nginx (S3 servers create buckets through the API). */
    void prepareDirectory(String bucket) throws IOException {
        if (documentRoot != null) {
            Files.createDirectories(documentRoot.resolve(bucket));
        }
    }

    /**
     * For nginx: writes an object as the static file that its GET serves. (A PUT through the S3 client would store
     * the SDK's aws-chunked request body, framing and trailing checksum included, not the object.)
     */
    void writeStaticFile(String bucket, String key, java.nio.ByteBuffer content) throws IOException {
        Path file = documentRoot.resolve(bucket).resolve(key);
        Files.createDirectories(file.getParent());
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = content.duplicate();
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(workDir.resolve("server.log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = process.descendants().toList();
        process.destroy();
        all.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            all.forEach(ProcessHandle::destroyForcibly);
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }
}
