package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.model.VersioningState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BucketRecordCache}: what the store answers about a bucket always follows its writes (configuration,
 * delete, re-create by another owner), also while other threads read the bucket concurrently; the number of
 * records held is capped.
 */
class BucketRecordCacheTest {
    @TempDir
    Path dir;

    @Test
    void readsFollowEveryBucketWrite() {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket("bkt", "111122223333", "us-east-1");
            assertEquals(VersioningState.UNVERSIONED, store.headBucket("bkt").config().versioning());
            store.updateBucket("bkt", c -> c.withVersioning(VersioningState.ENABLED));
            assertEquals(VersioningState.ENABLED, store.headBucket("bkt").config().versioning());
            store.updateBucket("bkt", c -> c.withTags(Map.of("k", "v")));
            assertEquals(Map.of("k", "v"), store.headBucket("bkt").config().tags());

            store.createBucket("gone", "111122223333", "us-east-1");
            store.headBucket("gone");
            store.deleteBucket("gone");
            assertThrows(NoSuchBucketException.class, () -> store.headBucket("gone"));
            store.createBucket("gone", "444455556666", "eu-west-1");
            assertEquals("444455556666", store.headBucket("gone").ownerAccountId());
            assertEquals("eu-west-1", store.headBucket("gone").region());
        }
    }

    @Test
    void readersRacingAWriterEndWithTheLastWrite() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            store.createBucket("bkt", "111122223333", "us-east-1");
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService readers = Executors.newFixedThreadPool(3);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    running.add(readers.submit(() -> {
                        while (!stop.get()) {
                            store.headBucket("bkt");
                        }
                    }));
                }
                for (int i = 0; i < 300; i++) {
                    String value = Integer.toString(i);
                    store.updateBucket("bkt", c -> c.withTags(Map.of("n", value)));
                    assertEquals(Map.of("n", value), store.headBucket("bkt").config().tags(), "after update " + i);
                }
                stop.set(true);
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                stop.set(true);
                readers.shutdownNow();
            }
            assertEquals(Map.of("n", "299"), store.headBucket("bkt").config().tags());
        }
    }

    @Test
    void holdsAtMostItsCapAndServesTheRestFromTheDatabase() {
        try (StorageEngine engine = StorageEngine.open(dir, List.of())) {
            RocksObjectStore store = (RocksObjectStore) engine.objectStore();
            BucketRecordCache cache = new BucketRecordCache(engine.database().table(Schema.BUCKETS, Codecs.UTF8,
                    StoreRecords.bucketCodec()));
            int n = BucketRecordCache.MAX_ENTRIES + 20;
            for (int i = 0; i < n; i++) {
                store.createBucket("bucket-" + i, "111122223333", "us-east-1");
            }
            for (int i = 0; i < n; i++) {
                assertEquals("bucket-" + i, cache.get("bucket-" + i).orElseThrow().name());
            }
            assertEquals(BucketRecordCache.MAX_ENTRIES, cache.size());
            assertTrue(cache.get("no-such-bucket").isEmpty());
            assertEquals(BucketRecordCache.MAX_ENTRIES, cache.size());
            String last = "bucket-" + (n - 1); // not held: read from the database each time
            store.updateBucket(last, c -> c.withVersioning(VersioningState.ENABLED));
            assertEquals(VersioningState.ENABLED, store.headBucket(last).config().versioning());
        }
    }
}
