package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.MemoryOnly;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's row cache (issue 19, session 20: {@link RocksDatabase} gives it the block cache, so one capacity bounds
 * both): it is on, and a kept row never outlives the value it copied. A point read that found its key in an SST file
 * is answered from the row afterwards; an overwrite, a delete, a flush or a compaction must each be seen by the next
 * read, blocking or memory-only (the event loop's), in a small-value family and in a blob family (whose row is the
 * blob index, not the bytes).
 */
class RowCacheTest {
    private static final String SMALL_VALUES = "test.small";
    private static final String LARGE_VALUES = "test.large";
    private static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of(SMALL_VALUES, "k :- bytes"), ColumnFamilySpec.ofLargeValues(LARGE_VALUES, "k :- bytes"));
    private static final RocksDatabase.Settings SETTINGS =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0);

    @TempDir
    Path dir;

    @Test
    void theRowCacheIsOnAndSharesTheBlockCachesCapacity() throws Exception {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SETTINGS)) {
            // RocksDB states its options in its LOG at open; RocksJava cannot read DBOptions.row_cache back
            Matcher m = Pattern.compile("Options\\.row_cache: (\\S+)")
                    .matcher(Files.readString(dir.resolve("LOG"), StandardCharsets.ISO_8859_1));
            assertTrue(m.find(), "no row_cache line in RocksDB's LOG");
            long blockCache = SETTINGS.blockCacheBytes() - SETTINGS.blobCacheBytes();
            assertEquals(String.valueOf(blockCache), m.group(1), "the row cache is the block cache (its capacity)");
        }
    }

    @Test
    void aKeptRowIsNeverReadAfterItsKeyChanged() {
        for (String family : List.of(SMALL_VALUES, LARGE_VALUES)) {
            Path d = dir.resolve(family);
            try (RocksDatabase db = RocksDatabase.open(d, FAMILIES, SETTINGS)) {
                Table<String, byte[]> t = db.table(family, Codecs.UTF8, Codecs.BYTES);
                byte[] v1 = value(1);
                byte[] v2 = value(2);
                byte[] v3 = value(3);
                t.put("k", v1);
                t.put("other", v1);
                db.flushAndCompact();
                assertValue(t, "k", v1, family + ": read from the SST file (kept as a row)");
                assertValue(t, "k", v1, family + ": read again, from the row");

                t.put("k", v2); // in the memtable, over the kept row
                assertValue(t, "k", v2, family + ": an overwrite in the memtable");
                db.flushAndCompact(); // the row's file is gone; the new one holds v2
                assertValue(t, "k", v2, family + ": after flush and compaction");
                assertValue(t, "k", v2, family + ": read again");

                t.put("k", v3);
                db.flushAndCompact();
                t.delete("k");
                assertValue(t, "k", null, family + ": a delete in the memtable");
                db.flushAndCompact();
                assertValue(t, "k", null, family + ": a delete after compaction");
                assertValue(t, "other", v1, family + ": another key of the first file");
            }
        }
    }

    /** Reads {@code key} blocking and memory-only; both must give {@code expected} (null: absent). */
    private static void assertValue(Table<String, byte[]> t, String key, byte[] expected, String what) {
        Optional<byte[]> blocking = t.get(key);
        Optional<byte[]> fromMemory = MemoryOnly.attempt(() -> t.get(key));
        for (Optional<byte[]> got : List.of(blocking, fromMemory)) {
            if (expected == null) {
                assertTrue(got.isEmpty(), what);
            } else {
                assertTrue(got.isPresent(), what);
                assertArrayEquals(expected, got.get(), what);
            }
        }
    }

    /** A value large enough for the blob family's files (4 KiB), distinct per {@code n}. */
    private static byte[] value(int n) {
        byte[] v = new byte[4096];
        java.util.Arrays.fill(v, (byte) n);
        v[0] = (byte) (n * 31);
        return v;
    }
}
