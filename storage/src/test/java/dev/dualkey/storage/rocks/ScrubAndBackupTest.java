package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StoreScrubber.Finding;
import dev.dualkey.storage.rocks.StoreScrubber.Problem;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreScrubber} finds each kind of damage it claims to (flipped byte, truncated or missing blob, missing
 * inline bytes, orphan, multipart ETag mismatch), online and offline, and a clean store scrubs clean;
 * {@link StoreBackup} gives a directory that opens with every version whole, refuses a non-empty destination, and
 * an unfinished backup cannot be opened.
 */
class ScrubAndBackupTest {
    private static final String OWNER = "111122223333";
    private static final RocksObjectStore.Settings SMALL_PARTS = new RocksObjectStore.Settings(128 * 1024, 1024,
            Duration.ofSeconds(5));

    @TempDir
    Path dir;
    private StorageEngine engine;
    private final Random rnd = new Random(3);

    private ObjectStore open(Path dataDir) {
        engine = StorageEngine.open(dataDir, List.of(), Clock.systemUTC(), RocksObjectStoreContractTest.TEST_DB,
                SMALL_PARTS);
        return engine.objectStore();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private ObjectVersion put(ObjectStore s, String key, int size) {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        try (ObjectWriter w = s.newObjectWriter("bkt", key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none());
        }
    }

    private ObjectVersion multipart(ObjectStore s, String key) {
        MultipartUpload u = s.createMultipartUpload("bkt", key, ObjectMetadata.empty(), WriteOptions.defaults());
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            byte[] data = new byte[3000 + n];
            rnd.nextBytes(data);
            try (PartWriter w = s.newPartWriter("bkt", key, u.uploadId(), n)) {
                w.write(ByteBuffer.wrap(data));
                parts.add(new CompletedPart(n, w.commit(Expectations.none()).etag()));
            }
        }
        return s.completeMultipartUpload("bkt", key, u.uploadId(), parts);
    }

    private ObjectStore populated() {
        ObjectStore s = open(dir);
        s.createBucket("bkt", OWNER, "us-east-1");
        s.updateBucket("bkt", c -> c.withVersioning(VersioningState.ENABLED));
        put(s, "inline", 1000);
        put(s, "blob", 200_000);
        multipart(s, "multi");
        s.deleteObject("bkt", "inline", null); // a delete marker too
        return s;
    }

    private List<Path> blobFiles(Path dataDir) throws Exception {
        try (Stream<Path> s = Files.walk(dataDir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .sorted().toList();
        }
    }

    private static List<Problem> problems(StoreScrubber.Report r) {
        return r.findings().stream().map(Finding::problem).toList();
    }

    @Test
    void aCleanStoreScrubsCleanOnlineAndOffline() {
        populated();
        StoreScrubber.Report online = engine.scrubber().run(0, new StoreScrubber.Listener() { });
        assertEquals(List.of(), online.findings());
        assertEquals(4, online.versions());
        assertEquals(3, online.blobs(), "one blob and two parts");
        engine.close();
        engine = null;
        try (StoreScrubber s = StoreScrubber.offline(dir)) {
            assertEquals(List.of(), s.run(1L << 30, new StoreScrubber.Listener() { }).findings());
        }
    }

    @Test
    void aFlippedByteInABlobIsAChecksumFindingNamingTheVersion() throws Exception {
        ObjectStore s = populated();
        ObjectVersion v = s.headObject("bkt", "blob", null);
        Path blob = blobFiles(dir).stream().filter(p -> {
            try {
                return Files.size(p) == 200_000;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
            f.seek(12_345);
            int b = f.read();
            f.seek(12_345);
            f.write(b ^ 0x10);
        }
        StoreScrubber.Report r = engine.scrubber().run(0, new StoreScrubber.Listener() { });
        assertEquals(List.of(Problem.WRONG_CHECKSUM), problems(r));
        Finding f = r.findings().get(0);
        assertEquals("bkt", f.bucket());
        assertEquals("blob", f.key());
        assertEquals(v.versionId(), f.versionId());
    }

    @Test
    void missingTruncatedAndOrphanedBlobsAreFound() throws Exception {
        populated();
        List<Path> files = blobFiles(dir);
        assertEquals(3, files.size());
        Path orphan = files.get(0).resolveSibling("00" + "ab".repeat(15));
        Files.write(orphan, new byte[10]);
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path parts0 = files.stream().filter(p -> {
            try {
                return Files.size(p) < 10_000;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(parts0.toFile(), "rw")) {
            f.setLength(100);
        }
        Path big = files.stream().filter(p -> !p.equals(parts0)).filter(p -> {
            try {
                return Files.size(p) == 200_000;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).findFirst().orElseThrow();
        Files.delete(big);
        List<Problem> found = new ArrayList<>(problems(engine.scrubber().run(0, new StoreScrubber.Listener() { })));
        found.sort(null);
        assertEquals(List.of(Problem.MISSING_BLOB, Problem.WRONG_SIZE, Problem.DANGLING_REFERENCE,
                Problem.ORPHAN_BLOB), found);
    }

    @Test
    void backupOpensWithEveryVersionWholeAndTheSourceIsUntouched() throws Exception {
        ObjectStore s = populated();
        List<ObjectVersion> before = s.listObjectVersions("bkt",
                new dev.dualkey.storage.model.ListVersionsQuery("", null, null, null, 1000)).versions();
        Path dest = dir.resolveSibling(dir.getFileName() + "-backup");
        StoreBackup.Result r = engine.backup(dest, new StoreBackup.Listener() { });
        assertEquals(3, r.blobs());
        assertEquals(3, r.linked(), "same file system: hard links");
        put(s, "after", 10); // not in the backup
        engine.close();
        ObjectStore b = open(dest);
        List<ObjectVersion> restored = b.listObjectVersions("bkt",
                new dev.dualkey.storage.model.ListVersionsQuery("", null, null, null, 1000)).versions();
        assertEquals(before.stream().map(ObjectVersion::versionId).toList(),
                restored.stream().map(ObjectVersion::versionId).toList());
        for (ObjectVersion v : restored) {
            if (!v.deleteMarker()) {
                try (ObjectReader rd = b.openObject("bkt", v.key(), v.versionId()); InputStream in = rd.openStream()) {
                    assertEquals(v.size(), in.readAllBytes().length);
                }
            }
        }
        assertEquals(List.of(), engine.scrubber().run(0, new StoreScrubber.Listener() { }).findings());
        assertTrue(Files.notExists(dest.resolve(StoreBackup.INCOMPLETE)));
    }

    @Test
    void anUnfinishedBackupCannotBeOpenedAndANonEmptyDestinationIsRefused() throws Exception {
        populated();
        Path dest = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-nonempty"));
        Files.write(dest.resolve("something"), new byte[1]);
        assertThrows(StorageIoException.class, () -> engine.backup(dest, new StoreBackup.Listener() { }));
        Path half = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-half"));
        Files.write(half.resolve(StoreBackup.INCOMPLETE), new byte[0]);
        StorageIoException e = assertThrows(StorageIoException.class, () -> StorageEngine.open(half, List.of()));
        assertTrue(e.getMessage().contains("unfinished backup"), e.getMessage());
    }

    @Test
    void anOnlineScrubRacingWritesAndPermanentDeletesFindsNothing() throws Exception {
        ObjectStore s = populated();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread churn = new Thread(() -> {
            Random r = new Random(8);
            try {
                for (int i = 0; !stop.get(); i++) {
                    ObjectVersion v = put(s, "churn" + (i % 5), r.nextBoolean() ? 150_000 : 500);
                    if (i % 2 == 1) {
                        s.deleteObject("bkt", v.key(), v.versionId()); // the blob is unlinked (once unpinned)
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "scrub-churn");
        churn.start();
        try {
            for (int round = 0; round < 5; round++) {
                assertEquals(List.of(), engine.scrubber().run(0, new StoreScrubber.Listener() { }).findings(),
                        "round " + round);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
        assertEquals(null, failed.get());
    }

    @Test
    void deletionsHeldDuringABackupHappenAfterIt() throws Exception {
        ObjectStore s = populated();
        ObjectVersion v = s.headObject("bkt", "blob", null);
        int filesBefore = blobFiles(dir).size();
        AutoCloseable hold = engine.objectStore() instanceof RocksObjectStore r ? r.blobStore().holdDeletions()
                : null;
        s.deleteObject("bkt", "blob", v.versionId());
        assertEquals(filesBefore, blobFiles(dir).size(), "the blob stays while deletions are held");
        hold.close();
        assertEquals(filesBefore - 1, blobFiles(dir).size());
        assertEquals(List.of(), engine.scrubber().run(0, new StoreScrubber.Listener() { }).findings());
    }
}
