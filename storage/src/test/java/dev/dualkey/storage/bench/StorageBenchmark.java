package dev.dualkey.storage.bench;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain-Java microbenchmark (not a unit test). Run:
 * <pre>
 * mvn -B -o -q -pl storage test-compile
 * cd storage; M=~/.m2/repository
 * java -Xmx1g -cp target/classes:target/test-classes:$M/org/rocksdb/rocksdbjni/10.10.1.1/rocksdbjni-10.10.1.1.jar:\
 *   $M/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar:$M/ch/qos/logback/logback-classic/1.5.18/logback-classic-1.5.18.jar:\
 *   $M/ch/qos/logback/logback-core/1.5.18/logback-core-1.5.18.jar dev.dualkey.storage.bench.StorageBenchmark /tmp/dk-bench
 * </pre>
 * Reports 4 KiB puts/s (16 threads), 4 KiB gets/s (16 threads), 1 GiB streaming write/read MB/s next to
 * {@code dd}'s sequential bandwidth on the same directory, and ListObjectVersions page latency in a bucket of
 * 1,000,000 versions. Optional second arg: number of versions (default 1000000).
 */
public final class StorageBenchmark {
    private StorageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/dk-bench");
        int versions = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        deleteTree(dir);
        Files.createDirectories(dir);
        System.out.println("dd sequential write (1 GiB, fdatasync): " + dd("if=/dev/zero", "of=" + dir.resolve("dd"),
                "bs=1M", "count=1024", "conv=fdatasync"));
        System.out.println("dd sequential read  (1 GiB, page cache dropped if root): " + dropCaches()
                + dd("if=" + dir.resolve("dd"), "of=/dev/null", "bs=1M"));
        Files.delete(dir.resolve("dd"));
        try (StorageEngine engine = StorageEngine.open(dir.resolve("data"), List.of())) {
            ObjectStore store = engine.objectStore();
            store.createBucket("bench", "111122223333", "us-east-1");
            byte[] small = new byte[4096];
            new Random(1).nextBytes(small);
            int n = 40_000;
            long t0 = System.nanoTime();
            parallel(16, n, i -> put(store, "bench", "small/" + i, small));
            double putsPerSec = n / ((System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            parallel(16, n, i -> {
                try (ObjectReader r = store.openObject("bench", "small/" + i, null); InputStream in = r.openStream()) {
                    in.readAllBytes();
                }
            });
            double getsPerSec = n / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("4 KiB PUT, 16 threads: %.0f/s%n4 KiB GET, 16 threads: %.0f/s%n", putsPerSec, getsPerSec);

            byte[] chunk = new byte[1 << 20];
            new Random(2).nextBytes(chunk);
            t0 = System.nanoTime();
            try (ObjectWriter w = store.newObjectWriter("bench", "big", ObjectMetadata.empty(), WriteOptions.defaults())) {
                for (int i = 0; i < 1024; i++) {
                    w.write(ByteBuffer.wrap(chunk));
                }
                w.commit(Expectations.none());
            }
            double writeMbs = 1024 / ((System.nanoTime() - t0) / 1e9);
            dropCaches();
            t0 = System.nanoTime();
            try (ObjectReader r = store.openObject("bench", "big", null); InputStream in = r.openStream()) {
                byte[] buf = new byte[1 << 20];
                while (in.read(buf) > 0) {
                    // drain
                }
            }
            double readMbs = 1024 / ((System.nanoTime() - t0) / 1e9);
            System.out.printf("1 GiB streaming PUT (MD5 + fsync): %.0f MB/s%n1 GiB streaming GET: %.0f MB/s%n",
                    writeMbs, readMbs);

            store.createBucket("versions", "111122223333", "us-east-1");
            store.updateBucket("versions", c -> c.withVersioning(VersioningState.ENABLED));
            int keys = Math.max(1, versions / 1000);
            t0 = System.nanoTime();
            parallel(16, versions, i -> put(store, "versions", String.format("key-%06d", i % keys), new byte[0]));
            System.out.printf("created %d versions in %.0f s%n", versions, (System.nanoTime() - t0) / 1e9);
            String marker = String.format("key-%06d", keys / 2);
            List<Long> micros = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                long s = System.nanoTime();
                int got = store.listObjectVersions("versions", new ListVersionsQuery("", null, marker, null, 1000))
                        .versions().size();
                micros.add((System.nanoTime() - s) / 1000);
                if (got != 1000) {
                    throw new IllegalStateException("page had " + got);
                }
            }
            micros.sort(null);
            System.out.printf("ListObjectVersions page of 1000 in %d versions: median %.2f ms, max %.2f ms%n",
                    versions, micros.get(10) / 1000.0, micros.get(19) / 1000.0);
        }
        deleteTree(dir);
    }

    interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int threads, int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong next = new AtomicLong();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                long i;
                while ((i = next.getAndIncrement()) < n) {
                    task.run((int) i);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
    }

    private static void put(ObjectStore store, String bucket, String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            w.commit(Expectations.none());
        }
    }

    private static String dd(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("dd"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1];
    }

    private static String dropCaches() {
        try {
            new ProcessBuilder("sh", "-c", "sync; echo 3 > /proc/sys/vm/drop_caches").start().waitFor();
        } catch (Exception ignored) {
            // not root: cached figures
        }
        return "";
    }

    private static void deleteTree(Path dir) throws Exception {
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
