import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.StorageEngine;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

// Run by hand (not a test; it times things), once per jar, alternating the jars:
//   java -Xmx256m -XX:+UseSerialGC -cp JAR compat-tests/bench/cost/StoreSealedPutCost.java \
//        65536:8000,4096:8000 [rounds]

/**
 * The store's cost of sealed PUTs shaped as the server's (issue 19, session 13: put64k): encryption at rest on, the
 * length declared before the first byte, the body fed from one reused direct buffer in 16 KiB pieces (as Netty's
 * reads), a CRC32 checksum computed (the SDK's trailer), 16 writer threads. A phase is {@code size:count}; each round
 * runs every phase on a fresh store and prints, per PUT: the CPU of the writer threads only (digests, sealing, the
 * RocksDB write on the writer's thread; ThreadMXBean), the heap bytes those threads allocated (load-insensitive),
 * and the CPU of the whole process (RocksDB's flush and compaction included). The first round warms the JIT;
 * compare later rounds, alternating jars at the same load.
 */
public class StoreSealedPutCost {
    public static void main(String[] a) throws Exception {
        int threads = 16;
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var tm = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("store-sealed-put-cost");
            try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
                ObjectStore store = engine.objectStore();
                store.encryptAtRest(MasterKeyWrapper.fromMasterKey(new byte[32]));
                store.createBucket("cost", "111122223333", "us-east-1");
                int phaseNo = 0;
                for (String phase : a[0].split(",")) {
                    String[] f = phase.split(":");
                    int size = Integer.parseInt(f[0]);
                    int perThread = Integer.parseInt(f[1]) / threads;
                    byte[] body = new byte[size];
                    new Random(size).nextBytes(body);
                    String prefix = "p" + phaseNo++ + "/";
                    AtomicLong next = new AtomicLong();
                    AtomicLong threadCpu = new AtomicLong();
                    AtomicLong threadHeap = new AtomicLong();
                    long c0 = os.getProcessCpuTime();
                    List<Thread> running = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Thread th = new Thread(() -> {
                            ByteBuffer net = ByteBuffer.allocateDirect(16 << 10);
                            long own0 = tm.getCurrentThreadCpuTime();
                            long heap0 = tm.getCurrentThreadAllocatedBytes();
                            for (int i = 0; i < perThread; i++) {
                                long k = next.getAndIncrement();
                                try (ObjectWriter w = store.newObjectWriter("cost", prefix + k, ObjectMetadata.empty(),
                                        WriteOptions.defaults().withChecksums(EnumSet.of(ChecksumAlgorithm.CRC32)))) {
                                    w.declareLength(size);
                                    for (int off = 0; off < size; ) {
                                        int n = Math.min(net.capacity(), size - off);
                                        net.clear().put(body, off, n).flip();
                                        w.write(net);
                                        off += n;
                                    }
                                    w.commit(Expectations.none().withContentLength(size));
                                }
                            }
                            threadCpu.addAndGet(tm.getCurrentThreadCpuTime() - own0);
                            threadHeap.addAndGet(tm.getCurrentThreadAllocatedBytes() - heap0);
                        });
                        running.add(th);
                        th.start();
                    }
                    for (Thread th : running) {
                        th.join();
                    }
                    double n = (double) threads * perThread;
                    System.out.printf("round %d %s: writer threads %.1f us CPU/PUT and %.0f heap bytes/PUT,"
                                    + " process %.1f us CPU/PUT, load %s%n", round, phase, threadCpu.get() / 1e3 / n,
                            threadHeap.get() / n, (os.getProcessCpuTime() - c0) / 1e3 / n,
                            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
                }
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
