package dev.dualkey.compat.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The request-stall hunt (not part of the table): many small PUTs with N in flight through the SDK v2 async
 * client, then a few large PUTs, against an already running S3 endpoint. Every request still unanswered after
 * the watchdog limit is reported; the exit code is the number of stalled or failed requests (0 = clean).
 *
 * <pre>java -cp ... dev.dualkey.compat.bench.StallStress http://127.0.0.1:9000 ACCESS SECRET [puts] [inFlight]
 * [largeMiB] [largeCount] [new|overwrite|mixed] [bucket]</pre>
 */
public final class StallStress {
    private StallStress() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        int puts = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
        int inFlight = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int largeMiB = args.length > 5 ? Integer.parseInt(args[5]) : 256;
        int largeCount = args.length > 6 ? Integer.parseInt(args[6]) : 2;
        String keys = args.length > 7 ? args[7] : "mixed"; // new | overwrite | mixed
        Duration stallAfter = Duration.ofSeconds(15);
        try (S3AsyncClient s3 = S3AsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(inFlight * 2)
                        .readTimeout(Duration.ofMinutes(5)).writeTimeout(Duration.ofMinutes(5)))
                .build()) {
            String bucket = args.length > 8 ? args[8] : "stall-" + System.currentTimeMillis();
            s3.createBucket(b -> b.bucket(bucket)).exceptionally(e -> null).join();
            String run = Long.toString(System.nanoTime(), 36);
            Map<String, Long> pending = new ConcurrentHashMap<>();
            AtomicLong failed = new AtomicLong();
            Semaphore slots = new Semaphore(inFlight);
            byte[] small = new byte[4096];
            Thread watchdog = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    long now = System.nanoTime();
                    pending.forEach((k, t) -> {
                        if (now - t > stallAfter.toNanos()) {
                            System.out.println("STALLED " + k + " for " + (now - t) / 1_000_000 + " ms");
                        }
                    });
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watchdog.setDaemon(true);
            watchdog.start();
            long start = System.nanoTime();
            for (int i = 0; i < puts; i++) {
                slots.acquire();
                String key = switch (keys) {
                    case "new" -> "n" + run + "-" + i;
                    case "overwrite" -> "o" + (i % 1000);
                    default -> "k" + (i % 2 == 0 ? run + i : i % 1000);
                };
                pending.put(key, System.nanoTime());
                s3.putObject(b -> b.bucket(bucket).key(key), AsyncRequestBody.fromBytes(small))
                        .whenComplete((r, e) -> {
                            if (e != null && failed.incrementAndGet() <= 5) {
                                System.out.println("FAILED " + key + ": " + e);
                            }
                            pending.remove(key);
                            slots.release();
                        });
            }
            slots.acquire(inFlight);
            slots.release(inFlight);
            System.out.printf("%d small PUTs in %.1f s, %d failed%n", puts, (System.nanoTime() - start) / 1e9,
                    failed.get());
            byte[] large = new byte[1024 * 1024];
            for (int i = 0; i < largeCount; i++) {
                String key = "large" + i;
                long t0 = System.nanoTime();
                pending.put(key, t0);
                CompletableFuture<?> f = s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) largeMiB << 20),
                        AsyncRequestBody.fromPublisher(Repeat.of(large, largeMiB)));
                try {
                    f.join();
                    System.out.printf("large PUT %d MiB in %.2f s%n", largeMiB, (System.nanoTime() - t0) / 1e9);
                } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    System.out.println("FAILED " + key + ": " + e);
                }
                pending.remove(key);
            }
            watchdog.interrupt();
            System.out.println("done: " + failed.get() + " failed");
            System.exit((int) Math.min(failed.get(), 100));
        }
    }

    /** The same buffer {@code times} times, as a reactive body. */
    private static final class Repeat {
        static org.reactivestreams.Publisher<java.nio.ByteBuffer> of(byte[] chunk, int times) {
            return subscriber -> subscriber.onSubscribe(new org.reactivestreams.Subscription() {
                private long sent;
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    while (n-- > 0 && sent < times) {
                        sent++;
                        subscriber.onNext(java.nio.ByteBuffer.wrap(chunk));
                    }
                    if (sent == times && !done) {
                        done = true;
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    sent = times;
                    done = true;
                }
            });
        }
    }
}
