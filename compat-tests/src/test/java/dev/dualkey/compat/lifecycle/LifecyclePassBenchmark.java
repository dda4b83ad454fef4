package dev.dualkey.compat.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.lifecycle.LifecycleConfiguration;
import dev.dualkey.gateway.lifecycle.LifecycleSettings;
import dev.dualkey.gateway.lifecycle.LifecycleWorker;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StorageEngine;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Not in CI: {@code compat-tests/bench/lifecycle.sh [VERSIONS]} (property {@code lifecycle.bench.versions}).
 *
 * <p>Fills a versioned bucket with VERSIONS versions directly through the store (VERSIONS/2 keys, a current and a
 * noncurrent version each; 10 % of the keys under {@code old/}, the rest under {@code live/}), with a rule that
 * expires noncurrent versions under {@code old/} after a day, and the audit log of the mfa module. Then measures
 * (1) one pass of the worker with unlimited rates on a rule clock three days ahead (examines every version,
 * deletes 5 % of them, one audit record each), and (2) the PUT rate of a concurrent client (AWS SDK v2, 8
 * threads, 4 KiB objects, over HTTP to an in-process gateway on the same store) for a fixed window without the
 * worker, with the worker at its default rates (2000 versions/s, 200 deletes/s) and with the worker unlimited.
 */
@EnabledIfSystemProperty(named = "lifecycle.bench.versions", matches = "\\d+")
class LifecyclePassBenchmark {
    private static final String BUCKET = "lc-bench";
    private static final String RULE = "<LifecycleConfiguration><Rule><ID>old</ID><Filter><Prefix>old/</Prefix>"
            + "</Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays>"
            + "</NoncurrentVersionExpiration></Rule></LifecycleConfiguration>";

    @Test
    void passAndConcurrentPutRate() throws Exception {
        int versions = Integer.parseInt(System.getProperty("lifecycle.bench.versions"));
        long window = Long.parseLong(System.getProperty("lifecycle.bench.windowSeconds", "20"));
        Path dir = Files.createTempDirectory("dualkey-lc-bench-");
        try (StorageEngine engine = StorageEngine.open(dir, MfaSchema.FAMILIES)) {
            ObjectStore store = engine.objectStore();
            MfaServices mfa = MfaServices.open(engine.database(), dir, Clock.systemUTC());
            store.createBucket(BUCKET, "111111111111", "us-east-1");
            store.updateBucket(BUCKET, c -> c.withVersioning(VersioningState.ENABLED));
            long t0 = System.nanoTime();
            fill(store, versions / 2);
            double fillSeconds = (System.nanoTime() - t0) / 1e9;
            String doc = LifecycleConfiguration.parse(RULE.getBytes(StandardCharsets.UTF_8)).toXml();
            store.updateBucket(BUCKET, c -> c.withSubresource(LifecycleConfiguration.SUBRESOURCE, doc));
            Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofDays(3));

            LifecycleWorker once = new LifecycleWorker(store, mfa.audit(),
                    LifecycleSettings.defaults().withClock(ahead).withRates(0, 0));
            long p0 = System.nanoTime();
            once.runPass();
            double passSeconds = (System.nanoTime() - p0) / 1e9;
            System.out.printf("LIFECYCLE-BENCH fill %d versions: %.1f s; pass: %.1f s, examined %d, deleted %d"
                    + " (%.0f versions/s)%n", versions, fillSeconds, passSeconds, once.examined(), once.deleted(),
                    once.examined() / passSeconds);
            assertEquals(versions / 2 / 10, once.deleted());

            // refill the old/ noncurrent versions so the concurrent runs have work to do
            GatewayServer server = GatewayServer.builder().objectStore(store)
                    .credentialProvider(id -> id.equals(GatewayExtension.ROOT.accessKeyId())
                            ? Optional.of(new Credential(id, GatewayExtension.ROOT.secretKey(),
                            Principal.root("111111111111"), true)) : Optional.empty())
                    .s3Address(new InetSocketAddress("127.0.0.1", 0)).start();
            try {
                GatewayEndpoint gw = new GatewayEndpoint(URI.create("http://127.0.0.1:" + server.s3Port()),
                        GatewayExtension.REGION, GatewayExtension.ROOT, GatewayExtension.OTHER_ACCOUNT);
                // A first window warms the JIT, the client's connections and RocksDB's caches and is not reported:
                // without it the baseline, measured first, was the cold one (a worker then seemed to double the rate).
                double warmUp = putRate(gw, window, null);
                double before = putRate(gw, window, null);
                double withDefault = putRate(gw, window, new LifecycleWorker(store, mfa.audit(),
                        LifecycleSettings.defaults().withClock(ahead).withInterval(Duration.ofMillis(10))));
                double withUnlimited = putRate(gw, window, new LifecycleWorker(store, mfa.audit(),
                        LifecycleSettings.defaults().withClock(ahead).withInterval(Duration.ofMillis(10))
                                .withRates(0, 0)));
                double after = putRate(gw, window, null); // the baseline again: drift shows as before != after
                double base = (before + after) / 2;
                System.out.printf("LIFECYCLE-BENCH PUT 4KiB x8 threads, %d s windows: warm-up %.0f/s; without worker"
                        + " %.0f/s before and %.0f/s after (mean %.0f/s); with worker at default rates %.0f/s"
                        + " (%.0f%% of the mean); with worker unlimited %.0f/s (%.0f%%)%n",
                        window, warmUp, before, after, base, withDefault, 100 * withDefault / base, withUnlimited,
                        100 * withUnlimited / base);
            } finally {
                server.close();
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void fill(ObjectStore store, int keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> jobs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            jobs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < keys; i = next.getAndIncrement()) {
                    String key = (i % 10 == 0 ? "old/" : "live/") + String.format("%08d", i);
                    put(store, key, "first");
                    put(store, key, "second");
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
    }

    private static void put(ObjectStore store, String key, String body) {
        try (ObjectWriter w = store.newObjectWriter(BUCKET, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
            w.commit(Expectations.none());
        }
    }

    /** PUTs per second of 8 client threads during {@code seconds}, with {@code worker} running (null: none). */
    private static double putRate(GatewayEndpoint gw, long seconds, LifecycleWorker worker) throws Exception {
        byte[] body = new byte[4096];
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        if (worker != null) {
            worker.start();
        }
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (S3Client s3 = Clients.v2(gw)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                jobs.add(pool.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        String key = "old/put-" + thread + "-" + (i++ % 500);
                        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
            if (worker != null) {
                worker.close();
                System.out.printf("LIFECYCLE-BENCH   worker during the window: examined %d, deleted %d, passes %d%n",
                        worker.examined(), worker.deleted(), worker.passes());
            }
        }
        return done.get() / (double) seconds;
    }
}
