package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectStoreContractTest;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract against RocksDB, plus checks of this implementation's data placement. */
class RocksObjectStoreContractTest extends ObjectStoreContractTest {
    static final RocksDatabase.Settings TEST_DB =
            new RocksDatabase.Settings(1 << 20, Duration.ofSeconds(5), 8 << 20, 0);

    @TempDir
    Path dir;
    private StorageEngine engine;

    @Override
    protected ObjectStore newStore() {
        engine = StorageEngine.open(dir, List.of(), clock, TEST_DB,
                RocksObjectStore.Settings.defaults());
        return engine.objectStore();
    }

    @Override
    protected int largeObjectSize() {
        return RocksObjectStore.Settings.defaults().inlineThreshold();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private long blobFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void smallObjectsStayInlineLargeOnesBecomeBlobsAndDeletesRemoveThem() throws Exception {
        String b = bucket(VersioningState.UNVERSIONED);
        put(b, "small", random(largeObjectSize(), 1));
        assertEquals(0, blobFiles(), "at the threshold data is inline");
        put(b, "large", random(largeObjectSize() + 1, 2));
        assertEquals(1, blobFiles());
        put(b, "large", random(largeObjectSize() + 1, 3));
        assertEquals(1, blobFiles(), "the replaced null version's blob is removed");
        store.deleteObject(b, "large", null);
        assertEquals(0, blobFiles());
    }

    @Test
    void pinnedBlobIsUnlinkedWhenTheReaderCloses() throws Exception {
        String b = bucket(VersioningState.UNVERSIONED);
        put(b, "large", random(largeObjectSize() + 1, 2));
        ObjectReader r = store.openObject(b, "large", null);
        store.deleteObject(b, "large", null);
        assertEquals(1, blobFiles(), "still pinned");
        r.close();
        assertEquals(0, blobFiles());
        assertEquals(0, ((RocksObjectStore) store).blobStore().pinnedCount());
    }

    @Test
    void orphanBlobsAndTempFilesAreCollectedOnOpen() throws Exception {
        String b = bucket(VersioningState.ENABLED);
        ObjectVersion kept = put(b, "kept", random(largeObjectSize() + 1, 2));
        Path shard = dir.resolve("blobs").resolve("ab");
        Files.createDirectories(shard);
        Files.write(shard.resolve("ab" + "0".repeat(30)), new byte[] {1});
        Files.write(dir.resolve("blobs").resolve("tmp").resolve("x.tmp"), new byte[] {1});
        engine.close();
        store = newStore();
        assertEquals(1, blobFiles());
        assertEquals(kept.etag(), store.headObject(b, "kept", null).etag());
        assertFalse(Files.exists(shard.resolve("ab" + "0".repeat(30))));
        assertTrue(Files.exists(dir.resolve("blobs").resolve("tmp")));
    }
}
