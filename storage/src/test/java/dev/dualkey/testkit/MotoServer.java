package dev.dualkey.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * moto in server mode ({@code moto_server}, pip package {@code moto[server]}; {@code .ci/run} installs it): a real
 * S3 endpoint on a free loopback port for tests of the upstream store. One server per JVM, started on first use and
 * stopped when the JVM exits; {@link #reset()} empties it between tests (moto's {@code POST /moto-api/reset}).
 *
 * <p>Why moto rather than Debian's Ceph radosgw: it installs from the Python package registry in seconds, starts in
 * about two seconds with no cluster (radosgw needs a monitor, a manager and an OSD; a memstore OSD cluster takes
 * minutes and several hundred MiB to start reliably), and it implements versioning, delete markers, multipart and
 * ranged GETs, which is all the upstream store relies on.
 */
public final class MotoServer {
    private static MotoServer shared;

    private final Process process;
    private final URI endpoint;
    private final Path log;

    private MotoServer(Process process, URI endpoint, Path log) {
        this.process = process;
        this.endpoint = endpoint;
        this.log = log;
    }

    /** The JVM's moto server, started now if needed; fails in CI (skips elsewhere) when moto is not installed. */
    public static synchronized MotoServer shared(String test) throws IOException, InterruptedException {
        if (shared != null && shared.process.isAlive()) {
            return shared;
        }
        Path cmd = Prerequisites.requireCommand(test, "moto_server", "pip install 'moto[server]'");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("moto-", ".log");
        Process p = new ProcessBuilder(cmd.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoServer m = new MotoServer(p, URI.create("http://127.0.0.1:" + port), log);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("moto_server exited: " + Files.readString(log));
            }
            if (m.answers()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("moto_server did not answer within 60 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        shared = m;
        return m;
    }

    private boolean answers() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            int code = c.getResponseCode();
            c.getInputStream().close();
            return code == 200;
        } catch (IOException e) {
            return false;
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Forgets every bucket and object. */
    public void reset() throws IOException {
        HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/moto-api/reset").toURL().openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.getOutputStream().close();
        int code = c.getResponseCode();
        c.getInputStream().close();
        if (code != 200) {
            throw new IOException("moto reset answered " + code);
        }
    }

    /** The server's log (for failure messages). */
    public Path log() {
        return log;
    }
}
