package dev.dualkey.gateway.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dualkey.mfa.audit.AuditRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook against real HTTP receivers (the JDK's server on a loopback port): a signed JSON body, retries with
 * the same delivery id after failures, no retry of a 4xx refusal, and a receiver that hangs: every attempt is
 * bounded, the caller's {@code accept} never waits, the queue stays bounded and drops the oldest.
 */
class WebhookAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SECRET = "s3cr3t-for-hmac".getBytes(StandardCharsets.UTF_8);
    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");

    private record Received(String event, String delivery, String signature, byte[] body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private HttpServer receiver;
    private WebhookAlerts alerts;

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        if (receiver != null) {
            receiver.stop(0);
        }
        pool.shutdownNow();
    }

    /** A receiver answering each POST with {@code status.apply(n)} (n counts from 1). */
    private URI receive(java.util.function.IntUnaryOperator status, CountDownLatch hold) throws IOException {
        AtomicInteger n = new AtomicInteger();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(pool);
        receiver.createContext("/hook", (HttpExchange x) -> {
            byte[] body = x.getRequestBody().readAllBytes();
            received.add(new Received(x.getRequestHeaders().getFirst("X-Dualkey-Event"),
                    x.getRequestHeaders().getFirst("X-Dualkey-Delivery"),
                    x.getRequestHeaders().getFirst("X-Dualkey-Signature-256"), body));
            if (hold != null) {
                try {
                    hold.await(); // a receiver that never answers (until the test ends)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            x.sendResponseHeaders(status.applyAsInt(n.incrementAndGet()), -1);
            x.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    }

    private static AuditRecord lockout(int i) {
        return new AuditRecord(T.plusSeconds(i), "111111111111", "arn:aws:iam::111111111111:root", "AKIAEXAMPLE",
                "s3:DeleteObjectVersion", "photos", "cat.jpg", "v" + i, "arn:aws:iam::111111111111:mfa/root",
                "INVALID", "203.0.113.9 via 10.0.0.2", "wrong code; 5 wrong codes in a step (api); locked for 30 s");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached within 30 s");
            Thread.sleep(5);
        }
    }

    @Test
    void aSecurityEventArrivesSignedWithEveryIdentifierAndNoSecret() throws Exception {
        URI url = receive(n -> 204, null);
        alerts = WebhookAlerts.start(AlertSettings.of(url, SECRET));
        alerts.accept(AuditRecord.of(T, "111111111111", "alice", "iam:CreateUser", "OK")); // not an alert
        alerts.accept(lockout(1));
        await(() -> alerts.delivered() == 1);
        assertEquals(1, received.size());
        Received r = received.get(0);
        assertEquals("mfa.lockout", r.event());
        assertEquals("sha256=" + WebhookAlerts.hmac(SECRET, r.body()), r.signature());
        JsonNode n = JSON.readTree(r.body());
        assertEquals(r.delivery(), n.get("id").asText());
        assertEquals("mfa.lockout", n.get("type").asText());
        assertEquals("2026-06-01T00:00:01Z", n.get("time").asText());
        assertEquals("111111111111", n.get("accountId").asText());
        assertEquals("s3:DeleteObjectVersion", n.get("action").asText());
        assertEquals("photos", n.get("bucket").asText());
        assertEquals("203.0.113.9", n.get("clientAddress").asText());
        assertEquals("10.0.0.2", n.get("via").asText());
        assertTrue(n.get("root").asBoolean());
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertFalse(text.contains("s3cr3t"), text);
        assertEquals(0, alerts.failed());
    }

    /**
     * Issue 19: the HTTP client (and with it the JDK's TLS context, about 0.2 CPU-s on a cold JVM) is built by the
     * first delivery, not at start, where it competed with a fresh server's first requests.
     */
    @Test
    void theHttpClientIsBuiltByTheFirstDeliveryNotAtStart() throws Exception {
        URI url = receive(n -> 204, null);
        alerts = WebhookAlerts.start(AlertSettings.of(url, SECRET));
        alerts.accept(AuditRecord.of(T, "111111111111", "alice", "iam:CreateUser", "OK")); // not an alert
        assertFalse(alerts.httpClientBuilt());
        alerts.accept(lockout(1));
        await(() -> alerts.delivered() == 1);
        assertTrue(alerts.httpClientBuilt());
        assertEquals(1, received.size());
    }

    @Test
    void aReceiverThatFailsFirstGetsTheSameEventAgainUntilItAccepts() throws Exception {
        URI url = receive(n -> n <= 2 ? 503 : 200, null);
        alerts = WebhookAlerts.start(AlertSettings.of(url, null)
                .withRetries(5, Duration.ofMillis(10), Duration.ofMillis(40)));
        alerts.accept(lockout(1));
        await(() -> alerts.delivered() == 1);
        assertEquals(3, received.size(), "two failures, then the accepted attempt");
        assertEquals(1, received.stream().map(Received::delivery).distinct().count(), "one id across retries");
        assertEquals(null, received.get(0).signature(), "no secret, no signature");
        assertEquals(0, alerts.failed());
    }

    @Test
    void aRefusalIsNotRetriedAndAnUnreachableReceiverIsGivenUp() throws Exception {
        URI url = receive(n -> 400, null);
        alerts = WebhookAlerts.start(AlertSettings.of(url, null)
                .withRetries(5, Duration.ofMillis(10), Duration.ofMillis(40)));
        alerts.accept(lockout(1));
        await(() -> alerts.failed() == 1);
        assertEquals(1, received.size());
        alerts.close();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: connections are refused
        }
        alerts = WebhookAlerts.start(AlertSettings.of(URI.create("http://127.0.0.1:" + closedPort + "/hook"), null)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(5)));
        alerts.accept(lockout(2));
        await(() -> alerts.failed() == 1 && alerts.idle());
        assertEquals(0, alerts.delivered());
    }

    @Test
    void aHangingReceiverNeverHoldsTheCallerAndTheQueueDropsTheOldest() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        URI url = receive(n -> 200, hold);
        try {
            alerts = WebhookAlerts.start(AlertSettings.of(url, null).withQueueCapacity(5)
                    .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10)).withTimeout(Duration.ofMillis(300)));
            alerts.accept(lockout(0));
            await(() -> received.size() == 1); // the sender is now stuck in its first attempt
            for (int i = 1; i <= 49; i++) {
                alerts.accept(lockout(i)); // the caller (a request's thread) never waits for the receiver
            }
            assertEquals(5, alerts.queued());
            assertEquals(44, alerts.dropped(), "49 offered while one was in flight: the oldest 44 dropped");
            // Each attempt is bounded by the timeout: the stuck event is given up after its two attempts and the
            // sender moves on to the newest five.
            await(() -> alerts.failed() >= 1);
            await(() -> received.stream().anyMatch(r -> {
                try {
                    return JSON.readTree(r.body()).get("versionId").asText().equals("v45");
                } catch (IOException e) {
                    return false;
                }
            }));
            assertTrue(received.stream().noneMatch(r -> new String(r.body(), StandardCharsets.UTF_8)
                    .contains("\"v1\"")), "the oldest queued events were the ones dropped");
        } finally {
            hold.countDown();
        }
        assertNotNull(alerts);
    }

    @Test
    void anAccountsOwnReceiverGetsOnlyItsAccountsEventsBesideTheOperators() throws Exception {
        URI operator = receive(n -> 200, null);
        List<Received> account = new CopyOnWriteArrayList<>();
        receiver.createContext("/acct", (HttpExchange x) -> {
            byte[] body = x.getRequestBody().readAllBytes();
            account.add(new Received(x.getRequestHeaders().getFirst("X-Dualkey-Event"),
                    x.getRequestHeaders().getFirst("X-Dualkey-Delivery"),
                    x.getRequestHeaders().getFirst("X-Dualkey-Signature-256"), body));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        byte[] accountSecret = "account-secret".getBytes(StandardCharsets.UTF_8);
        URI acct = operator.resolve("/acct?token=abc");
        java.util.Map<String, AlertTarget> targets = new java.util.concurrent.ConcurrentHashMap<>();
        targets.put("111111111111", new AlertTarget(acct, accountSecret));
        targets.put("222222222222", new AlertTarget(operator, null)); // the operator's own URL: sent once
        alerts = WebhookAlerts.start(AlertSettings.of(operator, SECRET),
                id -> java.util.Optional.ofNullable(targets.get(id)));
        alerts.accept(lockout(1)); // account 1111...: operator and its own receiver
        await(() -> alerts.delivered() == 2 && alerts.idle());
        assertEquals(1, received.size());
        assertEquals(1, account.size());
        assertEquals(received.get(0).delivery(), account.get(0).delivery(), "one event, one id, two receivers");
        assertEquals("sha256=" + WebhookAlerts.hmac(accountSecret, account.get(0).body()), account.get(0).signature(),
                "each receiver's own secret signs");
        assertEquals("sha256=" + WebhookAlerts.hmac(SECRET, received.get(0).body()), received.get(0).signature());

        alerts.accept(new AuditRecord(T, "222222222222", "arn:aws:iam::222222222222:root", null,
                "iam:CreateAccessKey", null, null, null, null, "OK", "127.0.0.1", null));
        alerts.accept(new AuditRecord(T, "333333333333", "arn:aws:iam::333333333333:root", null,
                "iam:CreateAccessKey", null, null, null, null, "OK", "127.0.0.1", null));
        await(() -> alerts.delivered() == 4 && alerts.idle());
        assertEquals(3, received.size(), "the operator's receiver gets every account's events, the same URL once");
        assertEquals(1, account.size(), "account 1111's receiver never sees another account's events");

        targets.remove("111111111111"); // read at each delivery: a removal takes effect for the next event
        alerts.accept(lockout(2));
        await(() -> alerts.delivered() == 5 && alerts.idle());
        assertEquals(1, account.size());
        assertEquals(0, alerts.failed());
    }

    @Test
    void anUnreadableAccountSettingStillReachesTheOperator() throws Exception {
        URI operator = receive(n -> 200, null);
        alerts = WebhookAlerts.start(AlertSettings.of(operator, null), id -> {
            throw new IllegalStateException("etcd is down");
        });
        alerts.accept(lockout(1));
        await(() -> alerts.delivered() == 1 && alerts.idle());
        assertEquals(1, received.size());
    }

    @Test
    void theDeliveryCountersAreExportedAsMetrics() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        AtomicInteger mode = new AtomicInteger(); // 0: fail twice then accept; 1: refuse; 2: hang
        AtomicInteger calls = new AtomicInteger();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(pool);
        receiver.createContext("/hook", (HttpExchange x) -> {
            x.getRequestBody().readAllBytes();
            received.add(new Received(null, null, null, new byte[0]));
            int status = switch (mode.get()) {
                case 0 -> calls.incrementAndGet() <= 2 ? 503 : 200;
                case 1 -> 400;
                default -> {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield 200;
                }
            };
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        receiver.start();
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        try (dev.dualkey.gateway.metrics.DualkeyMetrics metrics = new dev.dualkey.gateway.metrics.DualkeyMetrics()) {
            alerts = WebhookAlerts.start(AlertSettings.of(url, null).withQueueCapacity(2)
                    .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(20)).withTimeout(Duration.ofSeconds(20)));
            metrics.bindAlerts(alerts);
            dev.dualkey.gateway.metrics.PrometheusText zero = dev.dualkey.gateway.metrics.PrometheusText.parse(
                    metrics.scrape());
            for (String name : List.of("dualkey_alerts_sent_total", "dualkey_alerts_failed_total",
                    "dualkey_alerts_retried_total", "dualkey_alerts_dropped_total", "dualkey_alerts_queued")) {
                assertEquals(0.0, zero.value(name), name + " is exported at zero before the first event");
            }
            assertEquals("counter", zero.types().get("dualkey_alerts_sent_total"));
            alerts.accept(lockout(1)); // 503, 503, 200: sent once after two retries
            await(() -> alerts.delivered() == 1 && alerts.idle());
            mode.set(1);
            alerts.accept(lockout(2)); // 400: given up at once, not retried
            await(() -> alerts.failed() == 1 && alerts.idle());
            mode.set(2);
            alerts.accept(lockout(3)); // the receiver hangs on this one
            await(() -> received.size() == 5);
            for (int i = 4; i <= 8; i++) {
                alerts.accept(lockout(i)); // five offered, two kept: the oldest three dropped
            }
            dev.dualkey.gateway.metrics.PrometheusText text = dev.dualkey.gateway.metrics.PrometheusText.parse(
                    metrics.scrape());
            assertEquals(1.0, text.value("dualkey_alerts_sent_total"));
            assertEquals(1.0, text.value("dualkey_alerts_failed_total"));
            assertEquals(2.0, text.value("dualkey_alerts_retried_total"));
            assertEquals(3.0, text.value("dualkey_alerts_dropped_total"));
            assertEquals(2.0, text.value("dualkey_alerts_queued"));
        } finally {
            hold.countDown();
        }
    }
}
