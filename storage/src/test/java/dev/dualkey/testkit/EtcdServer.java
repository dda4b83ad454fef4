package dev.dualkey.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-member etcd (Debian's {@code etcd-server}, {@code /usr/bin/etcd}) started by a test on free ports in a
 * directory of its own, which can be stopped and started again on the same ports and data (the "etcd away"
 * tests). Under {@code CI=true} a missing etcd fails the test ({@link Prerequisites}).
 */
public final class EtcdServer implements AutoCloseable {
    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Path dir;
    private final int clientPort;
    private final int peerPort;
    private Process process;

    private EtcdServer(Path dir, int clientPort, int peerPort) {
        this.dir = dir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Requires etcd (fails under CI, skips elsewhere), then starts one in {@code dir} and waits until healthy. */
    public static EtcdServer start(String test, Path dir) throws IOException, InterruptedException {
        Prerequisites.require(test, Files.isExecutable(ETCD), "/usr/bin/etcd (apt-get install etcd-server)");
        EtcdServer s = new EtcdServer(dir, freePort(), freePort());
        s.startProcess();
        return s;
    }

    /** {@code http://127.0.0.1:port}, the client URL. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    /** {@code etcd://127.0.0.1:port}, as {@code serve --state} takes it. */
    public String stateUrl() {
        return "etcd://127.0.0.1:" + clientPort;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Stops etcd (SIGKILL: as a crashed or partitioned node looks to clients) and waits for its exit. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
        }
    }

    /** Starts etcd again on the same ports and data directory; returns once it answers healthy. */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder pb = new ProcessBuilder(List.of(ETCD.toString(), "--name", "t",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "t=" + peer, "--initial-cluster-state", "new",
                "--heartbeat-interval", "50", "--election-timeout", "500"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
        process = pb.start();
        // waiting for a subprocess to come up is readiness polling, not timing: the deadline only bounds a hang
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("etcd exited with " + process.exitValue() + "; see " + dir.resolve("etcd.log")
                        + ":\n" + tail());
            }
            if (healthy()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IOException("etcd did not become healthy in 60 s; see " + dir.resolve("etcd.log") + ":\n" + tail());
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try {
                return c.getResponseCode() == 200
                        && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("true");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("etcd.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
