package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.MemoryOnly;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.lock.LockManager;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's reads under {@link MemoryOnly} (the gateway's event-loop GET, issue 19): answered when everything is
 * in memory, and {@link MemoryOnly.WouldBlock} (never a wait, never a wrong answer) for a block only on disk, a held
 * key or bucket lock, and a blob file; the same reads outside the mode are unaffected.
 */
class MemoryOnlyReadsTest {
    private static final String B = "bkt";

    @TempDir
    Path dir;

    /** What a case does with a fresh engine whose store has bucket {@link #B}. */
    private interface Case {
        void run(StorageEngine engine, RocksObjectStore store) throws Exception;
    }

    /** Runs {@code c} on a fresh engine in {@link #dir} whose store has bucket {@link #B}, then closes the engine. */
    private void withBucket(Case c) throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket(B, "111122223333", "us-east-1");
            c.run(engine, store);
        }
    }

    private static ObjectVersion put(RocksObjectStore store, String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private static byte[] readAll(ObjectReader r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DataSegment s : r.read(0, r.version().size())) {
            ByteBuffer b = ((DataSegment.Inline) s).bytes().duplicate();
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        return out.toByteArray();
    }

    @Test
    void memtableReadsAnswerAndMissingKeysAreTheSameError() throws Exception {
        withBucket((engine, store) -> {
            byte[] data = "hello, loop".getBytes(StandardCharsets.UTF_8);
            put(store, "k", data);
            ObjectVersion v = MemoryOnly.attempt(() -> store.headObject(B, "k", null));
            assertEquals(data.length, v.size());
            byte[] read = MemoryOnly.attempt(() -> {
                try (ObjectReader r = store.openObject(B, "k", null)) {
                    return readAll(r);
                }
            });
            assertArrayEquals(data, read);
            assertThrows(NoSuchKeyException.class, () -> MemoryOnly.attempt(() -> store.headObject(B, "nope", null)));
            assertFalse(MemoryOnly.active(), "the mode ends with the attempt");
        });
    }

    @Test
    void aBlockOnlyOnDiskRefusesThenAnsweredOnceCached() throws Exception {
        withBucket((engine, store) -> {
            byte[] data = "flushed".getBytes(StandardCharsets.UTF_8);
            put(store, "k", data);
            engine.database().flushAndCompact(); // the record now lives only in an SST file, not in the block cache
            assertThrows(MemoryOnly.WouldBlock.class, () -> MemoryOnly.attempt(() -> store.headObject(B, "k", null)));
            assertEquals(data.length, store.headObject(B, "k", null).size()); // a blocking read caches the block
            assertEquals(data.length, MemoryOnly.attempt(() -> store.headObject(B, "k", null)).size());
        });
    }

    @Test
    void aHeldLockRefusesInsteadOfWaiting() throws Exception {
        withBucket((engine, store) -> {
            put(store, "k", new byte[] {1, 2, 3});
            LockManager locks = store.lockManager();
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                for (boolean bucketLevel : new boolean[] {false, true}) {
                    CountDownLatch held = new CountDownLatch(1);
                    CountDownLatch release = new CountDownLatch(1);
                    Future<?> holder = other.submit(() -> {
                        try (LockManager.Held h = bucketLevel ? locks.bucketWrite(B) : locks.keyWrite(B, "k")) {
                            held.countDown();
                            release.await();
                        }
                        return null;
                    });
                    held.await();
                    assertThrows(MemoryOnly.WouldBlock.class,
                            () -> MemoryOnly.attempt(() -> store.headObject(B, "k", null)));
                    assertThrows(MemoryOnly.WouldBlock.class,
                            () -> MemoryOnly.attempt(() -> store.openObject(B, "k", null)));
                    release.countDown();
                    holder.get();
                    // nothing leaked: the lock bookkeeping of this thread allows the next acquisition
                    assertEquals(3, MemoryOnly.attempt(() -> store.headObject(B, "k", null)).size());
                }
            } finally {
                other.shutdownNow();
            }
        });
    }

    @Test
    void blobObjectsRefuseToOpenButAnswerHead() throws Exception {
        withBucket((engine, store) -> {
            byte[] big = new byte[200 * 1024]; // over the 128 KiB inline threshold: a blob file
            put(store, "big", big);
            assertThrows(MemoryOnly.WouldBlock.class,
                    () -> MemoryOnly.attempt(() -> store.openObject(B, "big", null)));
            assertEquals(big.length, MemoryOnly.attempt(() -> store.headObject(B, "big", null)).size());
            try (ObjectReader r = store.openObject(B, "big", null)) { // outside the mode: as before
                assertEquals(big.length, r.read(0, big.length).stream().mapToLong(DataSegment::length).sum());
            }
        });
    }

    private static byte[] readMemoryOnly(RocksObjectStore store, String key, String versionId) {
        return MemoryOnly.attempt(() -> {
            try (ObjectReader r = store.openObject(B, key, versionId)) {
                return readAll(r);
            }
        });
    }

    /**
     * Issue 19: a 4 KiB object's bytes go to a RocksDB blob file at flush; the blob cache keeps them in memory, so
     * the event loop's read answers a flushed small object after its first read, and one never read since the
     * flush wrote it (the flush prepopulates the cache). After a restart (empty caches) the first memory-only read
     * refuses and the blocking one is correct. A deleted version is gone for the memory-only read too: the cache
     * is reached only through the version's records, never by bucket and key.
     */
    @Test
    void aFlushedSmallObjectIsServedFromMemoryUntilRestartAndNotOnceDeleted() throws Exception {
        Random random = new Random(19);
        byte[] data = new byte[4096];
        byte[] other = new byte[4096];
        random.nextBytes(data);
        random.nextBytes(other);
        ObjectVersion v;
        ObjectVersion w;
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket(B, "111122223333", "us-east-1");
            store.updateBucket(B, c -> c.withVersioning(VersioningState.ENABLED));
            v = put(store, "k", data);
            w = put(store, "other", other);
            engine.database().flushAndCompact(); // records in SST files, the bytes in a blob file
            assertThrows(MemoryOnly.WouldBlock.class, () -> readMemoryOnly(store, "k", null),
                    "the metadata block is not cached yet (the flush does not prepopulate the block cache)");
            try (ObjectReader r = store.openObject(B, "k", null)) { // the fallback: caches k's blocks
                assertArrayEquals(data, readAll(r));
            }
            assertArrayEquals(data, readMemoryOnly(store, "k", null));
            assertEquals(v.etag(), MemoryOnly.attempt(() -> store.headObject(B, "k", null)).etag());
            // never read: its records share k's cached blocks, its bytes are in the blob cache since the flush
            assertArrayEquals(other, readMemoryOnly(store, "other", null));

            store.deleteObject(B, "k", v.versionId());
            // the blocking read (the loop's fallback) first: it caches the blocks a lookup by version id needs
            assertThrows(NoSuchVersionException.class, () -> store.openObject(B, "k", v.versionId()));
            assertThrows(NoSuchVersionException.class, () -> store.openObject(B, "k", v.versionId()));
            assertThrows(NoSuchVersionException.class, () -> readMemoryOnly(store, "k", v.versionId()));
            assertEquals(w.etag(), MemoryOnly.attempt(() -> store.headObject(B, "other", null)).etag());
        }
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            assertThrows(MemoryOnly.WouldBlock.class, () -> readMemoryOnly(store, "other", null));
            try (ObjectReader r = store.openObject(B, "other", null)) {
                assertArrayEquals(other, readAll(r));
            }
            assertArrayEquals(other, readMemoryOnly(store, "other", null));
            assertThrows(NoSuchVersionException.class, () -> store.openObject(B, "k", v.versionId()));
            assertThrows(NoSuchVersionException.class, () -> readMemoryOnly(store, "k", v.versionId()));
            assertEquals(w.etag(), MemoryOnly.attempt(() -> store.headObject(B, "other", null)).etag());
        }
    }
}
