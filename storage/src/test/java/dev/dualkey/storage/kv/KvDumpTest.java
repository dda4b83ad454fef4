package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.testkit.EtcdServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory's state exported from RocksDB and imported into etcd, byte for byte, all or nothing. */
class KvDumpTest {
    private static final String A = "t.a";
    private static final String B = "t.b";
    private static final List<String> SPACES = List.of(A, B);

    @TempDir
    Path dir;

    @Test
    void rocksToEtcdByteForByteOnlyIntoAnEmptyTargetAndNeverFromAnAlteredFile() throws Exception {
        Path file = dir.resolve("state.dump");
        int n = KvTable.PAGE + 40;
        try (RocksDatabase db = RocksDatabase.open(dir.resolve("db"), List.of(ColumnFamilySpec.of(A, "t"),
                ColumnFamilySpec.of(B, "t")))) {
            KvStore rocks = RocksKvStore.over(db);
            rocks.write(t -> {
                for (int i = 0; i < n; i++) {
                    t.put(A, new byte[] {(byte) (i >> 8), (byte) i, (byte) 0xff}, ("v" + i).getBytes());
                }
                t.put(B, new byte[] {0}, new byte[0]);
            });
            try (OutputStream out = Files.newOutputStream(file)) {
                assertEquals(n + 1, KvDump.export(rocks, SPACES, out).entries());
            }
            try (EtcdServer etcd = EtcdServer.start("KvDumpTest", dir.resolve("etcd"));
                 EtcdKvStore target = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())));
                 EtcdKvStore other = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                         .withPrefix("other/"))) {
                for (int i = 0; i < 20 && !target.available(); i++) {
                    Thread.sleep(100); // the first call connects: readiness polling, bounded
                }
                // altered or truncated files write nothing
                byte[] good = Files.readAllBytes(file);
                Path altered = dir.resolve("altered.dump");
                byte[] bad = good.clone();
                bad[40] ^= 1;
                Files.write(altered, bad);
                assertThrows(IOException.class, () -> KvDump.importFile(altered, target, SPACES));
                Path truncated = dir.resolve("truncated.dump");
                Files.write(truncated, Arrays.copyOf(good, good.length - 10));
                assertThrows(IOException.class, () -> KvDump.importFile(truncated, target, SPACES));
                assertThrows(IOException.class, () -> KvDump.importFile(file, target, List.of(A)),
                        "a space the importer does not expect");
                assertTrue(target.scan(A, null, null, 1).isEmpty());

                assertEquals(n + 1, KvDump.importFile(file, target, SPACES).entries());
                for (String space : SPACES) {
                    List<KvPair> want = rocks.scan(space, null, null, 10_000);
                    List<KvPair> got = target.scan(space, null, null, 10_000);
                    assertEquals(want.size(), got.size(), space);
                    for (int i = 0; i < want.size(); i++) {
                        assertArrayEquals(want.get(i).key(), got.get(i).key());
                        assertArrayEquals(want.get(i).value(), got.get(i).value());
                    }
                }
                assertThrows(IllegalStateException.class, () -> KvDump.importFile(file, target, SPACES),
                        "never over existing state");
                assertTrue(other.scan(A, null, null, 1).isEmpty());
            }
        }
    }
}
