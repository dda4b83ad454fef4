package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.testkit.DataFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob garbage collection runs only while a large-value family's blob files hold garbage (issue 19, session 19:
 * {@link BlobGarbagePolicy}, {@link RocksDatabase#tuneBlobGarbageCollection()}): values written to new keys are
 * never relocated, and a deleted value's bytes still leave the disk once enough of them are garbage.
 */
class BlobGarbageCollectionTest {
    private static final String LARGE = "test.large";
    private static final List<ColumnFamilySpec> FAMILIES = List.of(ColumnFamilySpec.ofLargeValues(LARGE, "k :- bytes"));
    private static final RocksDatabase.Settings SMALL =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0);

    @TempDir
    Path dir;

    @Test
    void policyStartsAtTheStartShareAndStopsOnlyUnderTheStopShare() {
        assertFalse(BlobGarbagePolicy.wanted(false, 0, 0), "an empty family");
        assertFalse(BlobGarbagePolicy.wanted(false, 1000, 0), "no garbage");
        assertFalse(BlobGarbagePolicy.wanted(false, 1000, 199), "under START, not running");
        assertTrue(BlobGarbagePolicy.wanted(false, 1000, 200), "at START");
        assertTrue(BlobGarbagePolicy.wanted(true, 1000, 150), "between STOP and START, running: stays on");
        assertTrue(BlobGarbagePolicy.wanted(true, 1000, 100), "at STOP, running: stays on");
        assertFalse(BlobGarbagePolicy.wanted(true, 1000, 99), "under STOP: off");
        assertFalse(BlobGarbagePolicy.wanted(false, 1000, 150), "between STOP and START, not running: stays off");
        assertFalse(BlobGarbagePolicy.wanted(true, 0, 0), "nothing left: off");
    }

    @Test
    void newKeysAreNeverRelocatedAndDeletedBytesLeaveOnceTheyAreAShareOfTheFiles() throws Exception {
        byte[][] values = new byte[250][];
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, byte[]> large = db.table(LARGE, Codecs.UTF8, Codecs.BYTES);
            // four flushes, four blob files: the oldest holds keys 0-99, the others 50 keys each
            int[] rounds = {100, 50, 50, 50};
            int next = 0;
            for (int n : rounds) {
                int from = next;
                next += n;
                int to = next;
                db.write(batch -> {
                    for (int i = from; i < to; i++) {
                        values[i] = value(i);
                        large.put(batch, key(i), values[i]);
                    }
                });
                db.flushAndCompact();
            }
            long written = db.familyProperty(LARGE, "rocksdb.live-blob-file-size");
            assertTrue(written > 250L * 4096, "blob files hold the values: " + written);
            assertEquals(0, db.familyProperty(LARGE, "rocksdb.live-blob-file-garbage-size"));
            assertEquals(Map.of(), db.tuneBlobGarbageCollection(), "no garbage: collection stays off");
            // compactions with collection off relocate nothing: the files are the ones the flushes wrote (a write
            // in the oldest file's keys makes the flush's L0 file meet the bottom level's file of those keys, so
            // the compaction meets every value of the oldest blob file)
            List<Path> flushed = blobFiles();
            assertEquals(4, flushed.size());
            large.put(key(95), values[95]);
            db.flushAndCompact();
            assertTrue(blobFiles().containsAll(flushed), "a flushed file was rewritten: " + blobFiles());
            assertEquals(Map.of(), db.tuneBlobGarbageCollection(), "one overwritten value: still off");

            // delete 90 of the oldest file's 100 values: 90 x 4 KiB of about 250 x 4 KiB is garbage (over START)
            db.write(batch -> {
                for (int i = 0; i < 90; i++) {
                    large.delete(batch, key(i));
                }
            });
            db.flushAndCompact();
            long garbage = db.familyProperty(LARGE, "rocksdb.live-blob-file-garbage-size");
            assertTrue(garbage >= 90L * 4096, "the deleted values are counted as garbage: " + garbage);
            assertTrue(DataFiles.contains(java.nio.file.Files.readAllBytes(oldestBlobFile()), values[0]),
                    "off, a file that still holds live values keeps its deleted ones too");

            assertEquals(Map.of(LARGE, true), db.tuneBlobGarbageCollection(), "garbage over START: on");
            assertEquals(Map.of(), db.tuneBlobGarbageCollection(), "asked again: unchanged");
            // on, the next compaction of those keys relocates the oldest file's live values, and the file goes (the
            // write makes one: flushAndCompact alone leaves a settled bottom level as it is)
            large.put(key(95), values[95]);
            db.flushAndCompact();
            assertFalse(blobFiles().contains(flushed.get(0)), "the oldest file is still there");
            long after = db.familyProperty(LARGE, "rocksdb.live-blob-file-size");
            assertTrue(after < written - 80L * 4096, "the deleted values' bytes left: " + written + " -> " + after);
            // what may be left is key 95's earlier values
            assertTrue(db.familyProperty(LARGE, "rocksdb.live-blob-file-garbage-size") <= 2 * 4200);
            for (Path f : blobFiles()) {
                assertFalse(DataFiles.contains(java.nio.file.Files.readAllBytes(f), values[0]),
                        "a deleted value is still in " + f.getFileName());
            }
            assertEquals(Map.of(LARGE, false), db.tuneBlobGarbageCollection(), "garbage under STOP: off");

            for (int i = 0; i < values.length; i++) {
                if (i < 90) {
                    assertTrue(large.get(key(i)).isEmpty(), "deleted " + i);
                } else {
                    assertArrayEquals(values[i], large.get(key(i)).orElseThrow(), "value " + i);
                }
            }
        }
    }

    @Test
    void aReopenStartsOffAndTheNextLookTurnsCollectionBackOn() {
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            Table<String, byte[]> large = db.table(LARGE, Codecs.UTF8, Codecs.BYTES);
            db.write(batch -> {
                for (int i = 0; i < 100; i++) {
                    large.put(batch, key(i), value(i));
                }
            });
            db.flushAndCompact();
            db.write(batch -> {
                for (int i = 0; i < 50; i++) {
                    large.delete(batch, key(i));
                }
            });
            db.flushAndCompact();
            assertEquals(Map.of(LARGE, true), db.tuneBlobGarbageCollection());
        }
        try (RocksDatabase db = RocksDatabase.open(dir, FAMILIES, SMALL)) {
            assertEquals(Map.of(LARGE, true), db.tuneBlobGarbageCollection(),
                    "the open-time options say off; the look reads the setting back and turns it on again");
        }
    }

    /**
     * The object store looks at once when it opens (a reopened database starts with collection off whatever the
     * garbage) and then every {@link RocksObjectStore#BLOB_GARBAGE_LOOK_MILLIS}, for {@code storage.inline}.
     */
    @Test
    void theObjectStoreTurnsCollectionOnInItsInlineFamilyWhenItOpensOverGarbage() throws Exception {
        Path dbDir = dir.resolve("db");
        try (RocksDatabase db = RocksDatabase.open(dbDir, Schema.FAMILIES, SMALL)) {
            Table<String, byte[]> inline = db.table(Schema.INLINE, Codecs.UTF8, Codecs.BYTES);
            db.write(batch -> {
                for (int i = 0; i < 100; i++) {
                    inline.put(batch, key(i), value(i));
                }
            });
            db.flushAndCompact();
            try (RocksObjectStore store = RocksObjectStore.open(db, dir.resolve("blobs"), Clock.systemUTC())) {
                assertFalse(db.blobGarbageCollectionRunning(Schema.INLINE), "no garbage: off");
            }
            db.write(batch -> {
                for (int i = 0; i < 50; i++) {
                    inline.delete(batch, key(i));
                }
            });
            db.flushAndCompact();
            assertFalse(db.blobGarbageCollectionRunning(Schema.INLINE), "nobody looked yet");
        }
        try (RocksDatabase db = RocksDatabase.open(dbDir, Schema.FAMILIES, SMALL)) {
            assertFalse(db.blobGarbageCollectionRunning(Schema.INLINE), "a reopen starts off");
            try (RocksObjectStore store = RocksObjectStore.open(db, dir.resolve("blobs"), Clock.systemUTC())) {
                assertTrue(db.blobGarbageCollectionRunning(Schema.INLINE), "half the bytes are garbage: on at open");
            }
        }
    }

    private List<Path> blobFiles() throws java.io.IOException {
        return DataFiles.regularFiles(dir).stream().filter(f -> f.getFileName().toString().endsWith(".blob"))
                .sorted().toList();
    }

    private Path oldestBlobFile() throws java.io.IOException {
        return blobFiles().get(0);
    }

    private static String key(int i) {
        return String.format("k%05d", i);
    }

    /** 4 KiB, distinct per key (so a value can be looked for in the files), above the blob minimum. */
    private static byte[] value(int i) {
        byte[] v = new byte[4096];
        byte[] tag = String.format("<value %05d>", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int at = 0; at + tag.length <= v.length; at += tag.length) {
            System.arraycopy(tag, 0, v, at, tag.length);
        }
        return v;
    }
}
