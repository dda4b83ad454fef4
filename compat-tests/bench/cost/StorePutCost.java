// Run by hand (not a test; it times things), once per jar, e.g. the jar before and after a change:
//   java -cp OLD.jar compat-tests/bench/cost/StorePutCost.java; java -cp NEW.jar compat-tests/bench/cost/StorePutCost.java
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.StorageEngine;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The storage side of a 4 KiB PUT to a new key of an unversioned bucket, as the gateway does it (HeadBucket, then
 * writer, one write, commit: a synced RocksDB write, group-committed with the other threads'), measured as the
 * writing threads' own CPU time and heap allocation per PUT (ThreadMXBean): neither counts the wait for the WAL sync,
 * so the figures hold on a loaded machine better than a rate. RocksDB's background threads are not counted.
 * Encryption at rest is off here (the server's sealing is the body helper's); 8 threads, rounds of 2,000 PUTs each.
 */
public class StorePutCost {
    public static void main(String[] a) throws Exception {
        int threads = 8;
        int perThread = a.length > 0 ? Integer.parseInt(a[0]) : 2000;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 6;
        Path dir = Files.createTempDirectory("store-put-cost");
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] body = new byte[4096];
        AtomicLong keys = new AtomicLong();
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            ObjectStore store = engine.objectStore();
            store.createBucket("cost", "111122223333", "us-east-1");
            for (int round = 0; round < rounds; round++) {
                long[] cpu = new long[threads];
                long[] alloc = new long[threads];
                List<Thread> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int slot = t;
                    Thread th = new Thread(() -> {
                        long c0 = mx.getCurrentThreadCpuTime();
                        long a0 = mx.getCurrentThreadAllocatedBytes();
                        for (int i = 0; i < perThread; i++) {
                            String key = "p/" + keys.getAndIncrement();
                            store.headBucket("cost");
                            try (ObjectWriter w = store.newObjectWriter("cost", key, ObjectMetadata.empty(),
                                    WriteOptions.defaults())) {
                                w.write(ByteBuffer.wrap(body));
                                w.commit(Expectations.none().withContentLength(body.length));
                            }
                        }
                        cpu[slot] = mx.getCurrentThreadCpuTime() - c0;
                        alloc[slot] = mx.getCurrentThreadAllocatedBytes() - a0;
                    });
                    running.add(th);
                    th.start();
                }
                for (Thread th : running) {
                    th.join();
                }
                long c = 0;
                long al = 0;
                for (int t = 0; t < threads; t++) {
                    c += cpu[t];
                    al += alloc[t];
                }
                double n = (double) threads * perThread;
                System.out.printf("round %d: %.1f us thread CPU, %.0f B allocated per PUT%n", round, c / 1e3 / n,
                        al / n);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
