package dev.dualkey.storage.bench;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.RocksObjectStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain-Java microbenchmark (not a unit test) behind the choice of
 * {@link RocksObjectStore.Settings#inlineThreshold()}: the same PUT workload with every object stored inline
 * (threshold above the size) and with every object stored as a blob file (threshold 0), for 16, 64, 128, 256 and
 * 512 KiB objects, at 1 and 16 writer threads, on a fresh store per point. Reports PUT/s, MB/s, median and p99
 * PUT latency, bytes the process wrote to the device per logical byte (from {@code /proc/self/io}, including
 * RocksDB's background flushes and compactions up to and including close), and DELETE/s of the same objects
 * (a blob delete unlinks a file, which on a {@code discard}-mounted disk also trims its blocks).
 *
 * <p>Run (same class path as {@link StorageBenchmark}):
 * <pre>
 * mvn -B -o -q -pl storage test-compile
 * cd storage; M=~/.m2/repository
 * java -Xmx1g -cp target/classes:target/test-classes:$M/org/rocksdb/rocksdbjni/10.10.1.1/rocksdbjni-10.10.1.1.jar:\
 *   $M/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar:$M/ch/qos/logback/logback-classic/1.5.18/logback-classic-1.5.18.jar:\
 *   $M/ch/qos/logback/logback-core/1.5.18/logback-core-1.5.18.jar dev.dualkey.storage.bench.InlineThresholdBenchmark \
 *   /var/tmp/dk-inline 256
 * </pre>
 * Arguments: a directory on the disk to measure (default {@code /var/tmp/dk-inline}) and MiB written per point
 * (default 256).
 */
public final class InlineThresholdBenchmark {
    private static final int[] SIZES_KIB = {16, 64, 128, 256, 512};
    private static final int[] THREADS = {1, 16};

    private InlineThresholdBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "/var/tmp/dk-inline");
        long mibPerPoint = args.length > 1 ? Long.parseLong(args[1]) : 256;
        System.out.printf("%-8s %-6s %7s %8s %8s %9s %9s %8s %9s%n", "size", "mode", "threads", "PUT/s", "MB/s",
                "p50 ms", "p99 ms", "dev/log", "DELETE/s");
        for (int kib : SIZES_KIB) {
            for (int threads : THREADS) {
                for (boolean inline : new boolean[] {true, false}) {
                    Point p = run(root, kib * 1024, threads, inline, mibPerPoint << 20);
                    System.out.printf("%-8s %-6s %7d %8.0f %8.1f %9.2f %9.2f %8.2f %9.0f%n", kib + " KiB",
                            inline ? "inline" : "blob", threads, p.putsPerSec, p.mbPerSec, p.p50Millis, p.p99Millis,
                            p.deviceBytesPerLogicalByte, p.deletesPerSec);
                }
            }
        }
    }

    private record Point(double putsPerSec, double mbPerSec, double p50Millis, double p99Millis,
                         double deviceBytesPerLogicalByte, double deletesPerSec) {
    }

    private static Point run(Path root, int size, int threads, boolean inline, long bytes) throws Exception {
        deleteTree(root);
        Files.createDirectories(root);
        int count = (int) Math.max(64, bytes / size);
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        RocksObjectStore.Settings settings = new RocksObjectStore.Settings(inline ? 1 << 20 : 0, 5L << 20,
                Duration.ofSeconds(30));
        long[] latencies = new long[count];
        long ioBefore;
        double putSeconds;
        double deleteSeconds;
        try (StorageEngine engine = StorageEngine.open(root, List.of(), Clock.systemUTC(),
                RocksDatabase.Settings.defaults(), settings)) {
            ObjectStore store = engine.objectStore();
            store.createBucket("bench", "111122223333", "us-east-1");
            for (int i = 0; i < 32; i++) {
                put(store, "warmup/" + i, body); // JIT and file-system warm-up, not counted
            }
            ioBefore = deviceWriteBytes();
            long t0 = System.nanoTime();
            parallel(threads, count, i -> {
                long s = System.nanoTime();
                put(store, "k/" + i, body);
                latencies[i] = System.nanoTime() - s;
            });
            putSeconds = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            parallel(threads, count, i -> store.deleteObject("bench", "k/" + i, null));
            deleteSeconds = (System.nanoTime() - t0) / 1e9;
        }
        long device = deviceWriteBytes() - ioBefore;
        deleteTree(root);
        Arrays.sort(latencies);
        return new Point(count / putSeconds, (double) count * size / putSeconds / 1e6,
                latencies[count / 2] / 1e6, latencies[(int) (count * 0.99)] / 1e6,
                (double) device / ((double) count * size), count / deleteSeconds);
    }

    private static void put(ObjectStore store, String key, byte[] body) {
        try (ObjectWriter w = store.newObjectWriter("bench", key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(body));
            w.commit(Expectations.none());
        }
    }

    /** Bytes this process caused to be sent to the block layer (all threads, RocksDB's background ones too). */
    private static long deviceWriteBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IOException("no write_bytes in /proc/self/io");
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int threads, int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    task.run(i);
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
