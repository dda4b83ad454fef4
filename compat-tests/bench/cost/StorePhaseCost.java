// Run by hand (not a test; it times things), once per jar, alternating the jars, e.g. the bench's PUT rows in order:
//   java -Xmx256m -XX:+UseSerialGC -cp JAR compat-tests/bench/cost/StorePhaseCost.java \
//        4096:12000:0,4096:12000:256,65536:6000:0,65536:6000:256
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's cost of PUT phases run one after the other on one store, like the bench's rows (issue 19, session 12:
 * put4k_new, put4k_overwrite, put64k_new, put64k_overwrite): per phase the process CPU per PUT, RocksDB's
 * background threads (flush, compaction, blob files) included, and the bytes written to and read from the device
 * and through read syscalls per PUT (/proc/self/io), which show compaction's and blob GC's rewrites. A phase is
 * {@code size:count:keys}: {@code count} PUTs of {@code size} random bytes by 16 threads to new keys ({@code keys}
 * 0) or to {@code keys} keys overwritten in turn (an unversioned bucket: each overwrite deletes the old value).
 * Encryption at rest is off (sealed values are as incompressible as these random bytes). CPU per PUT depends on the
 * machine's load: compare jars in alternating runs at the same load, never against another day's figures.
 */
public class StorePhaseCost {
    static Map<String, Long> io() throws Exception {
        Map<String, Long> m = new HashMap<>();
        for (String l : Files.readAllLines(Path.of("/proc/self/io"))) {
            String[] p = l.split(":\\s*");
            m.put(p[0], Long.parseLong(p[1]));
        }
        return m;
    }

    public static void main(String[] a) throws Exception {
        int threads = 16;
        Path dir = Files.createTempDirectory("store-phase-cost");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            ObjectStore store = engine.objectStore();
            store.createBucket("cost", "111122223333", "us-east-1");
            int phaseNo = 0;
            for (String phase : a[0].split(",")) {
                String[] f = phase.split(":");
                int size = Integer.parseInt(f[0]);
                int perThread = Integer.parseInt(f[1]) / threads;
                int keys = Integer.parseInt(f[2]);
                byte[] body = new byte[size];
                new Random(size).nextBytes(body);
                String prefix = "p" + phaseNo++ + "/";
                AtomicLong next = new AtomicLong();
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Map<String, Long> r0 = io();
                List<Thread> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread th = new Thread(() -> {
                        for (int i = 0; i < perThread; i++) {
                            long k = next.getAndIncrement();
                            try (ObjectWriter w = store.newObjectWriter("cost", prefix + (keys > 0 ? k % keys : k),
                                    ObjectMetadata.empty(), WriteOptions.defaults())) {
                                w.write(ByteBuffer.wrap(body));
                                w.commit(Expectations.none().withContentLength(body.length));
                            }
                        }
                    });
                    running.add(th);
                    th.start();
                }
                for (Thread th : running) {
                    th.join();
                }
                double n = (double) threads * perThread;
                Map<String, Long> r1 = io();
                System.out.printf("%s: %.1f us CPU/PUT, written %.1f KiB/PUT, read %.1f KiB/PUT (rchar), %.0f PUT/s, "
                                + "load %s%n", phase, (os.getProcessCpuTime() - c0) / 1e3 / n,
                        (r1.get("write_bytes") - r0.get("write_bytes")) / 1024.0 / n,
                        (r1.get("rchar") - r0.get("rchar")) / 1024.0 / n, n / ((System.nanoTime() - t0) / 1e9),
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
