// Run by hand (not a test; it times things), once per jar, e.g. the jar before and after a change:
//   java -cp OLD.jar compat-tests/bench/cost/StoreBodyCost.java 65536 3000 5
//   java -cp NEW.jar compat-tests/bench/cost/StoreBodyCost.java 268435456 2 5
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
import java.util.List;
import java.util.Set;

/**
 * The storage side of a PUT's body (issue 19), as the gateway drives it for SDK v2's default upload: encryption at
 * rest on (AES-GCM, the server's default), a CRC32 asked for (the SDK's trailer checksum) beside the MD5 ETag, the
 * body handed over in 64 KiB direct buffers (Netty's reads), then a synced commit. One PUT at a time to new keys;
 * printed per round: the whole process's CPU time per PUT (OperatingSystemMXBean, so the digest threads of a large
 * body and RocksDB's background threads are counted; the JIT's too, hence the rounds) and the writing thread's
 * heap allocation per PUT. No HTTP: the cost of the bytes' path through storage only, which holds on a loaded
 * machine better than a rate.
 *
 * <pre>java -cp JAR compat-tests/bench/cost/StoreBodyCost.java [BODY_BYTES [PUTS_PER_ROUND [ROUNDS]]]</pre>
 */
public class StoreBodyCost {
    public static void main(String[] a) throws Exception {
        long size = a.length > 0 ? Long.parseLong(a[0]) : 65536;
        int perRound = a.length > 1 ? Integer.parseInt(a[1]) : 2000;
        int rounds = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        Path dir = Files.createTempDirectory("store-body-cost");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer read = ByteBuffer.allocateDirect(64 << 10);
        java.util.concurrent.ThreadLocalRandom.current().ints(read.capacity() / 4).forEach(read::putInt);
        read.clear();
        byte[] master = new byte[32];
        java.util.Arrays.fill(master, (byte) 7);
        long key = 0;
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            ObjectStore store = engine.objectStore();
            store.encryptAtRest(MasterKeyWrapper.fromMasterKey(master));
            store.createBucket("cost", "111122223333", "us-east-1");
            WriteOptions options = WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32));
            for (int round = 0; round < rounds; round++) {
                long c0 = os.getProcessCpuTime();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    try (ObjectWriter w = store.newObjectWriter("cost", "k/" + key++, ObjectMetadata.empty(),
                            options)) {
                        w.declareLength(size);
                        for (long left = size; left > 0; left -= read.capacity()) {
                            w.write(read.clear().limit((int) Math.min(left, read.capacity())));
                        }
                        w.commit(Expectations.none().withContentLength(size));
                    }
                }
                double cpu = (os.getProcessCpuTime() - c0) / 1e9;
                double wall = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %.1f us process CPU per PUT (%.2f ns/B), %.0f B allocated per PUT,"
                        + " %.0f MB/s per CPU-s, %.0f MB/s wall, load %.1f%n", round, cpu * 1e6 / perRound,
                        cpu * 1e9 / perRound / size, (mx.getCurrentThreadAllocatedBytes() - a0) / (double) perRound,
                        size * (double) perRound / 1e6 / cpu, size * (double) perRound / 1e6 / wall,
                        os.getSystemLoadAverage());
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
