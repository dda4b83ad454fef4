package dev.dualkey.compat.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

/**
 * Where a ListObjectVersions page's time goes on the client (issue 19), by hand: alternates phases of the SDK
 * client (as the bench's {@code list_versions_page} row) and of {@link RawListPages} (the same chain of pages,
 * no parsing) against a running server, one page at a time, and prints per phase: pages, p50/p99 latency, the load
 * generator's own CPU per page (this JVM's process CPU, all threads) and, with a pid, the server's CPU per page.
 *
 * <pre>java -cp ... dev.dualkey.compat.bench.ListPageCost ENDPOINT ACCESS SECRET BUCKET SECONDS ROUNDS [SERVER_PID]</pre>
 * against a running server (e.g. one started on the data directory list-cpu.sh filled).
 */
public final class ListPageCost {
    private ListPageCost() {
    }

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[3];
        Duration time = Duration.ofSeconds(Long.parseLong(args[4]));
        int rounds = Integer.parseInt(args[5]);
        Path serverStat = args.length > 6 ? Path.of("/proc", args[6], "stat") : null;
        S3AsyncClient s3 = S3AsyncClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[1], args[2])))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(60)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
        AtomicReference<ListObjectVersionsResponse> previous = new AtomicReference<>();
        LongFunction<CompletableFuture<?>> sdk = i -> {
            ListObjectVersionsResponse p = previous.get();
            boolean next = p != null && Boolean.TRUE.equals(p.isTruncated());
            return s3.listObjectVersions(b -> b.bucket(bucket).maxKeys(1000)
                    .keyMarker(next ? p.nextKeyMarker() : null)
                    .versionIdMarker(next ? p.nextVersionIdMarker() : null)).thenAccept(previous::set);
        };
        RawListPages raw = new RawListPages(endpoint, args[1], args[2], bucket);
        LongFunction<CompletableFuture<?>> rawPage = i -> raw.next();
        // warm-up of both clients (and of the server's list path)
        for (int w = 0; w < 3; w++) {
            ClosedLoop.run(1, Long.MAX_VALUE, Duration.ofSeconds(5), sdk);
            ClosedLoop.run(1, Long.MAX_VALUE, Duration.ofSeconds(5), rawPage);
        }
        for (int r = 1; r <= rounds; r++) {
            phase("sdk", r, time, sdk, serverStat);
            phase("raw", r, time, rawPage, serverStat);
        }
        s3.close();
        System.exit(0);
    }

    private static void phase(String name, int round, Duration time, LongFunction<CompletableFuture<?>> page,
                              Path serverStat) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long s0 = serverTicks(serverStat);
        ClosedLoop.Outcome o = ClosedLoop.run(1, Long.MAX_VALUE, time, page);
        long c1 = os.getProcessCpuTime();
        long s1 = serverTicks(serverStat);
        long n = Math.max(1, o.ops());
        System.out.printf(Locale.ROOT, "%s round %d: %d pages (%d errors%s); p50 %.2f ms p99 %.2f ms;"
                        + " client cpu_ms/page %.2f%s%n", name, round, o.ops(), o.errors(),
                o.firstError() == null ? "" : ": " + o.firstError(),
                o.latencyMicros().getValueAtPercentile(50) / 1e3, o.latencyMicros().getValueAtPercentile(99) / 1e3,
                (c1 - c0) / 1e6 / n,
                serverStat == null ? "" : String.format(Locale.ROOT, "; server cpu_ms/page %.2f", (s1 - s0) * 10.0 / n));
    }

    /** utime+stime of the server in clock ticks (100 Hz), or 0. */
    private static long serverTicks(Path stat) throws Exception {
        if (stat == null) {
            return 0;
        }
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
