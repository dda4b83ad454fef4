package dev.dualkey.storage.rocks;

import static dev.dualkey.storage.rocks.SealedEngines.master;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.ObjectMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Master key rotation of object data keys: inline values and blob files re-wrapped under the new key, data bytes
 * unchanged, an interrupted run resumed from its cursor, hard links (backups) left with the old file.
 */
class DataKeyRewrapperTest {
    private static final int INLINE = SealedEngines.INLINE;
    private static final String B = "bucket";
    private static final byte[] OLD = master(1);
    private static final byte[] NEW = master(2);

    @TempDir
    Path dir;
    private StorageEngine engine;
    private ObjectStore store;

    private void open(KeyWrapper keys) {
        if (engine != null) {
            engine.close();
        }
        engine = SealedEngines.open(dir);
        store = engine.objectStore();
        store.encryptAtRest(keys);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void put(String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private byte[] get(String key) throws IOException {
        try (ObjectReader r = store.openObject(B, key, null); InputStream in = r.openStream(0, r.version().size())) {
            return in.readAllBytes();
        }
    }

    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .sorted().toList();
        }
    }

    private static int fingerprint(Path blob) throws IOException {
        byte[] head = Arrays.copyOf(Files.readAllBytes(blob), SealedLayout.HEADER_BYTES);
        return SealedLayout.keyFingerprint(head);
    }

    private Map<String, byte[]> fill(int inline, int blobs) {
        store.createBucket(B, "111122223333", "us-east-1");
        Map<String, byte[]> data = new HashMap<>();
        Random r = new Random(7);
        for (int i = 0; i < inline; i++) {
            byte[] b = new byte[100 + i];
            r.nextBytes(b);
            data.put("small/" + i, b);
        }
        for (int i = 0; i < blobs; i++) {
            byte[] b = new byte[INLINE + 1 + i * 1000 + (i == 0 ? 200_000 : 0)]; // the first spans chunks
            r.nextBytes(b);
            data.put("big/" + i, b);
        }
        data.forEach(this::put);
        return data;
    }

    private void assertReadableWithNewKeyOnly(Map<String, byte[]> data) throws IOException {
        open(MasterKeyWrapper.fromMasterKey(NEW));
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            assertArrayEquals(e.getValue(), get(e.getKey()), e.getKey());
        }
    }

    @Test
    void everyDataKeyIsRewrappedAndTheDataBytesStayAsTheyWere() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(OLD));
        Map<String, byte[]> data = fill(3, 3);
        int oldFp = MasterKeyWrapper.fromMasterKey(OLD).currentFingerprint();
        int newFp = MasterKeyWrapper.fromMasterKey(NEW).currentFingerprint();
        Map<Path, byte[]> before = new HashMap<>();
        for (Path p : blobFiles()) {
            assertEquals(oldFp, fingerprint(p));
            before.put(p, Files.readAllBytes(p));
        }
        assertEquals(3, before.size());
        Path backupLink = dir.resolve("backup-link");
        Files.createLink(backupLink, blobFiles().get(0)); // as StoreBackup hard-links blobs

        MasterKeyWrapper ring = MasterKeyWrapper.fromMasterKeys(NEW, List.of(OLD));
        open(ring);
        DataKeyRewrapper.Report r = DataKeyRewrapper.of(store, ring).orElseThrow()
                .run(DataKeyRewrapper.Cursor.START, (c, soFar) -> { });
        assertEquals(6, r.examined());
        assertEquals(6, r.rewrapped());
        assertTrue(r.failed().isEmpty(), r.failed().toString());
        for (Path p : blobFiles()) {
            byte[] now = Files.readAllBytes(p);
            assertEquals(newFp, fingerprint(p));
            byte[] was = before.get(p);
            assertArrayEquals(Arrays.copyOfRange(was, SealedLayout.HEADER_BYTES, was.length),
                    Arrays.copyOfRange(now, SealedLayout.HEADER_BYTES, now.length), "chunks are never re-encrypted");
            assertArrayEquals(Arrays.copyOf(was, 12), Arrays.copyOf(now, 12));
        }
        assertEquals(oldFp, fingerprint(backupLink), "a hard-linked backup keeps the old file");

        DataKeyRewrapper.Report again = DataKeyRewrapper.of(store, ring).orElseThrow()
                .run(DataKeyRewrapper.Cursor.START, (c, soFar) -> { });
        assertEquals(0, again.rewrapped(), "idempotent");

        assertReadableWithNewKeyOnly(data);
        open(MasterKeyWrapper.fromMasterKey(OLD));
        assertThrows(StorageIoException.class, () -> get("big/1"), "the old key alone no longer reads");
        assertThrows(StorageIoException.class, () -> get("small/1"));
    }

    @Test
    void aRunStoppedAfterACheckpointResumesFromItsCursorAndFinishes() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(OLD));
        int n = DataKeyRewrapper.CHECKPOINT_EVERY + 10;
        Map<String, byte[]> data = fill(n, n);
        MasterKeyWrapper ring = MasterKeyWrapper.fromMasterKeys(NEW, List.of(OLD));
        open(ring);
        AtomicReference<DataKeyRewrapper.Cursor> saved = new AtomicReference<>();
        long first = 0;
        for (DataKeyRewrapper.Phase stopIn : List.of(DataKeyRewrapper.Phase.INLINE, DataKeyRewrapper.Phase.BLOBS)) {
            RuntimeException stop = new RuntimeException("stop");
            DataKeyRewrapper.Cursor from = saved.get();
            RuntimeException thrown = assertThrows(RuntimeException.class, () -> DataKeyRewrapper.of(store, ring)
                    .orElseThrow().run(from, (c, soFar) -> {
                        saved.set(c);
                        if (c.phase() == stopIn && c.after() != null) {
                            throw stop; // the process dies after saving this cursor
                        }
                    }));
            assertEquals(stop, thrown);
            assertEquals(stopIn, saved.get().phase());
        }
        DataKeyRewrapper.Report rest = DataKeyRewrapper.of(store, ring).orElseThrow().run(saved.get(),
                (c, soFar) -> saved.set(c));
        assertEquals(DataKeyRewrapper.Phase.DONE, saved.get().phase());
        assertTrue(rest.rewrapped() > 0 && rest.rewrapped() < 2L * n, "resumed, not restarted: " + rest);
        assertReadableWithNewKeyOnly(data);
    }

    @Test
    void dataKeysWrappedByACustomerOrKmsKeyAreLeftAlone() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(OLD));
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] customer = master(9);
        KeyWrapper ssec = MasterKeyWrapper.forCustomerKey(customer);
        KeyWrapper kms = dev.dualkey.storage.crypto.KmsKeyWrapper.of(master(10), "{}".getBytes());
        byte[] big = new byte[INLINE * 3];
        new Random(4).nextBytes(big);
        byte[] small = "small".getBytes();
        Map<String, KeyWrapper> keyed = Map.of("ssec-big", ssec, "ssec-small", ssec, "kms-big", kms, "kms-small", kms);
        for (Map.Entry<String, KeyWrapper> e : keyed.entrySet()) {
            byte[] body = e.getKey().endsWith("big") ? big : small;
            try (ObjectWriter w = store.newObjectWriter(B, e.getKey(), ObjectMetadata.empty(), WriteOptions.defaults(),
                    dev.dualkey.storage.PublishCheck.NONE, e.getValue())) {
                w.write(ByteBuffer.wrap(body));
                w.commit(Expectations.none().withContentLength(body.length));
            }
        }
        Map<Path, byte[]> before = new HashMap<>();
        for (Path p : blobFiles()) {
            before.put(p, Files.readAllBytes(p));
        }
        MasterKeyWrapper ring = MasterKeyWrapper.fromMasterKeys(NEW, List.of(OLD));
        open(ring);
        DataKeyRewrapper.Report r = DataKeyRewrapper.of(store, ring).orElseThrow()
                .run(DataKeyRewrapper.Cursor.START, (c, soFar) -> { });
        assertEquals(4, r.examined());
        assertEquals(0, r.rewrapped(), "only a previous master key's data keys move");
        for (Path p : blobFiles()) {
            assertArrayEquals(before.get(p), Files.readAllBytes(p));
        }
        for (Map.Entry<String, KeyWrapper> e : keyed.entrySet()) {
            try (ObjectReader rd = store.openObject(B, e.getKey(), null, e.getValue());
                 InputStream in = rd.openStream(0, rd.version().size())) {
                assertArrayEquals(e.getKey().endsWith("big") ? big : small, in.readAllBytes());
            }
        }
    }
}
