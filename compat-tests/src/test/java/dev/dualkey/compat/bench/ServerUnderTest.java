package dev.dualkey.compat.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One server of the comparison, run as its own process on loopback, or as several (a cluster: the upstream, etcd
 * and gateways, each a {@link Part}). {@link Kind#S3} servers speak the S3 API; {@link Kind#PLAIN_HTTP} (nginx)
 * serves static GET and WebDAV PUT under its root directory, which is where the S3 client's path-style requests
 * ({@code /bucket/key}) land.
 */
final class ServerUnderTest implements AutoCloseable {
    enum Kind { S3, PLAIN_HTTP }

    /**
     * One process of a server, started in list order, each once the one before is ready.
     *
     * @param label     its log is {@code workDir/LABEL.log} ({@code server.log} for a one-process server)
     * @param readyPath null: ready once its port accepts connections; else once {@code GET readyPath} answers 200
     *                  (etcd's {@code /health}: its port accepts before it has elected itself leader)
     * @param endpoint  whether clients send S3 requests to it (the load generator spreads them over all of them)
     */
    record Part(String label, List<String> command, Map<String, String> environment, int port, String readyPath,
                boolean endpoint) {
        Part {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
        }
    }

    /** Work done once every part is ready (cluster mode: accounts made through the admin socket). */
    interface AfterStart {
        void run(ServerUnderTest server) throws IOException, InterruptedException;
    }

    private final String name;
    private final Kind kind;
    private final List<Part> parts;
    private final Path workDir;
    private final Path documentRoot;
    private final String description;
    private final AfterStart afterStart;
    private final List<Process> processes = new ArrayList<>();
    private Path lastLog;
    private ProcessTree tree;
    private List<RootKeys> accounts = List.of();
    private String accountsProblem;

    ServerUnderTest(String name, Kind kind, List<String> command, Map<String, String> environment, int port,
                    Path workDir, Path documentRoot, String description) {
        this(name, kind, List.of(new Part("server", command, environment, port, null, true)), workDir, documentRoot,
                description, null);
    }

    ServerUnderTest(String name, Kind kind, List<Part> parts, Path workDir, Path documentRoot, String description,
                    AfterStart afterStart) {
        this.name = name;
        this.kind = kind;
        this.parts = List.copyOf(parts);
        this.workDir = workDir;
        this.documentRoot = documentRoot;
        this.description = description;
        this.afterStart = afterStart;
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

    Path workDir() {
        return workDir;
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

    /** The first (or only) endpoint: set-up requests (buckets, IAM, STS) and wrk go here. */
    URI endpoint() {
        return endpoints().get(0);
    }

    /** Every endpoint clients may send S3 requests to: one, or a cluster's gateways. */
    List<URI> endpoints() {
        return parts.stream().filter(Part::endpoint).map(p -> URI.create("http://127.0.0.1:" + p.port())).toList();
    }

    ProcessTree tree() {
        return tree;
    }

    /**
     * Starts the parts in order, each once the one before is ready (logs in workDir), then runs the after-start
     * work. A part that exits or is not ready within {@code timeout} stops the ones already started.
     */
    void start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        try {
            for (Part part : parts) {
                startPart(part, timeout);
            }
            tree = new ProcessTree(processes.stream().map(Process::pid).toList());
            if (afterStart != null) {
                afterStart.run(this);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startPart(Part part, Duration timeout) throws IOException, InterruptedException {
        Path log = workDir.resolve(part.label() + ".log");
        ProcessBuilder builder = new ProcessBuilder(part.command()).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(part.environment());
        Process process = builder.start();
        processes.add(process);
        lastLog = log;
        String what = parts.size() == 1 ? name : name + "'s " + part.label();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(what + " exited with status " + process.exitValue() + "; see " + log + ": "
                        + tail());
            }
            if (ready(part)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException(what + " was not ready on port " + part.port() + " within " + timeout + ": " + tail());
    }

    private static boolean ready(Part part) {
        if (part.readyPath() == null) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", part.port()), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + part.port() + part.readyPath())
                    .toURL().openConnection();
            c.setConnectTimeout(200);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Whether every process of the server still runs. */
    boolean isAlive() {
        return !processes.isEmpty() && processes.stream().allMatch(Process::isAlive);
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

    /** The last lines of the log of the first process that ended, else of the last one started. */
    String tail() {
        Path log = lastLog;
        for (int i = 0; i < processes.size(); i++) {
            if (!processes.get(i).isAlive()) {
                log = workDir.resolve(parts.get(i).label() + ".log");
                break;
            }
        }
        if (log == null) {
            return "(no log)";
        }
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Stops the processes, the last started first (gateways before the state and the upstream they use). */
    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            List<ProcessHandle> all = process.descendants().toList();
            process.destroy();
            all.forEach(ProcessHandle::destroy);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                all.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        processes.clear();
    }
}
