package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.durable.ServeProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 12 F, "no memory before authentication", replayed: against the landed build, 12 unauthenticated
 * connections that sent a head with {@code Content-Length: 131072} and then trickled the body one byte per TCP
 * segment filled a 256 MiB heap in 30 s (one buffer per read was held before the request was authenticated), every
 * event loop died of OutOfMemoryError and the server never answered again.
 *
 * <p>Here the real {@code dualkey serve} runs with a quarter of that heap (64 MiB) and 2-second head and body idle
 * timeouts; 24 attack connections (half with {@code Expect: 100-continue}, half with a forged signature for an
 * unknown key, the rest unsigned) trickle for 8 s and reconnect whenever the server closes them. The attack
 * fails when: the server keeps answering authenticated SDK v2 requests with normal latency during and after it,
 * the process is alive (an OutOfMemoryError would end it), no attack connection outlives the bounds (2 s for the
 * head or the drained rest + slack), and SIGTERM still stops the loaded server.
 */
class TransportMemoryAttackTest {
    private static final int CONNECTIONS = 24;
    private static final Duration ATTACK = Duration.ofSeconds(8);
    /**
     * The longest an attack connection may live: the drained rest of a refused body must arrive within the body
     * idle timeout (2 s) after the refusal, plus scheduling slack on a shared machine.
     */
    private static final double MAX_ATTACK_CONNECTION_SECONDS = 2 + 6;

    @Test
    void trickledUnauthenticatedBodiesNeitherFillTheHeapNorHoldConnections() throws Exception {
        try (ServeProcess server = ServeProcess.startInTempDir("64m",
                "--request-head-timeout", "2", "--body-idle-timeout", "2");
             S3Client s3 = Clients.v2(server.endpoint(), java.time.Duration.ofSeconds(1));
             TransportTrickle attack = new TransportTrickle(server.port())) {
            s3.createBucket(b -> b.bucket("attacked"));
            byte[] small = "still served".getBytes(StandardCharsets.UTF_8);
            s3.putObject(b -> b.bucket("attacked").key("warm"), RequestBody.fromBytes(small));

            for (int i = 0; i < 5; i++) {
                probe(s3, small); // warm the client up: the attack's measurements are not its first requests
            }
            List<Long> latenciesMillis = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ExecutorService prober = java.util.concurrent.Executors.newSingleThreadExecutor();
            java.util.concurrent.Future<?> probes = prober.submit(() -> {
                while (!stop.get()) {
                    latenciesMillis.add(probe(s3, small));
                    Thread.sleep(500);
                }
                return null;
            });
            long end = System.nanoTime() + ATTACK.toNanos();
            int opened = 0;
            int variant = 0;
            try {
                while (System.nanoTime() < end) {
                    while (attack.openCount() < CONNECTIONS) {
                        attack.open(head(variant++ % 3));
                        opened++;
                    }
                    attack.round((byte) 'x');
                    attack.await(2);
                }
            } finally {
                stop.set(true);
                probes.get(60, java.util.concurrent.TimeUnit.SECONDS); // rethrows a failed request
                prober.shutdown();
            }
            assertTrue(server.isAlive(), "the server died during the attack:\n" + server.log());
            long after = probe(s3, small);
            assertTrue(after < 3000, "authenticated request after the attack took " + after + " ms");
            long[] sorted = latenciesMillis.stream().mapToLong(Long::longValue).sorted().toArray();
            assertTrue(sorted.length >= 5, "too few requests during the attack: " + latenciesMillis);
            assertTrue(sorted[sorted.length / 2] < 1000, "median authenticated PUT+GET during the attack over a "
                    + "second: " + latenciesMillis);
            assertTrue(sorted[sorted.length - 1] < 10_000, "an authenticated PUT+GET during the attack took over "
                    + "10 s: " + latenciesMillis);

            long overstaying = attack.connections().stream()
                    .filter(c -> c.lifetimeSeconds() > MAX_ATTACK_CONNECTION_SECONDS).count();
            long closedByServer = attack.connections().stream().filter(c -> !c.open()).count();
            assertEquals(0, overstaying, "attack connections held open past the bounds (of " + opened + ")");
            assertTrue(closedByServer >= CONNECTIONS, "the server closed only " + closedByServer + " of " + opened
                    + " attack connections in " + ATTACK.toSeconds() + " s");

            attack.close();
            int exit = server.sigterm(20);
            assertTrue(exit >= 0, "SIGTERM did not stop the server within 20 s:\n" + server.log());
            assertTrue(exit != dev.dualkey.gateway.http.FatalErrors.EXIT_STATUS, "the server halted on an "
                    + "OutOfMemoryError:\n" + server.log());
        }
    }

    /** One authenticated PUT and GET; returns the milliseconds they took together. */
    private static long probe(S3Client s3, byte[] body) {
        long t0 = System.nanoTime();
        s3.putObject(b -> b.bucket("attacked").key("probe"), RequestBody.fromBytes(body));
        byte[] got = s3.getObjectAsBytes(b -> b.bucket("attacked").key("probe")).asByteArray();
        assertEquals(new String(body, StandardCharsets.UTF_8), new String(got, StandardCharsets.UTF_8));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The attack heads: unsigned with Expect: 100-continue, unsigned without, signed for an unknown key. */
    private static byte[] head(int variant) {
        String auth = variant == 2 ? "Authorization: AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNKEY000000/20260101/"
                + "us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="
                + "0".repeat(64) + "\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\nx-amz-date: 20260101T000000Z\r\n"
                : "";
        String expect = variant == 0 ? "Expect: 100-continue\r\n" : "";
        return ("PUT /attacked/trickle HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 131072\r\n" + expect + auth
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
