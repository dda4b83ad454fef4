package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.MemoryOnly;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob cache of the large-value families (issue 19): a value RocksDB has flushed to a blob file is answered
 * from memory (a {@link MemoryOnly} read, the event loop's) once read, and right after the flush that wrote it
 * (prepopulated); after a reopen the cache is empty and the memory-only read refuses instead of reading the file.
 * Its capacity is taken out of the block cache's, so that both together stay at the configured figure.
 */
class BlobCacheTest {
    private static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.ofLargeValues("test.large", "k :- bytes"), ColumnFamilySpec.of("test.plain", "k :- b"));
    private static final RocksDatabase.Settings SETTINGS =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 16 << 20, 0);

    @TempDir
    Path dir;

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    private static Table<String, byte[]> large(RocksDatabase db) {
        return db.table("test.large", Codecs.UTF8, Codecs.BYTES);
    }

    @Test
    void aFlushedBlobValueIsReadFromMemoryAfterTheFlushAndAfterItsFirstReadOnceReopened() {
        byte[] a = filled(4096, (byte) 'a');
        byte[] b = filled(4096, (byte) 'b');
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SETTINGS)) {
            Table<String, byte[]> t = large(db);
            db.write(batch -> {
                t.put(batch, "a", a);
                t.put(batch, "b", b);
            });
            db.flushAndCompact(); // both values now in a blob file, the key's block in an SST file
            assertTrue(db.familyProperty("test.large", "rocksdb.blob-cache-usage") >= a.length + b.length,
                    "the flush put its blobs into the blob cache");
            // a blocking read of "a" brings the SST block (which also holds "b"'s blob reference) into the block
            // cache; "b" itself was never read, so its blob can only come from what the flush prepopulated
            assertArrayEquals(a, t.get("a").orElseThrow());
            assertArrayEquals(b, MemoryOnly.attempt(() -> t.get("b")).orElseThrow());
        }
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SETTINGS)) {
            Table<String, byte[]> t = large(db);
            assertEquals(0, db.familyProperty("test.large", "rocksdb.blob-cache-usage"), "a reopen starts with no cache");
            assertThrows(MemoryOnly.WouldBlock.class, () -> MemoryOnly.attempt(() -> t.get("a")));
            assertArrayEquals(a, t.get("a").orElseThrow()); // the fallback: reads the file, fills both caches
            assertArrayEquals(a, MemoryOnly.attempt(() -> t.get("a")).orElseThrow());
            assertThrows(MemoryOnly.WouldBlock.class, () -> MemoryOnly.attempt(() -> t.get("b")),
                    "b's block is cached through a, its blob is not: refused, never a wrong answer");
            assertFalse(MemoryOnly.attempt(() -> t.get("none")).isPresent());
        }
    }

    @Test
    void theBlobCacheIsAQuarterTakenOutOfTheBlockCache() {
        long mib = 1L << 20;
        assertEquals(7 * mib, new RocksDatabase.Settings(0, Duration.ZERO, 30 * mib, 0).blobCacheBytes());
        assertEquals(16 * mib, new RocksDatabase.Settings(0, Duration.ZERO, 64 * mib, 0).blobCacheBytes());
        assertEquals(mib, new RocksDatabase.Settings(0, Duration.ZERO, 2 * mib, 0).blobCacheBytes()); // floor
        assertEquals(mib / 2, new RocksDatabase.Settings(0, Duration.ZERO, mib, 0).blobCacheBytes()); // at most half
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SETTINGS)) {
            assertEquals(4 * mib, db.familyProperty("test.large", "rocksdb.blob-cache-capacity"));
            assertEquals(12 * mib, db.familyProperty("test.plain", "rocksdb.block-cache-capacity"));
        }
    }
}
