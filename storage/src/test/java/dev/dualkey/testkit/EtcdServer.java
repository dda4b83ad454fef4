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
    /** Server certificate, key and the CA that client certificates must chain to; null: plain HTTP. */
    private final Path[] tls;

    private EtcdServer(Path dir, int clientPort, int peerPort, Path[] tls) {
        this.dir = dir;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.tls = tls;
    }

    /** Requires etcd (fails under CI, skips elsewhere), then starts one in {@code dir} and waits until healthy. */
    public static EtcdServer start(String test, Path dir) throws IOException, InterruptedException {
        Prerequisites.require(test, Files.isExecutable(ETCD), "/usr/bin/etcd (apt-get install etcd-server)");
        EtcdServer s = new EtcdServer(dir, freePort(), freePort(), null);
        s.startProcess();
        return s;
    }

    /**
     * As {@link #start}, but clients must speak TLS and present a certificate signed by {@code trustedCa}
     * ({@code --client-cert-auth}, as a production etcd is run); the server presents {@code cert}/{@code key}.
     */
    public static EtcdServer startTls(String test, Path dir, Path cert, Path key, Path trustedCa)
            throws IOException, InterruptedException {
        Prerequisites.require(test, Files.isExecutable(ETCD), "/usr/bin/etcd (apt-get install etcd-server)");
        EtcdServer s = new EtcdServer(dir, freePort(), freePort(), new Path[] {cert, key, trustedCa});
        s.startProcess();
        return s;
    }

    /** {@code http://127.0.0.1:port}, the client URL. */
    public URI endpoint() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort);
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

    /**
     * Pauses etcd (SIGSTOP): connections stay open, requests are received by the kernel but nothing answers, as
     * a stalled or overloaded member looks; {@link #resume()} lets it go on with what it had received.
     */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String sig) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException("kill " + sig + " exited " + rc);
        }
    }

    /** Starts etcd again on the same ports and data directory; returns once it answers healthy. */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String client = endpoint().toString();
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new java.util.ArrayList<>(List.of(ETCD.toString(), "--name", "t",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "t=" + peer, "--initial-cluster-state", "new",
                "--heartbeat-interval", "50", "--election-timeout", "500"));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls[0].toString(), "--key-file", tls[1].toString(),
                    "--client-cert-auth", "--trusted-ca-file", tls[2].toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
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
        if (tls != null) { // /health would need a client certificate: etcd logs when it serves TLS clients
            try {
                String log = Files.readString(dir.resolve("etcd.log"));
                return log.contains("serving client requests") || log.contains("serving client traffic");
            } catch (IOException e) {
                return false;
            }
        }
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
