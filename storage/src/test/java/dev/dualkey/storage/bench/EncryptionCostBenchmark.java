package dev.dualkey.storage.bench;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Plain-Java microbenchmark (not a unit test) of encryption at rest in the store itself, without the network:
 * two stores side by side, one encrypting, one not, measured interleaved (A, B, B, A per round, 3 rounds) so that
 * load from other work on the machine falls on both alike. Reports CPU time per operation of the measuring thread
 * (less sensitive to a loaded machine than wall time) and wall-time rates, with the encrypted/plain ratio of the
 * medians. Run (classpath as for {@link StorageBenchmark}):
 * <pre>
 * java -Xmx1g -cp ... dev.dualkey.storage.bench.EncryptionCostBenchmark /tmp/dk-enc-bench
 * </pre>
 * Workloads: 4 KiB PUT and GET (inline, one thread; 2000 per measurement), 256 MiB PUT and full GET read through
 * {@code ObjectReader.openStream} (a blob; one per measurement).
 */
public final class EncryptionCostBenchmark {
    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private EncryptionCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/dk-enc-bench");
        Files.createDirectories(dir);
        byte[] master = new byte[32];
        new Random(1).nextBytes(master);
        try (StorageEngine plain = StorageEngine.open(Files.createTempDirectory(dir, "plain"), List.of());
             StorageEngine enc = StorageEngine.open(Files.createTempDirectory(dir, "enc"), List.of())) {
            enc.objectStore().encryptAtRest(MasterKeyWrapper.fromMasterKey(master));
            ObjectStore[] stores = {plain.objectStore(), enc.objectStore()};
            for (ObjectStore s : stores) {
                s.createBucket("bench", "111122223333", "us-east-1");
            }
            byte[] small = new byte[4096];
            new Random(2).nextBytes(small);
            byte[] chunk = new byte[1 << 20];
            new Random(3).nextBytes(chunk);
            // warm-up (JIT, including the AES-GCM intrinsics)
            for (int i = 0; i < 3; i++) {
                for (ObjectStore s : stores) {
                    putSmall(s, small, 2000);
                    getSmall(s, 2000);
                    putLarge(s, chunk, 64);
                    getLarge(s);
                }
            }
            String[] names = {"put4k", "get4k", "put256m", "get256m"};
            List<List<double[]>> results = new ArrayList<>(); // per workload: per store: [cpu us/op, ops/s]
            for (int w = 0; w < 4; w++) {
                results.add(new ArrayList<>(List.of(new double[3 * 2], new double[3 * 2])));
            }
            for (int round = 0; round < 3; round++) {
                int[] order = round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0};
                for (int w = 0; w < 4; w++) {
                    for (int which : order) {
                        ObjectStore s = stores[which];
                        long cpu0 = CPU.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        int ops = switch (w) {
                            case 0 -> putSmall(s, small, 2000);
                            case 1 -> getSmall(s, 2000);
                            case 2 -> putLarge(s, chunk, 256);
                            default -> getLarge(s);
                        };
                        double cpuUs = (CPU.getCurrentThreadCpuTime() - cpu0) / 1000.0 / ops;
                        double rate = ops / ((System.nanoTime() - t0) / 1e9);
                        results.get(w).get(which)[round] = cpuUs;
                        results.get(w).get(which)[3 + round] = rate;
                    }
                }
            }
            System.out.println("| workload | plain CPU us/op | encrypted CPU us/op | CPU ratio | plain ops/s | "
                    + "encrypted ops/s | rate ratio |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int w = 0; w < 4; w++) {
                double pc = median(results.get(w).get(0), 0);
                double ec = median(results.get(w).get(1), 0);
                double pr = median(results.get(w).get(0), 3);
                double er = median(results.get(w).get(1), 3);
                System.out.printf("| %s | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f |%n", names[w], pc, ec, ec / pc,
                        pr, er, er / pr);
            }
        }
    }

    private static double median(double[] a, int from) {
        double[] m = Arrays.copyOfRange(a, from, from + 3);
        Arrays.sort(m);
        return m[1];
    }

    private static int putSmall(ObjectStore s, byte[] data, int n) {
        for (int i = 0; i < n; i++) {
            try (ObjectWriter w = s.newObjectWriter("bench", "small-" + i, ObjectMetadata.empty(),
                    WriteOptions.defaults())) {
                w.write(ByteBuffer.wrap(data));
                w.commit(Expectations.none());
            }
        }
        return n;
    }

    private static int getSmall(ObjectStore s, int n) throws Exception {
        byte[] buf = new byte[8192];
        for (int i = 0; i < n; i++) {
            try (ObjectReader r = s.openObject("bench", "small-" + i, null); InputStream in = r.openStream()) {
                while (in.read(buf) > 0) {
                    // drain
                }
            }
        }
        return n;
    }

    private static int putLarge(ObjectStore s, byte[] chunk, int mib) {
        try (ObjectWriter w = s.newObjectWriter("bench", "large", ObjectMetadata.empty(), WriteOptions.defaults())) {
            for (int i = 0; i < mib; i++) {
                w.write(ByteBuffer.wrap(chunk));
            }
            w.commit(Expectations.none());
        }
        return 1;
    }

    private static int getLarge(ObjectStore s) throws Exception {
        byte[] buf = new byte[1 << 16];
        try (ObjectReader r = s.openObject("bench", "large", null); InputStream in = r.openStream()) {
            while (in.read(buf) > 0) {
                // drain
            }
        }
        return 1;
    }
}
