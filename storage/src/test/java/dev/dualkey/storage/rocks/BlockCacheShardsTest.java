package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.MemoryOnly;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The block cache keeps a hot block while the memtables hold their share of it (issue 19, session 18). The write
 * buffer manager charges the memtables to the block cache in 256 KiB dummy entries that it holds, so they are never
 * evicted; with RocksDB's default sharding (32 shards of ~720 KiB for the 23 MiB of a {@code -Xmx256m} server) a
 * shard that happened to receive three of them was over its capacity, and every data block hashed to it was
 * dropped as soon as its reader released it. Such a block was read from the file on every request, and the event
 * loop's memory-only read ({@link MemoryOnly}) of any key in it always fell back to the storage executor: in the
 * benchmark the credential's user record did, so most small GETs took the executor's round trip.
 */
class BlockCacheShardsTest {
    private static final long MIB = 1L << 20;
    /** As a {@code -Xmx256m} server: 30 MiB of caches, 7 the blob cache's, 23 the block cache's, 15 of memtables. */
    private static final RocksDatabase.Settings SETTINGS =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 30 * MIB, 0);
    private static final List<ColumnFamilySpec> FAMILIES = List.of(ColumnFamilySpec.of("test.records", "k :- b"),
            ColumnFamilySpec.of("test.fill1", "k :- b"), ColumnFamilySpec.of("test.fill2", "k :- b"));
    /** Records of about a data block each (4 KiB blocks, incompressible values), so each is its own cache entry. */
    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    @Test
    void everyFlushedRecordReadOnceIsThenReadFromMemoryWhileTheMemtablesHoldTheirShare() {
        Random random = new Random(18);
        List<byte[]> values = new ArrayList<>();
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SETTINGS)) {
            Table<String, byte[]> records = db.table("test.records", Codecs.UTF8, Codecs.BYTES);
            db.write(batch -> {
                for (int i = 0; i < RECORDS; i++) {
                    byte[] v = new byte[4000];
                    random.nextBytes(v);
                    values.add(v);
                    records.put(batch, key(i), v);
                }
            });
            db.flushAndCompact(); // the records now in SST files, their blocks not cached
            // memtables of about 10 MiB (two families of 5, each below its 7.5 MiB write buffer and together
            // below the budget's flush point): the write buffer manager reserves their memory in the block cache
            byte[] filler = new byte[64 << 10];
            for (String family : List.of("test.fill1", "test.fill2")) {
                Table<String, byte[]> fill = db.table(family, Codecs.UTF8, Codecs.BYTES);
                for (int i = 0; i < 80; i++) {
                    random.nextBytes(filler);
                    byte[] v = filler.clone();
                    String k = key(i);
                    db.write(batch -> fill.put(batch, k, v));
                }
            }
            long memtables = db.familyProperty("test.fill1", "rocksdb.cur-size-all-mem-tables")
                    + db.familyProperty("test.fill2", "rocksdb.cur-size-all-mem-tables");
            assertTrue(memtables > 9 * MIB, "the memtables hold " + memtables + " bytes, not flushed");
            assertTrue(db.familyProperty("test.records", "rocksdb.block-cache-usage") > 9 * MIB,
                    "the write buffer manager reserved their memory in the block cache");

            for (int i = 0; i < RECORDS; i++) { // the blocking read: from the file, into the cache
                assertArrayEquals(values.get(i), records.get(key(i)).orElseThrow());
            }
            int fromMemory = 0;
            for (int i = 0; i < RECORDS; i++) {
                String k = key(i);
                try {
                    assertArrayEquals(values.get(i), MemoryOnly.attempt(() -> records.get(k)).orElseThrow());
                    fromMemory++;
                } catch (MemoryOnly.WouldBlock e) {
                    // counted below: a block dropped from the cache right after its read
                }
            }
            assertEquals(RECORDS, fromMemory, "records answered from memory right after they were read");
        }
    }

    @Test
    void theBlockCacheHasAShardPer16MiBAtMostSoTheMemtablesDummyEntriesSpreadEvenly() {
        assertEquals(0, RocksDatabase.blockCacheShardBits(23 * MIB)); // -Xmx256m: one shard
        assertEquals(0, RocksDatabase.blockCacheShardBits(15 * MIB)); // the smallest figure (16 MiB, 1 to blobs)
        assertEquals(1, RocksDatabase.blockCacheShardBits(48 * MIB)); // -Xmx512m and up: two shards of 24 MiB
        assertEquals(6, RocksDatabase.blockCacheShardBits(8L << 30)); // RocksDB's maximum of its own default
    }

    private static String key(int i) {
        return String.format("r%05d", i);
    }
}
