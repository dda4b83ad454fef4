package dev.dualkey.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.upstream.UpstreamObjectStore;
import dev.dualkey.gateway.upstream.UpstreamSettings;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.storage.shared.KvSharedKv;
import dev.dualkey.testkit.MotoServer;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Full cluster mode (issue 20): three gateways over one etcd (identity, MFA state AND the upstream store's index:
 * {@link KvSharedKv}) and one upstream S3 (moto). Every test of {@link ClusterGatewaysTest} runs here too, on one
 * shared bucket; plus what needs shared objects: a version deleted with a code through one gateway is gone for the
 * others, and etcd restarted under load.
 */
class ClusterUpstreamGatewaysTest extends ClusterGatewaysTest {
    /** Upper bound of any request while etcd is away (etcd client deadline 2 s, a few calls per request). */
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Override
    ObjectStore objectStore(int g, StorageEngine engine, EtcdKvStore state) {
        try {
            MotoServer moto = MotoServer.shared(getClass().getSimpleName());
            if (g == 0) {
                moto.reset(); // runs in the superclass's @BeforeEach: each test starts on an empty upstream
            }
            return UpstreamObjectStore.open(UpstreamSettings.of(moto.endpoint(), "us-east-1", "test", "test"),
                    new KvSharedKv(state), Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    boolean sharedObjects() {
        return true;
    }

    private UpstreamObjectStore upstream(int g) {
        return (UpstreamObjectStore) objectStores.get(g);
    }

    @Test
    void aVersionDeletedWithACodeThroughOneGatewayIsGoneForTheOthers() {
        String v1 = putVersion(0, "shared");
        String v2 = putVersion(1, "shared");
        for (int g = 0; g < 3; g++) {
            HttpResponse<byte[]> r = send(g, "GET", "/bkt/shared?versionId=" + v1, "");
            assertEquals(200, r.statusCode(), "gateway " + g + " reads gateway 0's version");
            assertEquals("data", GatewayEndToEndTest.text(r));
        }
        totp.advance(Duration.ofSeconds(30));
        HttpResponse<byte[]> noCode = send(2, "DELETE", "/bkt/shared?versionId=" + v1, "");
        assertEquals(403, noCode.statusCode(), "MFA Delete is on: no code, no delete");
        assertEquals("AccessDenied", GatewayEndToEndTest.errorCode(noCode));
        assertEquals(204, send(0, "DELETE", "/bkt/shared?versionId=" + v1, "", "x-amz-mfa", mfa(0)).statusCode());
        for (int g = 1; g < 3; g++) {
            HttpResponse<byte[]> get = send(g, "GET", "/bkt/shared?versionId=" + v1, "");
            assertEquals(404, get.statusCode(), "gateway " + g);
            assertEquals("NoSuchVersion", GatewayEndToEndTest.errorCode(get), "gateway " + g);
            HttpResponse<byte[]> head = send(g, "HEAD", "/bkt/shared?versionId=" + v1, "");
            assertEquals(404, head.statusCode(), "gateway " + g);
            String listing = GatewayEndToEndTest.text(send(g, "GET", "/bkt?versions&prefix=shared", ""));
            assertFalse(listing.contains(v1), "gateway " + g + " lists no deleted version: " + listing);
            assertTrue(listing.contains(v2), "gateway " + g + " lists the other: " + listing);
            assertFalse(upstream(g).upstreamHasRawVersion("bkt", "shared", v1), "gone upstream too");
        }
        // bucket configuration is shared: versioning and MFA Delete as gateway 0 set them, seen at gateway 2
        String conf = GatewayEndToEndTest.text(send(2, "GET", "/bkt?versioning", ""));
        assertTrue(conf.contains("<Status>Enabled</Status>") && conf.contains("<MfaDelete>Enabled</MfaDelete>"), conf);
    }

    /** What one load request saw. */
    private record Outcome(long startedNs, long endedNs, int status, String code, String failure) {
    }

    /**
     * etcd restarted while three clients write and read through all gateways: every request ends within
     * {@link #BOUND}; while etcd is away every request answers 503 (ServiceUnavailable, or SlowDown), never 500;
     * once it is back requests succeed again, a code presented during the outage is refused (503) then accepted
     * exactly once, and a code spent before the outage stays spent.
     */
    @Test
    void etcdRestartedUnderLoadAnswers503AndNoCodeIsAcceptedTwice() throws Exception {
        totp.advance(Duration.ofSeconds(30));
        String before = mfa(0);
        String spent = putVersion(0, "e");
        assertEquals(204, send(1, "DELETE", "/bkt/e?versionId=" + spent, "", "x-amz-mfa", before).statusCode());
        String[] pending = {putVersion(1, "e"), putVersion(2, "e")};

        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicInteger seq = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(3);
        List<Future<?>> clients = new ArrayList<>();
        String during;
        for (int c = 0; c < 3; c++) {
            int client = c;
            clients.add(load.submit(() -> {
                while (run.get()) {
                    int n = seq.incrementAndGet();
                    int g = (client + n) % 3;
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = n % 2 == 0
                                ? send(g, "PUT", "/bkt/load-" + client, "payload-" + n)
                                : send(g, "GET", "/bkt/load-" + (client + 1) % 3, "");
                        outcomes.add(new Outcome(t0, System.nanoTime(), r.statusCode(),
                                GatewayEndToEndTest.errorCode(r), null));
                    } catch (AssertionError e) { // the client's own timeout or a broken connection
                        outcomes.add(new Outcome(t0, System.nanoTime(), -1, null, String.valueOf(e.getCause())));
                    }
                }
                return null;
            }));
        }
        try {
            awaitOutcomes(outcomes, o -> o.status() == 200, 6, "load runs before the outage");
            etcd.stop();
            long outageStart = System.nanoTime();
            totp.advance(Duration.ofSeconds(30));
            during = mfa(0);
            HttpResponse<byte[]> refused = send(0, "DELETE", "/bkt/e?versionId=" + pending[0], "", "x-amz-mfa",
                    during);
            assertEquals(503, refused.statusCode(), () -> GatewayEndToEndTest.text(refused));
            awaitOutcomes(outcomes, o -> o.startedNs() > outageStart, 6, "load runs during the outage");
            long outageEnd = System.nanoTime();
            etcd.restart();
            for (EtcdKvStore state : states) {
                awaitAvailable(state);
            }
            long back = System.nanoTime();
            awaitOutcomes(outcomes, o -> o.startedNs() > back && o.status() == 200, 6, "load succeeds again");
            run.set(false);
            for (Future<?> f : clients) {
                f.get(BOUND.toSeconds() * 2, TimeUnit.SECONDS);
            }
            int during503 = 0;
            synchronized (outcomes) {
                for (Outcome o : outcomes) {
                    String what = "status " + o.status() + " " + o.code() + " " + o.failure();
                    assertTrue(o.failure() == null, "a request failed without an answer: " + what);
                    assertTrue(o.endedNs() - o.startedNs() < BOUND.toNanos(), "a request took longer than "
                            + BOUND + ": " + what);
                    assertTrue(o.status() == 200 || o.status() == 404 || o.status() == 503, what);
                    if (o.status() == 503) {
                        assertTrue("ServiceUnavailable".equals(o.code()) || "SlowDown".equals(o.code()), what);
                    }
                    if (o.status() == 404) { // a GET of a key its writer has not put yet
                        assertEquals("NoSuchKey", o.code(), what);
                    }
                    if (o.startedNs() > outageStart && o.endedNs() < outageEnd) {
                        assertEquals(503, o.status(), "while etcd is away: " + what);
                        during503++;
                    }
                }
            }
            assertTrue(during503 >= 6, "requests answered during the outage: " + during503);
        } finally {
            run.set(false);
            load.shutdownNow();
        }
        HttpResponse<byte[]> replay = send(2, "DELETE", "/bkt/e?versionId=" + pending[0], "", "x-amz-mfa", before);
        assertEquals(400, replay.statusCode(), "a code spent before the outage stays spent");
        assertEquals("InvalidArgument", GatewayEndToEndTest.errorCode(replay));
        assertEquals(1, race(1, 2, during), "the outage's code is accepted exactly once");
    }

    private static void awaitOutcomes(List<Outcome> outcomes, java.util.function.Predicate<Outcome> which, int n,
                                      String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            long count;
            synchronized (outcomes) {
                count = outcomes.stream().filter(which).count();
            }
            if (count >= n) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": only " + count + " of " + n + " within 120 s; " + tail(outcomes));
            }
            Thread.sleep(50);
        }
    }

    private static String tail(List<Outcome> outcomes) {
        synchronized (outcomes) {
            return outcomes.subList(Math.max(0, outcomes.size() - 5), outcomes.size()).toString();
        }
    }
}
