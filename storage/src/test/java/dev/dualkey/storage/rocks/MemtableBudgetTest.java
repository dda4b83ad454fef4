package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, footprint: the memtables of all families together stay within the write buffer manager's budget
 * (half the block cache), whatever is written. Before it, {@code optimizeLevelStyleCompaction()} let each family
 * grow 128 MiB write buffers, flushed two at a time: every byte written here stayed in memory.
 */
class MemtableBudgetTest {
    private static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of("test.a", "long :- bytes"), ColumnFamilySpec.of("test.b", "long :- bytes"));
    /** 8 MiB block cache: a 4 MiB memtable budget, 2 MiB write buffers. */
    private static final RocksDatabase.Settings SMALL =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0);

    @TempDir
    Path dir;

    @Test
    void memtablesOfAllFamiliesStayWithinTheBudgetWhile48MiBAreWritten() {
        long budget = RocksDatabase.memtableBudget(SMALL);
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<Long, byte[]> a = db.table("test.a", Codecs.LONG, Codecs.BYTES);
            Table<Long, byte[]> b = db.table("test.b", Codecs.LONG, Codecs.BYTES);
            byte[] value = new byte[64 << 10];
            long highest = 0;
            for (long i = 0; i < 768; i++) { // 48 MiB, both families
                value[0] = (byte) i;
                long k = i;
                db.writeDeferringSync(batch -> (k % 2 == 0 ? a : b).put(batch, k, value));
                highest = Math.max(highest, db.memtableBytes());
            }
            db.syncWal();
            // RocksDB flushes once the mutable memtables pass 7/8 of the budget; while a flush lags (a busy
            // machine) the bound is each family's write buffers: at most MAX_WRITE_BUFFERS of writeBufferBytes
            // (a write beyond them waits for the flush). Before the budget: all 48 MiB stayed in memtables.
            long bound = Math.max(budget, FAMILIES.size() * RocksDatabase.MAX_WRITE_BUFFERS
                    * RocksDatabase.writeBufferBytes(SMALL));
            assertTrue(highest <= bound, "memtables reached " + highest + " bytes, bound " + bound);
            value[0] = (byte) 767;
            assertArrayEquals(value, b.get(767L).orElseThrow()); // nothing lost to the flushes
            value[0] = 0;
            assertArrayEquals(value, a.get(0L).orElseThrow());
        }
    }

    /**
     * The default block cache follows the heap limit: the memory RocksDB holds outside the heap (cache, and through
     * it the memtables) stays proportionate to {@code -Xmx} on a small server and keeps its old size on larger ones.
     */
    @Test
    void theDefaultBlockCacheIsAnEighthOfTheHeapBetween16And64MiB() {
        long mib = 1L << 20;
        // -Xmx256m as the serial collector reports it (one survivor space excluded): 30 MiB, 15 MiB of memtables
        assertEquals(30 * mib, RocksDatabase.Settings.blockCacheFor(247 * mib + mib / 2));
        assertEquals(32 * mib, RocksDatabase.Settings.blockCacheFor(256 * mib));
        assertEquals(16 * mib, RocksDatabase.Settings.blockCacheFor(64 * mib)); // floor
        assertEquals(64 * mib, RocksDatabase.Settings.blockCacheFor(512 * mib));
        assertEquals(64 * mib, RocksDatabase.Settings.blockCacheFor(8L << 30)); // ceiling: the former fixed size
        RocksDatabase.Settings small = new RocksDatabase.Settings(0, java.time.Duration.ZERO,
                RocksDatabase.Settings.blockCacheFor(247 * mib + mib / 2), 0);
        assertEquals(15 * mib, RocksDatabase.memtableBudget(small));
        assertEquals(15 * mib / 2, RocksDatabase.writeBufferBytes(small));
    }
}
