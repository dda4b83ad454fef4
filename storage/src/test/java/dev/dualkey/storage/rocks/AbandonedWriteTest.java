package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.RequestTimeoutException;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that are never committed, aborted or closed cannot keep temp blobs for ever: the reaper deletes those
 * idle beyond the abandoned-write timeout (time from an injected clock), leaves active ones alone, and the reaped
 * writer fails with RequestTimeout without changing anything.
 */
class AbandonedWriteTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int SPILLS = RocksObjectStore.Settings.defaults().inlineThreshold() + 1;

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.now());
    private StorageEngine engine;
    private ObjectStore store;
    private RocksObjectStore rocks;

    @BeforeEach
    void open() {
        RocksObjectStore.Settings d = RocksObjectStore.Settings.defaults();
        engine = StorageEngine.open(dir, List.of(), clock, RocksObjectStoreContractTest.TEST_DB,
                new RocksObjectStore.Settings(d.inlineThreshold(), d.minPartSize(), d.lockDeadline(), TIMEOUT));
        store = engine.objectStore();
        rocks = (RocksObjectStore) store;
        store.createBucket("abandoned", "111122223333", "us-east-1");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void idleWritersAreReapedActiveOnesAreNot() throws Exception {
        ObjectWriter idle = store.newObjectWriter("abandoned", "idle", ObjectMetadata.empty(), WriteOptions.defaults());
        ObjectWriter active = store.newObjectWriter("abandoned", "active", ObjectMetadata.empty(), WriteOptions.defaults());
        idle.write(ByteBuffer.wrap(new byte[SPILLS]));
        active.write(ByteBuffer.wrap(new byte[SPILLS]));
        assertEquals(2, tempFiles());

        clock.advance(TIMEOUT.minusMinutes(1));
        active.write(ByteBuffer.wrap(new byte[] {1}));
        assertEquals(0, rocks.blobStore().reapAbandoned(), "nobody idle beyond the timeout yet");
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, rocks.blobStore().reapAbandoned());
        assertEquals(1, tempFiles(), "the idle writer's temp blob is gone, the active one's stays");
        assertEquals(1, rocks.blobStore().unfinishedCount());

        assertThrows(RequestTimeoutException.class, () -> idle.write(ByteBuffer.wrap(new byte[] {1})));
        assertThrows(RequestTimeoutException.class, () -> idle.commit(Expectations.none()));
        idle.close();
        assertThrows(NoSuchKeyException.class, () -> store.headObject("abandoned", "idle", null));

        assertEquals(SPILLS + 1, active.commit(Expectations.none()).size());
        active.close();
        assertEquals(0, tempFiles());
        assertEquals(0, rocks.blobStore().unfinishedCount());
    }

    @Test
    void abandonedPartWritersAreReapedToo() throws Exception {
        MultipartUpload up = store.createMultipartUpload("abandoned", "mpu", ObjectMetadata.empty(), WriteOptions.defaults());
        PartWriter part = store.newPartWriter("abandoned", "mpu", up.uploadId(), 1);
        part.write(ByteBuffer.wrap(new byte[SPILLS]));
        assertEquals(1, tempFiles());
        clock.advance(TIMEOUT.plusSeconds(1));
        assertEquals(1, rocks.blobStore().reapAbandoned());
        assertEquals(0, tempFiles());
        assertThrows(RequestTimeoutException.class, () -> part.commit(Expectations.none()));
        assertTrue(store.listParts("abandoned", "mpu", up.uploadId(), 0, 1000).parts().isEmpty());
    }

    @Test
    void untrackedTempFilesAreSweptOnlyWhenOlderThanTheTimeout() throws Exception {
        Path tmp = dir.resolve("blobs").resolve("tmp");
        Path old = Files.write(tmp.resolve("0".repeat(32) + ".tmp"), new byte[] {1});
        Path recent = Files.write(tmp.resolve("1".repeat(32) + ".tmp"), new byte[] {1});
        Files.setLastModifiedTime(old, FileTime.from(clock.instant().minus(TIMEOUT).minusSeconds(1)));
        Files.setLastModifiedTime(recent, FileTime.from(clock.instant()));
        assertEquals(1, rocks.blobStore().reapAbandoned());
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
    }

    private long tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("blobs").resolve("tmp"))) {
            return s.count();
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
