package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.compat.RawS3;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 12 F, slow clients, replayed against the real {@code dualkey serve} with its timeouts set to 2 s (the
 * defaults are 20 s; the short bound lets the attack run in seconds): 500 sockets that send a request head one
 * byte per second, 500 that send a signed head and part of the body and then stall, and an idle keep-alive
 * connection. Each must be closed within its bound (stalled bodies first answered 400 RequestTimeout, as S3 does)
 * while an SDK v2 client keeps being served with normal latency. Against the landed build every one of these
 * sockets stayed open (only a 300 s all-idle timer existed, and a byte per second kept it from firing).
 */
class TransportSlowClientTest {
    private static final int SOCKETS = 500;
    private static final double TIMEOUT_SECONDS = 2;
    /**
     * Slack for scheduling on a shared 2-core CI machine (the server's check fires at the deadline; on an idle
     * machine 500 slow heads were closed 2.0-2.9 s after they opened, median 2.4 s, with a 2 s timeout; at a
     * load average of 20 the first closes came up to 4 s late). The landed build closed none of them at all.
     */
    private static final double SLACK_SECONDS = 6;

    private static ServeProcess server;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        server = ServeProcess.startInTempDir("256m", "--request-head-timeout", "2", "--body-idle-timeout", "2");
        s3 = Clients.v2(server.endpoint(), java.time.Duration.ofSeconds(1));
        s3.createBucket(b -> b.bucket("slow"));
        warmUp();
    }

    @AfterAll
    static void stop() {
        if (s3 != null) {
            s3.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** 500 heads trickled a byte a second never complete: all closed within the head timeout. */
    @Test
    void slowHeadsAreClosedWithinTheBoundWhileOthersAreServed() throws Exception {
        try (TransportTrickle slow = new TransportTrickle(server.port())) {
            for (int i = 0; i < SOCKETS; i++) {
                slow.open("GET /slow/key HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            }
            List<Long> latencies = driveWhileOpen(slow, 1000, 15_000);
            assertEquals(0, slow.openCount(), "slow heads still open after 15 s");
            assertWithinBound(slow, latencies);
            assertServedNormally(latencies);
        }
    }

    /**
     * 500 authenticated PUTs send their signed head and 10 of 100 body bytes, then stall: each gets 400
     * RequestTimeout and is closed within the body idle timeout.
     */
    @Test
    void stalledBodiesAreAnsweredRequestTimeoutAndClosed() throws Exception {
        byte[] head = signedPutHead(100);
        byte[] prefix = new byte[head.length + 10];
        System.arraycopy(head, 0, prefix, 0, head.length);
        try (TransportTrickle stalled = new TransportTrickle(server.port())) {
            for (int i = 0; i < SOCKETS; i++) {
                stalled.open(prefix);
            }
            List<Long> latencies = driveWhileOpen(stalled, Long.MAX_VALUE, 15_000);
            assertEquals(0, stalled.openCount(), "stalled bodies still open after 15 s");
            assertWithinBound(stalled, latencies);
            for (TransportTrickle.Conn c : stalled.connections()) {
                String answer = c.receivedText();
                assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
                assertTrue(answer.contains("<Code>RequestTimeout</Code>"), answer);
            }
            assertServedNormally(latencies);
        }
    }

    /** A keep-alive connection that served a request and then idles is closed after the head timeout. */
    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        s3.putObject(b -> b.bucket("slow").key("k"), RequestBody.fromString("v"));
        try (RawS3 raw = new RawS3(server.endpoint());
             TransportTrickle idle = new TransportTrickle(server.port())) {
            SdkHttpRequest get = raw.request("GET", "/slow/k").sign().request();
            TransportTrickle.Conn c = idle.open(rawHead(get, 0));
            driveWhileOpen(idle, Long.MAX_VALUE, 10_000);
            assertTrue(c.receivedText().startsWith("HTTP/1.1 200"), c.receivedText());
            assertTrue(!c.open() && c.lifetimeSeconds() <= TIMEOUT_SECONDS + SLACK_SECONDS,
                    "idle keep-alive connection lived " + c.lifetimeSeconds() + " s");
        }
    }

    /**
     * Trickles a byte to each open socket every {@code trickleMillis} and waits for answers and closes, while an
     * SDK v2 client on another thread does a PUT and a GET every 200 ms; stops when all sockets are closed or
     * after {@code maxMillis}. Returns the SDK round trips' latencies (a failed round trip fails the test).
     */
    private static List<Long> driveWhileOpen(TransportTrickle sockets, long trickleMillis, long maxMillis)
            throws Exception {
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ExecutorService prober = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.Future<?> probes = prober.submit(() -> {
            while (!stop.get()) {
                long t0 = System.nanoTime();
                s3.putObject(b -> b.bucket("slow").key("probe"), RequestBody.fromString("served"));
                String got = s3.getObjectAsBytes(b -> b.bucket("slow").key("probe")).asUtf8String();
                assertEquals("served", got);
                latencies.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(200);
            }
            return null;
        });
        try {
            long start = System.nanoTime();
            long trickleNanos = trickleMillis == Long.MAX_VALUE ? Long.MAX_VALUE / 4 : trickleMillis * 1_000_000L;
            long nextTrickle = start + trickleNanos;
            while (sockets.openCount() > 0 && System.nanoTime() - start < maxMillis * 1_000_000L) {
                long now = System.nanoTime();
                if (now >= nextTrickle) {
                    sockets.round((byte) 'a');
                    nextTrickle = now + trickleNanos;
                }
                sockets.await(20);
            }
        } finally {
            stop.set(true);
            probes.get(60, java.util.concurrent.TimeUnit.SECONDS); // rethrows a failed round trip
            prober.shutdown();
        }
        return new ArrayList<>(latencies);
    }

    private static void assertWithinBound(TransportTrickle sockets, List<Long> latencies) {
        double[] lifetimes = sockets.connections().stream().mapToDouble(TransportTrickle.Conn::lifetimeSeconds)
                .sorted().toArray();
        double worst = lifetimes[lifetimes.length - 1];
        assertTrue(worst <= TIMEOUT_SECONDS + SLACK_SECONDS, "a slow socket stayed open " + worst + " s (min "
                + lifetimes[0] + ", median " + lifetimes[lifetimes.length / 2] + "); SDK round trips (ms) "
                + latencies);
    }

    /**
     * Every round trip during the attack succeeded within 10 s, and one right after it within 3 s. The bounds are
     * loose on purpose: CI machines are shared (this one ran at a load average of 20 on 2 cores, where the first
     * round trip after 500 connections opened took about 5 s and later ones 0.1-0.4 s); a client the server
     * stopped serving would fail or time out instead.
     */
    private static void assertServedNormally(List<Long> latencies) {
        assertTrue(!latencies.isEmpty(), "no SDK round trip during the attack");
        long worst = latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        assertTrue(worst < 10_000, "an SDK PUT+GET took over 10 s during the attack: " + latencies);
        long t0 = System.nanoTime();
        s3.putObject(b -> b.bucket("slow").key("probe"), RequestBody.fromString("after"));
        assertEquals("after", s3.getObjectAsBytes(b -> b.bucket("slow").key("probe")).asUtf8String());
        long after = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(after < 3000, "an SDK PUT+GET after the attack took " + after + " ms");
    }

    /** A few round trips before the attack, so that the measured ones do not include the client's warm-up. */
    private static void warmUp() {
        for (int i = 0; i < 5; i++) {
            s3.putObject(b -> b.bucket("slow").key("probe"), RequestBody.fromString("served"));
            s3.getObjectAsBytes(b -> b.bucket("slow").key("probe"));
        }
    }

    /** The head of a PUT signed for the root key with UNSIGNED-PAYLOAD and a body of {@code length} bytes. */
    private static byte[] signedPutHead(int length) {
        try (RawS3 raw = new RawS3(server.endpoint())) {
            SdkHttpRequest put = raw.request("PUT", "/slow/stalled").payloadSigning(false).body(new byte[length])
                    .sign().request();
            return rawHead(put, length);
        }
    }

    private static byte[] rawHead(SdkHttpRequest request, long contentLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder sb = new StringBuilder(request.method().name()).append(' ').append(request.encodedPath())
                .append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean length = false;
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            host |= h.getKey().equalsIgnoreCase("Host");
            length |= h.getKey().equalsIgnoreCase("Content-Length");
            for (String v : h.getValue()) {
                sb.append(h.getKey()).append(": ").append(v).append("\r\n");
            }
        }
        if (!host) {
            sb.append("Host: 127.0.0.1:").append(server.port()).append("\r\n");
        }
        if (!length && contentLength > 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        out.writeBytes(sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
