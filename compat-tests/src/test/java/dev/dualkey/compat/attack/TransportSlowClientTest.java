package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
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
    /** Scheduling slack on a shared 2-core machine (the check itself fires at the deadline). */
    private static final double SLACK_SECONDS = 2.5;

    private static TransportServeProcess server;
    private static S3Client s3;

    @BeforeAll
    static void start() {
        server = TransportServeProcess.start("256m", "--request-head-timeout", "2", "--body-idle-timeout", "2");
        s3 = Clients.v2(server.endpoint());
        s3.createBucket(b -> b.bucket("slow"));
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
            List<Long> latencies = driveWhileOpen(slow, 1000, 10_000);
            assertEquals(0, slow.openCount(), "slow heads still open after 10 s");
            assertWithinBound(slow);
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
            List<Long> latencies = driveWhileOpen(stalled, Long.MAX_VALUE, 10_000);
            assertEquals(0, stalled.openCount(), "stalled bodies still open after 10 s");
            assertWithinBound(stalled);
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
     * Trickles a byte to each open socket every {@code trickleMillis} and polls for closes every 50 ms, while an
     * SDK v2 client does a PUT and a GET every 200 ms; stops when all sockets are closed or after
     * {@code maxMillis}. Returns the SDK round trips' latencies.
     */
    private static List<Long> driveWhileOpen(TransportTrickle sockets, long trickleMillis, long maxMillis)
            throws InterruptedException {
        List<Long> latencies = new ArrayList<>();
        long start = System.nanoTime();
        long nextTrickle = start + trickleMillis * 1_000_000L;
        long nextProbe = start;
        while (sockets.openCount() > 0 && System.nanoTime() - start < maxMillis * 1_000_000L) {
            long now = System.nanoTime();
            if (now >= nextTrickle) {
                sockets.round((byte) 'a');
                nextTrickle = now + trickleMillis * 1_000_000L;
            } else {
                sockets.pollAll();
            }
            if (now >= nextProbe) {
                long t0 = System.nanoTime();
                s3.putObject(b -> b.bucket("slow").key("probe"), RequestBody.fromString("served"));
                String got = s3.getObjectAsBytes(b -> b.bucket("slow").key("probe")).asUtf8String();
                assertEquals("served", got);
                latencies.add((System.nanoTime() - t0) / 1_000_000);
                nextProbe = System.nanoTime() + 200_000_000L;
            }
            Thread.sleep(50);
        }
        return latencies;
    }

    private static void assertWithinBound(TransportTrickle sockets) {
        double worst = sockets.connections().stream().mapToDouble(TransportTrickle.Conn::lifetimeSeconds).max()
                .orElse(0);
        assertTrue(worst <= TIMEOUT_SECONDS + SLACK_SECONDS, "a slow socket stayed open " + worst + " s");
    }

    private static void assertServedNormally(List<Long> latencies) {
        assertTrue(latencies.size() >= 3, "too few SDK round trips during the attack: " + latencies);
        long worst = latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        assertTrue(worst < 1500, "an SDK PUT+GET took " + worst + " ms during the attack: " + latencies);
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
