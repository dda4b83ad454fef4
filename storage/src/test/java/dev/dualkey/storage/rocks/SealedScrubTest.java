package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.PublishCheck;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StoreRecords.DataKind;
import dev.dualkey.storage.rocks.StoreRecords.VersionRecord;
import dev.dualkey.storage.rocks.StoreScrubber.Finding;
import dev.dualkey.storage.rocks.StoreScrubber.Problem;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreScrubber} over a store encrypted at rest: sealed blob, sealed inline, multipart and copied versions
 * scrub clean (GCM tags checked, plaintext MD5 against the ETag); a flipped byte in a sealed blob file or in a
 * sealed inline value is reported as WRONG_CHECKSUM for exactly that version; SSE-C versions are counted as
 * unverifiable, never as damaged; an orphan sealed blob ({@code .s1}) is found.
 */
class SealedScrubTest {
    private static final String B = "bkt";
    private static final RocksObjectStore.Settings SETTINGS = new RocksObjectStore.Settings(128 * 1024, 1024,
            Duration.ofSeconds(5));

    @TempDir
    Path dir;
    private StorageEngine engine;
    private final Random rnd = new Random(5);
    private final KeyWrapper master = MasterKeyWrapper.fromMasterKey(bytes(32, 1));

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private ObjectStore open() {
        engine = StorageEngine.open(dir, List.of(), Clock.systemUTC(), RocksObjectStoreContractTest.TEST_DB, SETTINGS);
        engine.objectStore().encryptAtRest(master);
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
        try (ObjectWriter w = s.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none());
        }
    }

    private void putCustomer(ObjectStore s, String key, int size) {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        ObjectMetadata meta = ObjectMetadata.empty().toBuilder()
                .attribute(StoreScrubber.CUSTOMER_KEY_ATTRIBUTE, "AES256").build();
        try (ObjectWriter w = s.newObjectWriter(B, key, meta, WriteOptions.defaults(), PublishCheck.NONE,
                MasterKeyWrapper.forCustomerKey(bytes(32, 9)))) {
            w.write(ByteBuffer.wrap(data));
            w.commit(Expectations.none());
        }
    }

    private void multipart(ObjectStore s, String key) {
        MultipartUpload u = s.createMultipartUpload(B, key, ObjectMetadata.empty(), WriteOptions.defaults());
        List<CompletedPart> parts = new ArrayList<>();
        for (int n = 1; n <= 2; n++) {
            byte[] data = new byte[70_000 + n];
            rnd.nextBytes(data);
            try (PartWriter w = s.newPartWriter(B, key, u.uploadId(), n)) {
                w.write(ByteBuffer.wrap(data));
                parts.add(new CompletedPart(n, w.commit(Expectations.none()).etag()));
            }
        }
        s.completeMultipartUpload(B, key, u.uploadId(), parts);
    }

    /** 9 versions: 7 sealed with the master key (inline, blob, multipart, 2 copies, ...), 2 SSE-C, 1 marker. */
    private ObjectStore populated() {
        ObjectStore s = open();
        s.createBucket(B, "111122223333", "us-east-1");
        s.updateBucket(B, c -> c.withVersioning(VersioningState.ENABLED));
        put(s, "inline", 1000);
        put(s, "blob", 200_000);
        multipart(s, "multi");
        s.copyObject(B, "blob", null, B, "blob-copy", null, WriteOptions.defaults());
        s.copyObject(B, "inline", null, B, "inline-copy", null, WriteOptions.defaults());
        s.copyObject(B, "multi", null, B, "multi-copy", null, WriteOptions.defaults());
        putCustomer(s, "customer-inline", 500);
        putCustomer(s, "customer-blob", 150_000);
        s.deleteObject(B, "gone", null); // a delete marker
        return s;
    }

    private static List<Problem> problems(StoreScrubber.Report r) {
        return r.findings().stream().map(Finding::problem).toList();
    }

    private StoreScrubber.Report scrub() {
        return engine.scrubber().run(0, new StoreScrubber.Listener() { });
    }

    private VersionRecord record(String key) {
        Table<byte[], byte[]> versions = engine.database().table(Schema.VERSIONS, Codecs.BYTES, Codecs.BYTES);
        byte[] prefix = StoreKeys.bucketPrefix(B);
        try (KvIterator<byte[], byte[]> it = versions.scanRaw(prefix, Bounds.prefixUpperBound(prefix))) {
            while (it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                if (StoreKeys.decodeKey(e.key(), prefix.length).equals(key)) {
                    return StoreRecords.versionCodec().decode(e.value());
                }
            }
        }
        throw new AssertionError("no version of " + key);
    }

    private List<Path> blobFiles() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .sorted().toList();
        }
    }

    @Test
    void aCleanEncryptedStoreScrubsCleanOnlineAndOffline() throws Exception {
        populated();
        assertTrue(blobFiles().stream().allMatch(p -> p.getFileName().toString().endsWith(".s1")),
                "every blob is sealed");
        assertEquals(DataKind.SEALED_INLINE, record("inline").kind());
        assertEquals(DataKind.SEALED_INLINE, record("inline-copy").kind());
        StoreScrubber.Report online = scrub();
        assertEquals(List.of(), online.findings());
        assertEquals(9, online.versions());
        assertEquals(2, online.unverifiable(), "the two SSE-C versions, not verifiable without the customer key");
        assertTrue(online.bytes() >= 200_000 * 2 + 140_003 * 2, "plaintext was re-read: " + online.bytes());
        engine.close();
        engine = null;
        try (StoreScrubber s = StoreScrubber.offline(dir, master)) {
            StoreScrubber.Report r = s.run(1L << 30, new StoreScrubber.Listener() { });
            assertEquals(List.of(), r.findings());
            assertEquals(2, r.unverifiable());
        }
        try (StoreScrubber s = StoreScrubber.offline(dir)) {
            StoreScrubber.Report r = s.run(0, new StoreScrubber.Listener() { });
            assertEquals(List.of(), r.findings(), "without the master key nothing sealed is called damaged");
            assertEquals(8, r.unverifiable(), "every sealed version, checked for structure only");
        }
    }

    @Test
    void aFlippedByteInASealedBlobIsAChecksumFindingForThatVersionOnly() throws Exception {
        ObjectStore s = populated();
        VersionRecord rec = record("blob");
        Path file = ((RocksObjectStore) engine.objectStore()).blobStore().pathOf(rec.blobId());
        assertEquals(SealedLayout.sealedLength(200_000, SealedLayout.CHUNK_SHIFT), Files.size(file));
        flip(file, SealedLayout.HEADER_BYTES + 70_000);
        StoreScrubber.Report r = scrub();
        assertEquals(List.of(Problem.WRONG_CHECKSUM), problems(r), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals(B, f.bucket());
        assertEquals("blob", f.key());
        assertEquals(s.headObject(B, "blob", null).versionId(), f.versionId());
        assertEquals(rec.blobId(), f.blobId());
        assertTrue(f.detail().contains("chunk 1"), f.detail());
    }

    @Test
    void aFlippedByteInASealedInlineValueIsAChecksumFindingForThatVersionOnly() {
        ObjectStore s = populated();
        VersionRecord rec = record("inline");
        Table<byte[], byte[]> inline = engine.database().table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
        byte[] sealed = inline.get(rec.seq()).orElseThrow();
        assertEquals(SealedLayout.sealedLength(1000, SealedLayout.CHUNK_SHIFT), sealed.length);
        sealed[SealedLayout.HEADER_BYTES + 10] ^= 0x01;
        inline.put(rec.seq(), sealed);
        StoreScrubber.Report r = scrub();
        assertEquals(List.of(Problem.WRONG_CHECKSUM), problems(r), r.findings().toString());
        Finding f = r.findings().get(0);
        assertEquals("inline", f.key());
        assertEquals(s.headObject(B, "inline", null).versionId(), f.versionId());
    }

    @Test
    void damageToAnSseCVersionsStructureIsStillFound() throws Exception {
        populated();
        VersionRecord rec = record("customer-blob");
        Path file = ((RocksObjectStore) engine.objectStore()).blobStore().pathOf(rec.blobId());
        flip(file, 1); // the magic
        StoreScrubber.Report r = scrub();
        assertEquals(List.of(Problem.WRONG_CHECKSUM), problems(r), r.findings().toString());
        assertEquals("customer-blob", r.findings().get(0).key());
        assertEquals(1, r.unverifiable(), "the SSE-C inline value");
        flip(file, 1); // repaired: clean again
        assertEquals(List.of(), scrub().findings());
        // a truncated SSE-C blob is a size finding
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 1);
        }
        assertEquals(List.of(Problem.WRONG_SIZE), problems(scrub()));
    }

    @Test
    void anOrphanSealedBlobIsFoundOffline() throws Exception {
        populated();
        Path orphan = dir.resolve("blobs").resolve("ab").resolve("ab" + "0".repeat(30) + SealedLayout.BLOB_ID_SUFFIX);
        Files.createDirectories(orphan.getParent());
        Files.write(orphan, bytes(500, 7));
        engine.close();
        engine = null;
        try (StoreScrubber s = StoreScrubber.offline(dir, master)) {
            StoreScrubber.Report r = s.run(0, new StoreScrubber.Listener() { });
            assertEquals(List.of(Problem.ORPHAN_BLOB), problems(r), r.findings().toString());
            assertEquals(orphan.getFileName().toString(), r.findings().get(0).blobId());
        }
    }

    private static void flip(Path file, long at) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x01);
        }
    }
}
