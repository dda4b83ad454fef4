package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.retention.RetentionBypass;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version delete of {@link RocksObjectStore} carrying a {@link WriteRide}: the conditional commit
 * {@link RocksKvStore#commitRiding} attaches (as the MFA verifier does for a spent code, issue 19) and the delete are
 * one WriteBatch. Atomic both ways (a failed batch writes neither), in the WAL when the delete returns (a crash image
 * of the data directory, copied before anything else runs, has both), written alone by {@code settle} when the delete
 * wrote nothing, and refused for a ride of another database. The spend here is the verifier's shape: compare the
 * device record, replace it, add an audit record, in a family of the same database.
 */
class DeleteRideTest {
    private static final String OWNER = "111122223333";
    private static final String STATE = "test.state";
    private static final List<ColumnFamilySpec> FAMILIES = List.of(ColumnFamilySpec.of(STATE, "device :- step"));

    @TempDir
    Path dir;
    private StorageEngine engine;
    private RocksObjectStore store;
    private RocksKvStore kv;
    private ObjectVersion v1;
    private ObjectVersion v2;

    @BeforeEach
    void open() {
        openAt(dir.resolve("data"));
        store.createBucket("bkt", OWNER, "us-east-1");
        store.updateBucket("bkt", c -> c.withVersioning(VersioningState.ENABLED));
        v1 = put("k");
        v2 = put("k");
        kv.write(t -> t.put(STATE, b("device"), b("step-0")));
    }

    private void openAt(Path data) {
        engine = StorageEngine.open(data, FAMILIES);
        store = (RocksObjectStore) engine.objectStore();
        kv = RocksKvStore.over(engine.database());
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ObjectVersion put(String key) {
        try (ObjectWriter w = store.newObjectWriter("bkt", key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[10]));
            return w.commit(Expectations.none());
        }
    }

    /** The verifier's commit for an accepted code: the device record as read, its next step, an audit record. */
    private static KvTxn spend(String from, String to) {
        return new KvTxn().expect(STATE, b("device"), b(from)).put(STATE, b("device"), b(to))
                .put(STATE, b("audit-" + to), b("ACCEPTED"));
    }

    /** What the audit listeners heard: the spend's after-commit action (as the audit log registers it). */
    private final List<String> heard = new ArrayList<>();

    private KvTxn heardSpend(String from, String to) {
        return spend(from, to).afterCommit(() -> heard.add(to + " " + device()));
    }

    private String device() {
        return new String(kv.get(STATE, b("device")).orElseThrow(), StandardCharsets.UTF_8);
    }

    private boolean present(ObjectVersion v) {
        try {
            store.headObject("bkt", "k", v.versionId());
            return true;
        } catch (NoSuchVersionException e) {
            return false;
        }
    }

    private void deleteRiding(ObjectVersion v, WriteRide ride) {
        store.deleteObject("bkt", "k", v.versionId(), RetentionBypass.NONE,
                info -> assertTrue(kv.commitRiding(heardSpend("step-0", "step-1"), ride), "the device is as read"),
                null, ride);
    }

    @Test
    void theSpendAndTheDeleteAreOneWriteThatACrashImageTakenBeforeSettleKeeps() throws IOException {
        WriteRide ride = new WriteRide(engine.database());
        deleteRiding(v2, ride);
        assertTrue(ride.written(), "the delete's write carried the spend");
        assertEquals("step-1", device(), "visible with the delete, before the settle");
        assertArrayEquals(b("ACCEPTED"), kv.get(STATE, b("audit-step-1")).orElseThrow());
        assertFalse(present(v2));
        assertEquals(List.of(), heard, "the after-commit actions wait for the settle");
        // The crash image: the data directory's files as they are now, without the WAL sync and memtable flush of a
        // clean close, and before settle (which must have nothing left to write).
        Path image = dir.resolve("image");
        copyTree(dir.resolve("data"), image);
        ride.settle();
        assertEquals(List.of("step-1 step-1"), heard, "run once, after the write that carried the spend");
        engine.close();
        openAt(image);
        assertEquals("step-1", device(), "the spend is in the WAL with the delete");
        assertFalse(present(v2), "and so is the delete");
        assertTrue(present(v1));
    }

    @Test
    void aDeleteWhoseBatchFailsLeavesTheCodeUnspentAndTheVersionPresent() {
        // Injected failure: the latest-version record of k is unreadable, so staging the delete of the latest
        // version (which re-reads it to move the usage counters) throws after the spend and the removal are staged.
        Table<byte[], byte[]> latest = engine.database().table(Schema.OBJECTS, Codecs.BYTES, Codecs.BYTES);
        byte[] objectKey = StoreKeys.objectKey("bkt", "k");
        byte[] good = latest.get(objectKey).orElseThrow();
        engine.database().write(batch -> latest.put(batch, objectKey, new byte[] {(byte) 0xEE, 1, 2, 3}));
        WriteRide ride = new WriteRide(engine.database());
        assertThrows(RuntimeException.class, () -> deleteRiding(v2, ride));
        assertTrue(ride.failed(), "the write that took the spend failed");
        ride.settle(); // writes nothing: atomic with the failed delete
        assertEquals(List.of(), heard, "a failed batch runs no after-commit action");
        engine.database().write(batch -> latest.put(batch, objectKey, good));
        assertEquals("step-0", device(), "the code is unspent");
        assertTrue(kv.get(STATE, b("audit-step-1")).isEmpty(), "no ACCEPTED record either");
        assertTrue(present(v2), "the version is still there");
        assertTrue(kv.commit(spend("step-0", "step-1")), "the stripes were released, the step is still usable");
    }

    @Test
    void aDeleteThatWritesNothingLeavesTheSpendToSettleWhichWritesItAlone() {
        store.deleteObject("bkt", "k", v1.versionId()); // gone before the riding delete names it
        WriteRide ride = new WriteRide(engine.database());
        assertFalse(store.deleteObject("bkt", "k", v1.versionId(), RetentionBypass.NONE,
                info -> assertTrue(kv.commitRiding(heardSpend("step-0", "step-1"), ride)), null, ride).existed());
        assertTrue(ride.pending(), "no write took it (no such version)");
        assertEquals("step-0", device());
        ride.settle();
        assertEquals("step-1", device(), "the accepted code is spent all the same");
        assertEquals(List.of("step-1 step-1"), heard, "run once, after settle wrote the spend alone");
        assertTrue(present(v2));
    }

    @Test
    void aCommitOnTheSameRecordWaitsForTheRideAndThenLosesItsCompare() throws Exception {
        WriteRide ride = new WriteRide(engine.database());
        assertTrue(kv.commitRiding(spend("step-0", "step-1"), ride));
        // Another request that read the device before this one's check (a replay): its compare-and-set must not
        // pass between the riding check and the delete's write.
        Thread[] other = new Thread[1];
        CompletableFuture<Boolean> replay = new CompletableFuture<>();
        other[0] = new Thread(() -> replay.complete(kv.commit(spend("step-0", "step-1-again"))));
        other[0].start();
        for (int i = 0; i < 10_000 && other[0].getState() != Thread.State.WAITING; i++) {
            Thread.sleep(1); // until it is parked on the stripe lock (a wait for a state, not a timing)
        }
        assertEquals(Thread.State.WAITING, other[0].getState(), "the other commit waits for the ride");
        store.deleteObject("bkt", "k", v2.versionId(), RetentionBypass.NONE, info -> { }, null, ride);
        ride.settle();
        assertFalse(replay.get(60, TimeUnit.SECONDS), "its condition (step-0) no longer holds");
        assertEquals("step-1", device());
    }

    @Test
    void aRideOfAnotherDatabaseIsRefusedBeforeAnythingIsWritten() {
        try (RocksDatabase other = RocksDatabase.open(dir.resolve("other"), FAMILIES)) {
            WriteRide foreign = new WriteRide(other);
            assertThrows(IllegalArgumentException.class, () -> kv.commitRiding(spend("step-0", "step-1"), foreign));
            assertFalse(foreign.pending());
            foreign.attach(batch -> { }, () -> { });
            assertThrows(IllegalArgumentException.class, () -> store.deleteObject("bkt", "k", v2.versionId(),
                    RetentionBypass.NONE, info -> { }, null, foreign));
            assertTrue(present(v2), "nothing deleted");
            foreign.settle();
        }
        assertEquals("step-0", device());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
