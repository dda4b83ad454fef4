package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.console.ConsoleServer;
import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.UploadSink;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console listener has the API listener's slow-client bounds (issue 12 F): heads trickled a byte at a time
 * are closed after the head timeout, a stalled form body is answered 400 and closed, and connections over the cap
 * are closed as they are accepted, while a normal page request keeps being served.
 */
class ConsoleSlowClientTest {
    private static final TransportLimits LIMITS = TransportLimits.defaults()
            .withRequestHeadTimeout(Duration.ofSeconds(1)).withBodyIdleTimeout(Duration.ofSeconds(1));

    private ExecutorService executor;
    private final List<ConsoleServer> servers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        executor = Executors.newFixedThreadPool(2);
    }

    @AfterEach
    void tearDown() {
        servers.forEach(ConsoleServer::close);
        executor.shutdownNow();
    }

    private int start(TransportLimits limits) throws InterruptedException {
        ConsoleApp app = new ConsoleApp() {
            @Override
            public ConsoleResponse handle(ConsoleRequest request) {
                return ConsoleResponse.text(200, "page " + request.path());
            }

            @Override
            public boolean isUpload(String method, String path) {
                return false;
            }

            @Override
            public UploadSink beginUpload(ConsoleRequest request, String fileName, String contentType) {
                throw new UnsupportedOperationException();
            }
        };
        ConsoleServer s = new ConsoleServer(new InetSocketAddress("127.0.0.1", 0), null, app, executor, limits)
                .start();
        servers.add(s);
        return s.port();
    }

    @Test
    void slowHeadsAreClosedWhilePagesAreServed() throws Exception {
        int port = start(LIMITS);
        List<Socket> slow = new ArrayList<>();
        List<Long> opened = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.setSoTimeout(1);
            s.getOutputStream().write("GET / HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            slow.add(s);
            opened.add(System.nanoTime());
        }
        long[] closedAt = new long[slow.size()];
        long start = System.nanoTime();
        while (System.nanoTime() - start < 8_000_000_000L && anyOpen(closedAt)) {
            for (int i = 0; i < slow.size(); i++) {
                if (closedAt[i] == 0 && closedByServer(slow.get(i))) {
                    closedAt[i] = System.nanoTime();
                }
            }
            long t0 = System.nanoTime();
            assertTrue(get(port, "/home").startsWith("HTTP/1.1 200"));
            assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "a page took over a second during the attack");
            Thread.sleep(200);
        }
        for (int i = 0; i < slow.size(); i++) {
            assertTrue(closedAt[i] != 0, "slow head " + i + " still open");
            double lived = (closedAt[i] - opened.get(i)) / 1e9;
            assertTrue(lived < 1 + 2.5, "slow head lived " + lived + " s");
            slow.get(i).close();
        }
    }

    @Test
    void stalledFormBodyIsAnsweredAndClosed() throws Exception {
        int port = start(LIMITS);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(("POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    + "application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nuser=a").getBytes(
                    StandardCharsets.US_ASCII));
            s.setSoTimeout(6000);
            long t0 = System.nanoTime();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            double took = (System.nanoTime() - t0) / 1e9;
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
            assertTrue(took < 1 + 2.5, "stalled body answered after " + took + " s");
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        int port = start(TransportLimits.defaults().withMaxUnauthenticatedConnections(5));
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                held.add(new Socket("127.0.0.1", port));
            }
            Thread.sleep(200); // the listener accepted them
            try (Socket over = new Socket("127.0.0.1", port)) {
                over.setSoTimeout(3000);
                assertEquals(-1, over.getInputStream().read(), "a sixth connection was served");
            }
            held.remove(0).close();
            Thread.sleep(200);
            assertTrue(get(port, "/home").startsWith("HTTP/1.1 200"), "no slot after one connection closed");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    private static boolean anyOpen(long[] closedAt) {
        for (long c : closedAt) {
            if (c == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
