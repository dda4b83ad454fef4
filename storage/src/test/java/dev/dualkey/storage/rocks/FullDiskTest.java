package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.disk.Privileged;
import dev.dualkey.storage.disk.Tmpfs;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageFullException;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a 64 MiB tmpfs that really fills up. Writes must fail fast with {@link StorageFullException}
 * (or {@link SlowDownException}), never hang (the JUnit timeouts are hang detectors, nothing is timed); reads and
 * deletes keep working; once space is freed writes succeed again on the same open store; reopening works.
 * Needs root for {@code mount}: skipped with a message elsewhere, failing under {@code CI=true}.
 */
@Timeout(60)
class FullDiskTest {
    private static final String OWNER = "111122223333";

    @TempDir
    Path dir;
    private Tmpfs disk;
    private StorageEngine engine;

    @BeforeEach
    void mount() throws IOException {
        Privileged.require("FullDiskTest", Tmpfs.DEVICES, Tmpfs.COMMANDS);
        disk = Tmpfs.mount(dir.resolve("mnt"), 64L << 20);
    }

    @AfterEach
    void unmount() {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }

    private ObjectStore open(long reserved, long ballast) {
        engine = StorageEngine.open(disk.root().resolve("data"), List.of(), Clock.systemUTC(),
                new RocksDatabase.Settings(reserved, Duration.ofSeconds(2), 8L << 20, ballast),
                RocksObjectStore.Settings.defaults());
        return engine.objectStore();
    }

    private ObjectStore reopen(long reserved, long ballast) {
        engine.close();
        engine = null;
        return open(reserved, ballast);
    }

    @Test
    void guardRefusesDataBeforeTheDiskIsFullWhileReadsAndDeletesWorkThenWritesResume() throws Exception {
        ObjectStore store = open(16L << 20, 4L << 20);
        store.createBucket("full", OWNER, "us-east-1");
        store.updateBucket("full", c -> c.withVersioning(VersioningState.ENABLED));
        byte[] large = bytes(300_000, 1);
        ObjectVersion v1 = put(store, "keep", large);
        ObjectVersion v2 = put(store, "keep", bytes(1000, 2));
        put(store, "gone", bytes(1000, 3));

        Path filler = disk.fillLeaving("filler", 8L << 20); // below the 16 MiB reserve
        assertThrows(StorageFullException.class, () -> put(store, "new-inline", bytes(1000, 4)));
        assertThrows(StorageFullException.class, () -> put(store, "new-blob", bytes(300_000, 5)));
        assertThrows(StorageFullException.class, () -> store.createMultipartUpload("full", "mpu",
                ObjectMetadata.empty(), WriteOptions.defaults()));
        assertEquals(0, tempFiles(), "refused writes leave no temp blob");

        assertArrayEquals(large, read(store, "keep", v1.versionId()), "reads work on a full disk");
        assertTrue(store.deleteObject("full", "gone", null).deleteMarker(), "delete marker on a full disk");
        store.deleteObject("full", "keep", v2.versionId());
        assertEquals(v1.versionId(), store.headObject("full", "keep", null).versionId(),
                "permanent delete on a full disk promoted the previous version");

        Files.delete(filler);
        ObjectVersion after = put(store, "new-blob", bytes(300_000, 5));
        assertEquals(after.versionId(), store.headObject("full", "new-blob", null).versionId(),
                "writes work again without a restart");

        ObjectStore reopened = reopen(16L << 20, 4L << 20);
        assertArrayEquals(large, read(reopened, "keep", null));
        assertArrayEquals(bytes(300_000, 5), read(reopened, "new-blob", null));
    }

    @Test
    void realOutOfSpaceFailsFastReleasesTheBallastAndRecoversWhenSpaceIsFreed() throws Exception {
        ObjectStore store = open(0, 4L << 20); // no reserve: the disk really runs out
        Path ballast = disk.root().resolve("data").resolve("db").resolve("BALLAST");
        assertEquals(4L << 20, Files.size(ballast));
        store.createBucket("full", OWNER, "us-east-1");
        byte[] large = bytes(300_000, 1);
        put(store, "a", large);
        put(store, "b", bytes(1000, 2));

        Path filler = disk.fillLeaving("filler", 3L << 20);
        assertThrows(StorageFullException.class, () -> put(store, "huge", bytes(8 << 20, 3)),
                "ENOSPC while writing a blob body");
        assertEquals(0, tempFiles(), "the failed body's temp blob is removed");

        Path rest = disk.fillCompletely("rest");
        StorageException refused = null;
        for (int i = 0; i < 1000 && refused == null; i++) {
            try {
                put(store, "small-" + i, bytes(64 * 1024, i));
            } catch (StorageFullException | SlowDownException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "writes on a full disk must be refused");
        assertFalse(Files.exists(ballast), "the ballast is released when RocksDB runs out of space");
        assertArrayEquals(large, read(store, "a", null), "reads work on a full disk");

        Files.delete(rest);
        Files.delete(filler);
        // RocksDB resumes by itself once it sees free space (it polls); the store must then accept writes again
        ObjectVersion v = null;
        while (v == null) {
            try {
                v = put(store, "after", bytes(1000, 7));
            } catch (StorageFullException | SlowDownException e) {
                Thread.sleep(200);
            }
        }
        assertEquals(v.etag(), store.headObject("full", "after", null).etag());
        store.deleteObject("full", "b", null);
        assertEquals(4L << 20, Files.size(ballast), "the ballast is re-created once space allows");

        ObjectStore reopened = reopen(0, 4L << 20);
        assertArrayEquals(large, read(reopened, "a", null));
        assertArrayEquals(bytes(1000, 7), read(reopened, "after", null));
    }

    @Test
    void openingAFullDiskSacrificesTheBallast() throws Exception {
        ObjectStore store = open(0, 4L << 20);
        store.createBucket("full", OWNER, "us-east-1");
        put(store, "a", bytes(1000, 1));
        engine.close();
        engine = null;
        Path rest = disk.fillCompletely("rest");
        ObjectStore reopened = open(0, 4L << 20);
        assertArrayEquals(bytes(1000, 1), read(reopened, "a", null));
        Files.delete(rest);
    }

    private static ObjectVersion put(ObjectStore store, String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter("full", key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            for (int off = 0; off < data.length; off += 1 << 20) {
                w.write(ByteBuffer.wrap(data, off, Math.min(1 << 20, data.length - off)));
            }
            return w.commit(Expectations.none());
        }
    }

    private static byte[] read(ObjectStore store, String key, String versionId) throws IOException {
        try (ObjectReader r = store.openObject("full", key, versionId); InputStream in = r.openStream()) {
            return in.readAllBytes();
        }
    }

    private long tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(disk.root().resolve("data").resolve("blobs").resolve("tmp"))) {
            return s.count();
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
