package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.testkit.DataFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDatabaseTest {
    private static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of("test.a", "string :- long"), ColumnFamilySpec.of("test.b", "long :- string"));
    private static final RocksDatabase.Settings SMALL =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0);

    @TempDir
    Path dir;

    @Test
    void putGetDeleteAndPersistAcrossReopen() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            a.put("x", 42L);
            a.put("y", 7L);
            a.delete("y");
            assertEquals(42L, a.get("x").orElseThrow());
            assertTrue(a.get("y").isEmpty());
        }
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            assertEquals(42L, a.get("x").orElseThrow());
            assertTrue(a.get("y").isEmpty());
        }
    }

    /**
     * Issue 19: a large-value family keeps values of at least {@link RocksDatabase#MIN_BLOB_BYTES} in blob files
     * (so compaction does not rewrite them), smaller ones and other families' values in SST files; everything
     * reads back after a reopen, also when the same family is later opened without the flag (an older release).
     */
    @Test
    void largeValueFamiliesKeepKilobyteValuesInBlobFilesThatReadBackAfterReopen() throws Exception {
        byte[] big = filled(4096, (byte) 'B');
        byte[] small = filled(RocksDatabase.MIN_BLOB_BYTES - 1, (byte) 's');
        byte[] plainBig = filled(4096, (byte) 'P');
        List<ColumnFamilySpec> withLarge = List.of(ColumnFamilySpec.ofLargeValues("test.large", "k :- bytes"),
                ColumnFamilySpec.of("test.plain", "k :- bytes"));
        try (RocksDatabase db = RocksDatabase.open(dir, withLarge, SMALL)) {
            Table<String, byte[]> large = db.table("test.large", Codecs.UTF8, Codecs.BYTES);
            Table<String, byte[]> plain = db.table("test.plain", Codecs.UTF8, Codecs.BYTES);
            db.write(batch -> {
                large.put(batch, "big", big);
                large.put(batch, "small", small);
                plain.put(batch, "big", plainBig);
            });
            db.flushAndCompact();
        }
        List<Path> blobFiles = DataFiles.regularFiles(dir).stream()
                .filter(f -> f.getFileName().toString().endsWith(".blob")).toList();
        assertFalse(blobFiles.isEmpty(), "no blob file written");
        byte[] blobBytes = java.nio.file.Files.readAllBytes(blobFiles.get(0));
        assertTrue(DataFiles.contains(blobBytes, big), "the 4 KiB value is not in the blob file");
        assertFalse(DataFiles.contains(blobBytes, plainBig), "a plain family's value went to a blob file");
        assertFalse(DataFiles.contains(blobBytes, small), "a value below the minimum went to a blob file");
        for (List<ColumnFamilySpec> families : List.of(withLarge, List.of(
                ColumnFamilySpec.of("test.large", "k :- bytes"), ColumnFamilySpec.of("test.plain", "k :- bytes")))) {
            try (RocksDatabase db = RocksDatabase.open(dir, families, SMALL)) {
                Table<String, byte[]> large = db.table("test.large", Codecs.UTF8, Codecs.BYTES);
                Table<String, byte[]> plain = db.table("test.plain", Codecs.UTF8, Codecs.BYTES);
                assertArrayEquals(big, large.get("big").orElseThrow());
                assertArrayEquals(small, large.get("small").orElseThrow());
                assertArrayEquals(plainBig, plain.get("big").orElseThrow());
            }
        }
    }

    private static byte[] filled(int n, byte b) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, b);
        out[0] = '<';
        out[n - 1] = '>';
        return out;
    }

    @Test
    void batchIsAtomicAcrossTablesAndNothingIsWrittenWhenFillThrows() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            Table<Long, String> b = db.table("test.b", Codecs.LONG, Codecs.UTF8);
            b.put(1L, "old");
            db.write(batch -> {
                a.put(batch, "k", 1L);
                b.delete(batch, 1L);
                b.put(batch, 2L, "two");
            });
            assertEquals(1L, a.get("k").orElseThrow());
            assertTrue(b.get(1L).isEmpty());
            assertEquals("two", b.get(2L).orElseThrow());
            assertThrows(IllegalStateException.class, () -> db.write(batch -> {
                a.put(batch, "never", 1L);
                throw new IllegalStateException("refused");
            }));
            assertTrue(a.get("never").isEmpty());
        }
    }

    @Test
    void prefixScanIsBoundedAndRangeHonoursLimit() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            for (String k : List.of("user/1", "user/2", "user/3", "userx", "users/1", "v")) {
                a.put(k, (long) k.length());
            }
            List<String> keys = new ArrayList<>();
            try (KvIterator<String, Long> it = a.scanPrefix("user/")) {
                it.forEachRemaining(e -> keys.add(e.key()));
            }
            assertEquals(List.of("user/1", "user/2", "user/3"), keys);
            List<KvEntry<String, Long>> page = a.range("user/2", 3);
            assertEquals(List.of("user/2", "user/3", "users/1"), page.stream().map(KvEntry::key).toList());
            assertEquals(2, a.scanPrefix("user".getBytes(java.nio.charset.StandardCharsets.UTF_8), 2).size());
        }
    }

    @Test
    void prefixUpperBoundHandlesTrailingFf() {
        assertArrayEquals(new byte[] {1, 3}, Bounds.prefixUpperBound(new byte[] {1, 2, (byte) 0xff}));
        assertEquals(null, Bounds.prefixUpperBound(new byte[] {(byte) 0xff}));
    }

    @Test
    void deferredWritesAreVisibleAtOnceAndPersistWithTheNextSync() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            Table<Long, String> b = db.table("test.b", Codecs.LONG, Codecs.UTF8);
            long first = db.writeDeferringSync(batch -> a.put(batch, "deferred", 1L));
            assertEquals(1L, a.get("deferred").orElseThrow(), "readers see a deferred write at once");
            assertFalse(db.isDurable(first));
            db.write(batch -> b.put(batch, 2L, "synced"));
            assertTrue(db.isDurable(first), "a synced write that began after it covers it");
            long second = db.writeDeferringSync(batch -> a.put(batch, "then-synced", 3L));
            assertTrue(second > first);
            assertFalse(db.isDurable(second));
            db.syncWalThrough(second);
            assertTrue(db.isDurable(second));
            db.syncWalThrough(first); // already durable: returns at once
            db.writeDeferringSync(batch -> { }); // an empty batch writes nothing
        }
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
            assertEquals(1L, a.get("deferred").orElseThrow());
            assertEquals(3L, a.get("then-synced").orElseThrow());
            assertEquals("synced", db.table("test.b", Codecs.LONG, Codecs.UTF8).get(2L).orElseThrow());
        }
        RocksDatabase closed = RocksDatabase.open(dir, FAMILIES, SMALL);
        closed.close();
        assertThrows(StorageIoException.class, closed::syncWal);
    }

    @Test
    void undeclaredFamilyIsRefusedAndClosedDatabaseFailsClearly() {
        RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL);
        assertThrows(IllegalArgumentException.class, () -> db.table("test.zzz", Codecs.UTF8, Codecs.UTF8));
        Table<String, Long> a = db.table("test.a", Codecs.UTF8, Codecs.LONG);
        a.put("a", 1L);
        KvIterator<String, Long> open = a.scanPrefix("a");
        db.close();
        assertFalse(open.hasNext(), "iterators are closed with the database");
        assertThrows(StorageIoException.class, () -> a.get("a"));
        db.close(); // idempotent
    }

    @Test
    void familiesOnDiskButNotDeclaredStillOpen() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            db.table("test.b", Codecs.LONG, Codecs.UTF8).put(5L, "five");
        }
        try (RocksDatabase db = RocksDatabase.open(dir, List.of(FAMILIES.get(0)), SMALL)) {
            assertEquals(List.of("test.a"), List.copyOf(db.families()));
        }
    }

    record Device(String serial, long lastStep, Instant created, Map<String, String> tags, byte[] secret) {
    }

    private static final Codec<Device> DEVICE = Codecs.record(1,
            (w, d) -> w.writeString(d.serial()).writeLong(d.lastStep()).writeInstant(d.created())
                    .writeStringMap(d.tags()).writeBytes(d.secret()),
            r -> new Device(r.readString(), r.readLong(), r.readInstant(), r.readStringMap(), r.readBytes()));

    @Test
    void recordCodecRoundTripsAndRejectsCorruption() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("z", "1");
        tags.put("a", null);
        Device d = new Device("GAKT0001", 123L, Instant.ofEpochSecond(99, 5), tags, new byte[] {1, 2});
        byte[] enc = DEVICE.encode(d);
        assertEquals(1, enc[0], "version byte first");
        Device back = DEVICE.decode(enc);
        assertEquals(d.serial(), back.serial());
        assertEquals(d.lastStep(), back.lastStep());
        assertEquals(d.created(), back.created());
        assertEquals(List.of("z", "a"), List.copyOf(back.tags().keySet()));
        assertArrayEquals(d.secret(), back.secret());
        byte[] truncated = java.util.Arrays.copyOf(enc, enc.length - 1);
        assertThrows(StorageIoException.class, () -> DEVICE.decode(truncated));
        byte[] future = enc.clone();
        future[0] = 2;
        assertThrows(StorageIoException.class, () -> DEVICE.decode(future));
        assertEquals(Long.MAX_VALUE, Codecs.LONG.decode(Codecs.LONG.encode(Long.MAX_VALUE)));
        assertTrue(java.util.Arrays.compareUnsigned(Codecs.LONG.encode(255L), Codecs.LONG.encode(256L)) < 0);
    }
}
