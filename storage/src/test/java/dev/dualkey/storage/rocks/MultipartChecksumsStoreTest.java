package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.PublishCheck;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.error.ConditionalRequestConflictException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.error.InvalidPartException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.ChecksumType;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CompleteMultipartUpload's checksum, part-layout and conditional-write checks, made under the key lock. */
class MultipartChecksumsStoreTest {
    @TempDir
    Path dir;
    private StorageEngine engine;
    private ObjectStore store;
    private final byte[] p1 = bytes(5 << 20, 1);
    private final byte[] p2 = bytes(1234, 2);

    @BeforeEach
    void open() {
        engine = StorageEngine.open(dir, List.of(), java.time.Clock.systemUTC(),
                RocksObjectStoreContractTest.TEST_DB, RocksObjectStore.Settings.defaults());
        store = engine.objectStore();
        store.createBucket("bkt", "111122223333", "us-east-1");
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String checksum(ChecksumAlgorithm a, byte[]... parts) {
        BodyDigests d = new BodyDigests(false, Set.of(a));
        for (byte[] p : parts) {
            d.update(ByteBuffer.wrap(p));
        }
        return d.checksumBase64(a);
    }

    private MultipartUpload create(String key, ChecksumAlgorithm a, ChecksumType type) {
        ObjectMetadata meta = type == null ? ObjectMetadata.empty()
                : ObjectMetadata.builder().attribute(MultipartChecksums.TYPE_ATTRIBUTE, type.name()).build();
        return store.createMultipartUpload("bkt", key, meta, WriteOptions.defaults().withChecksums(Set.of(a)));
    }

    private PartInfo part(MultipartUpload up, int n, byte[] data) {
        try (PartWriter w = store.newPartWriter("bkt", up.key(), up.uploadId(), n)) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private ObjectVersion complete(MultipartUpload up, List<CompletedPart> parts, WriteOptions conditions,
                                   Expectations expected) {
        return store.completeMultipartUpload("bkt", up.key(), up.uploadId(), parts, conditions, expected,
                PublishCheck.NONE);
    }

    @Test
    void fullObjectCrc64NvmeIsTheChecksumOfTheWholeObjectAndThePartLayoutIsRecorded() {
        MultipartUpload up = create("k", ChecksumAlgorithm.CRC64NVME, null);
        PartInfo i1 = part(up, 1, p1);
        PartInfo i2 = part(up, 2, p2);
        String whole = checksum(ChecksumAlgorithm.CRC64NVME, p1, p2);
        ObjectVersion v = complete(up, List.of(
                        new CompletedPart(1, i1.etag(), i1.checksums()), new CompletedPart(2, i2.etag(), i2.checksums())),
                WriteOptions.defaults(), Expectations.none().withChecksum(ChecksumAlgorithm.CRC64NVME, whole));
        assertEquals(Map.of(ChecksumAlgorithm.CRC64NVME, whole), v.checksums());
        ObjectVersion head = store.headObject("bkt", "k", null);
        assertEquals(ChecksumType.FULL_OBJECT, MultipartChecksums.typeOf(head));
        assertEquals(List.of(new MultipartChecksums.Part(p1.length, i1.checksums().get(ChecksumAlgorithm.CRC64NVME)),
                new MultipartChecksums.Part(p2.length, i2.checksums().get(ChecksumAlgorithm.CRC64NVME))),
                MultipartChecksums.partsOf(head));
    }

    @Test
    void compositeSha256EndsInPartCountAndAWrongDeclaredValueIsBadDigest() {
        MultipartUpload up = create("k", ChecksumAlgorithm.SHA256, null);
        PartInfo i1 = part(up, 1, p1);
        List<CompletedPart> list = List.of(new CompletedPart(1, i1.etag(), i1.checksums()));
        InvalidChecksumException e = assertThrows(InvalidChecksumException.class, () -> complete(up, list,
                WriteOptions.defaults(), Expectations.none().withChecksum(ChecksumAlgorithm.SHA256,
                        checksum(ChecksumAlgorithm.SHA256, p1))));
        assertEquals("The SHA256 you specified did not match the calculated checksum.", e.getMessage());
        ObjectVersion v = complete(up, list, WriteOptions.defaults(), Expectations.none());
        assertTrue(v.checksums().get(ChecksumAlgorithm.SHA256).endsWith("-1"));
        assertEquals(ChecksumType.COMPOSITE, MultipartChecksums.typeOf(v));
    }

    @Test
    void aPartChecksumThatDiffersFromTheStoredOneIsInvalidPart() {
        MultipartUpload up = create("k", ChecksumAlgorithm.CRC32, ChecksumType.FULL_OBJECT);
        PartInfo i1 = part(up, 1, p2);
        assertThrows(InvalidPartException.class, () -> complete(up, List.of(new CompletedPart(1, i1.etag(),
                Map.of(ChecksumAlgorithm.CRC32, "AAAAAA=="))), WriteOptions.defaults(), Expectations.none()));
        assertThrows(InvalidPartException.class, () -> complete(up, List.of(new CompletedPart(1, i1.etag(),
                Map.of(ChecksumAlgorithm.SHA1, checksum(ChecksumAlgorithm.SHA1, p2)))), WriteOptions.defaults(),
                Expectations.none()));
        ObjectVersion v = complete(up, List.of(new CompletedPart(1, i1.etag(), i1.checksums())),
                WriteOptions.defaults(), Expectations.none());
        assertEquals(checksum(ChecksumAlgorithm.CRC32, p2), v.checksums().get(ChecksumAlgorithm.CRC32));
    }

    @Test
    void conditionsAreCheckedAtPublishAndARaceIsAConflict() {
        MultipartUpload none = create("new", ChecksumAlgorithm.CRC32, null);
        PartInfo n1 = part(none, 1, p2);
        List<CompletedPart> list = List.of(new CompletedPart(1, n1.etag()));
        assertThrows(NoSuchKeyException.class, () -> complete(none, list,
                WriteOptions.defaults().withIfMatchEtag(n1.etag()), Expectations.none()));
        // another writer creates the key while the upload is in progress
        try (var w = store.newObjectWriter("bkt", "new", ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[] {1}));
            w.commit(Expectations.none());
        }
        assertThrows(PreconditionFailedException.class, () -> complete(none, list,
                WriteOptions.defaults().withIfNoneMatchAny(true), Expectations.none()));
        String current = store.headObject("bkt", "new", null).etag();
        assertThrows(ConditionalRequestConflictException.class, () -> complete(none, list,
                WriteOptions.defaults().withIfMatchEtag('"' + current + '"'), Expectations.none()));
        // an upload begun after the last write may replace it under If-Match
        MultipartUpload later = create("new", ChecksumAlgorithm.CRC32, null);
        PartInfo l1 = part(later, 1, p2);
        ObjectVersion v = complete(later, List.of(new CompletedPart(1, l1.etag())),
                WriteOptions.defaults().withIfMatchEtag(current), Expectations.none());
        assertEquals(p2.length, v.size());
    }
}
