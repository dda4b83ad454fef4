package dev.dualkey.storage.rocks;

import static dev.dualkey.storage.rocks.SealedEngines.master;
import static dev.dualkey.testkit.DataFiles.filesContaining;
import static dev.dualkey.testkit.DataFiles.indexOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encryption at rest and bit rot, below the gateway: ranges across chunk boundaries, what a damaged blob or inline
 * value does to a read, data written before encryption, master keys, and a scan of the raw files for plaintext.
 */
class SealedDataTest {
    private static final int CHUNK = 1 << SealedLayout.CHUNK_SHIFT;
    private static final int INLINE = SealedEngines.INLINE;
    private static final String B = "bucket";

    @TempDir
    Path dir;
    private StorageEngine engine;
    private ObjectStore store;

    private void open(KeyWrapper keys) {
        engine = SealedEngines.open(dir);
        store = engine.objectStore();
        if (keys != null) {
            store.encryptAtRest(keys);
        }
    }

    private void reopen(KeyWrapper keys) {
        engine.close();
        open(keys);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private ObjectVersion put(String key, byte[] data) {
        try (ObjectWriter w = store.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            // odd write sizes, so chunk boundaries fall inside writes
            for (int off = 0; off < data.length; off += 7777) {
                w.write(ByteBuffer.wrap(data, off, Math.min(7777, data.length - off)));
            }
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private byte[] get(String key, long offset, long length) throws IOException {
        try (ObjectReader r = store.openObject(B, key, null); InputStream in = r.openStream(offset, length)) {
            return in.readAllBytes();
        }
    }

    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .toList();
        }
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    /** Writes {@code data} from direct buffers (as the network's) after declaring {@code declared} (-1: none). */
    private ObjectVersion putDeclared(String key, byte[] data, long declared) {
        try (ObjectWriter w = store.newObjectWriter(B, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            if (declared >= 0) {
                w.declareLength(declared);
            }
            for (int off = 0; off < data.length; off += 1000) {
                int n = Math.min(1000, data.length - off);
                ByteBuffer direct = ByteBuffer.allocateDirect(n).put(data, off, n).flip();
                w.write(direct);
                assertEquals(0, direct.remaining(), "the writer consumed the buffer");
            }
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    @Test
    void aLargeBodyDigestedBesideItsWriterHasTheEtagChecksumsAndBytesOfItsPlaintextInOrder() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(8)));
        store.createBucket(B, "111122223333", "us-east-1");
        // past the digest lane's room several times over, in writes of odd sizes: single bytes, writes larger
        // than the lane (they wait for the lane to empty), direct and heap buffers
        byte[] data = random(3 * RocksBodyWriter.LANE_BYTES + 54_321, 21);
        int[] sizes = {1, 7777, RocksBodyWriter.LANE_BYTES + 3, 1, 65_536, 300_000};
        java.util.EnumSet<dev.dualkey.storage.model.ChecksumAlgorithm> algs = java.util.EnumSet.of(
                dev.dualkey.storage.model.ChecksumAlgorithm.CRC32,
                dev.dualkey.storage.model.ChecksumAlgorithm.CRC64NVME);
        dev.dualkey.storage.checksum.BodyDigests expected = new dev.dualkey.storage.checksum.BodyDigests(true, algs);
        expected.update(ByteBuffer.wrap(data));
        ObjectVersion v;
        try (ObjectWriter w = store.newObjectWriter(B, "lane", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(algs).withSha256(true))) {
            int off = 0;
            for (int i = 0; off < data.length; i++) {
                int n = Math.min(sizes[i % sizes.length], data.length - off);
                ByteBuffer b = i % 2 == 0 ? ByteBuffer.wrap(data, off, n)
                        : ByteBuffer.allocateDirect(n).put(data, off, n).flip();
                w.write(b);
                off += n;
                if (i == 9) { // the accessors answer for every byte written so far
                    assertEquals(off, w.bytesWritten());
                    assertEquals(md5(Arrays.copyOf(data, off)), HexFormat.of().formatHex(w.md5()));
                }
            }
            assertArrayEquals(expected.sha256(), w.sha256());
            v = w.commit(Expectations.none().withContentLength(data.length));
        }
        assertEquals(md5(data), v.etag());
        assertEquals(expected.checksumsBase64(), v.checksums());
        assertArrayEquals(data, get("lane", 0, data.length));
    }

    @Test
    void aLargeBodyFromOneReusedReadBufferKeepsItsEtagWhileCopyChunksAreRecycled() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(9)));
        store.createBucket(B, "111122223333", "us-east-1");
        // as Netty does: one direct buffer refilled for every read, overwritten as soon as write returns; many
        // more than a lane's worth, so copy chunks are handed back and refilled while digests queue
        byte[] data = random(6 * RocksBodyWriter.LANE_BYTES + 12_345, 22);
        ByteBuffer read = ByteBuffer.allocateDirect(RocksBodyWriter.COPIES.chunkBytes() + 1000);
        java.util.EnumSet<dev.dualkey.storage.model.ChecksumAlgorithm> algs = java.util.EnumSet.of(
                dev.dualkey.storage.model.ChecksumAlgorithm.CRC32C);
        dev.dualkey.storage.checksum.BodyDigests expected = new dev.dualkey.storage.checksum.BodyDigests(true, algs);
        expected.update(ByteBuffer.wrap(data));
        ObjectVersion v;
        try (ObjectWriter w = store.newObjectWriter(B, "reused", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(algs))) {
            for (int off = 0, i = 0; off < data.length; i++) {
                int n = Math.min(i % 3 == 0 ? read.capacity() : 4_097 * (i % 5 + 1), data.length - off);
                read.clear().put(data, off, n).flip();
                w.write(read);
                read.clear().put(new byte[read.capacity()]); // the next read would overwrite it
                off += n;
            }
            v = w.commit(Expectations.none().withContentLength(data.length));
        }
        assertEquals(md5(data), v.etag());
        assertEquals(expected.checksumsBase64(), v.checksums());
        assertArrayEquals(data, get("reused", 0, data.length));
    }

    @Test
    void aDeclaredLargeBodyIsSealedFromTheLaneCopiesAndAWrongDeclarationIsIncompleteNeverSealed() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(10)));
        store.createBucket(B, "111122223333", "us-east-1");
        // declared: the known-length sealer encrypts each lane copy as it is queued (no plaintext chunk), from
        // writes whose boundaries fall inside chunks, with a reused direct read buffer overwritten after each write
        byte[] data = random(5 * CHUNK + 4321, 23);
        ByteBuffer read = ByteBuffer.allocateDirect(CHUNK + 1000);
        ObjectVersion v;
        try (ObjectWriter w = store.newObjectWriter(B, "declared", ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.declareLength(data.length);
            for (int off = 0, i = 0; off < data.length; i++) {
                int n = Math.min(i % 2 == 0 ? read.capacity() : 3_001, data.length - off);
                read.clear().put(data, off, n).flip();
                w.write(read);
                assertEquals(0, read.remaining(), "the writer consumed the buffer");
                read.clear().put(new byte[read.capacity()]);
                off += n;
            }
            v = w.commit(Expectations.none().withContentLength(data.length));
        }
        assertEquals(md5(data), v.etag());
        assertEquals(1, blobFiles().size());
        assertEquals(SealedLayout.sealedLength(data.length, SealedLayout.CHUNK_SHIFT), Files.size(blobFiles().get(0)));
        assertArrayEquals(data, get("declared", 0, data.length));
        assertArrayEquals(Arrays.copyOfRange(data, CHUNK - 5, 3 * CHUNK + 9), get("declared", CHUNK - 5, 2 * CHUNK + 14));
        // a body longer or shorter than its declaration, with no length expectation to catch it: the client's
        // error (IncompleteBody), not a half-sealed blob and not a server error; nothing becomes visible
        for (int extra : new int[] {1, -1}) {
            try (ObjectWriter w = store.newObjectWriter(B, "wrong", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.declareLength(data.length - extra);
                w.write(ByteBuffer.wrap(data));
                assertThrows(dev.dualkey.storage.error.IncompleteBodyException.class,
                        () -> w.commit(Expectations.none()));
            }
            assertThrows(dev.dualkey.storage.error.NoSuchKeyException.class, () -> store.openObject(B, "wrong", null));
        }
        assertEquals(1, blobFiles().size());
    }

    @Test
    void aDeclaredSealedInlineBodyIsSealedAsItArrivesFromAReusedDirectBuffer() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(12)));
        store.createBucket(B, "111122223333", "us-east-1");
        java.util.EnumSet<dev.dualkey.storage.model.ChecksumAlgorithm> algs = java.util.EnumSet.of(
                dev.dualkey.storage.model.ChecksumAlgorithm.CRC32,
                dev.dualkey.storage.model.ChecksumAlgorithm.CRC32C);
        // every size class of an inline body, from a network-like direct buffer reused (and overwritten) after
        // each write, in pieces whose ends fall anywhere; the writer's own scratch is 8 KiB
        ByteBuffer read = ByteBuffer.allocateDirect(1500);
        for (int size : new int[] {1, 16, 17, 1000, INLINE - 1, INLINE}) {
            byte[] data = random(size, size);
            for (int piece : new int[] {1, 7, 1500}) {
                String key = "in" + size + "_" + piece;
                ObjectVersion v;
                try (ObjectWriter w = store.newObjectWriter(B, key, ObjectMetadata.empty(),
                        WriteOptions.defaults().withChecksums(algs))) {
                    w.declareLength(size);
                    for (int off = 0; off < size; ) {
                        int n = Math.min(piece, size - off);
                        read.clear().put(data, off, n).flip();
                        w.write(read);
                        assertEquals(0, read.remaining(), "the writer consumed the buffer");
                        read.clear().put(new byte[read.capacity()]);
                        off += n;
                    }
                    v = w.commit(Expectations.none().withContentLength(size));
                }
                dev.dualkey.storage.checksum.BodyDigests expected =
                        new dev.dualkey.storage.checksum.BodyDigests(false, algs);
                expected.update(ByteBuffer.wrap(data));
                assertEquals(md5(data), v.etag(), key);
                assertEquals(expected.checksumsBase64(), v.checksums(), key);
                assertArrayEquals(data, get(key, 0, size), key);
                if (size > 20) {
                    assertArrayEquals(Arrays.copyOfRange(data, 3, 20), get(key, 3, 17), key);
                }
            }
        }
        assertEquals(0, blobFiles().size(), "inline bodies make no blob");
        // a checksum the client sent that does not match: refused (S3: BadDigest) before anything is published
        byte[] data = random(1000, 99);
        try (ObjectWriter w = store.newObjectWriter(B, "bad", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(algs))) {
            w.declareLength(data.length);
            w.write(ByteBuffer.allocateDirect(data.length).put(data).flip());
            assertThrows(dev.dualkey.storage.error.InvalidChecksumException.class, () -> w.commit(Expectations.none()
                    .withChecksum(dev.dualkey.storage.model.ChecksumAlgorithm.CRC32, "AAAAAA==")));
        }
        assertThrows(dev.dualkey.storage.error.NoSuchKeyException.class, () -> store.openObject(B, "bad", null));
        // longer or shorter than declared, with no length expectation to catch it: IncompleteBody, nothing visible
        for (int extra : new int[] {1, -1}) {
            try (ObjectWriter w = store.newObjectWriter(B, "wrong", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.declareLength(data.length - extra);
                w.write(ByteBuffer.allocateDirect(data.length).put(data).flip());
                assertThrows(dev.dualkey.storage.error.IncompleteBodyException.class,
                        () -> w.commit(Expectations.none()));
            }
            assertThrows(dev.dualkey.storage.error.NoSuchKeyException.class, () -> store.openObject(B, "wrong", null));
        }
    }

    @Test
    void aDeclaredLengthChangesNeitherTheStoredBytesNorTheEtag() throws Exception {
        for (KeyWrapper keys : new KeyWrapper[] {null, MasterKeyWrapper.fromMasterKey(master(7))}) {
            if (engine != null) {
                engine.close();
                engine = null;
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        if (!p.equals(dir)) {
                            Files.delete(p);
                        }
                    }
                }
            }
            open(keys);
            store.createBucket(B, "111122223333", "us-east-1");
            // exact (inline), declared above the body (inline, buffer larger than the body), declared at the
            // threshold with a body that stays inline, declared inline but the body spills to a blob (the commit's
            // length check refuses it), no declaration, and a body over the threshold declared exactly
            byte[] small = random(INLINE - 10, 11);
            byte[] large = random(INLINE + 2500, 12);
            long[][] cases = {{0, small.length}, {0, INLINE}, {0, -1}, {1, large.length}, {1, -1}};
            for (long[] c : cases) {
                byte[] data = c[0] == 0 ? small : large;
                String key = "k" + c[0] + "_" + c[1];
                if (keys != null && c[0] == 0 && c[1] > data.length) {
                    // sealed inline bodies are sealed as they arrive (Sealer.whole): a declaration that is not the
                    // body's exact length is the client's error, IncompleteBody, and nothing becomes visible
                    assertThrows(dev.dualkey.storage.error.IncompleteBodyException.class,
                            () -> putDeclared(key, data, c[1]), key);
                    assertThrows(dev.dualkey.storage.error.NoSuchKeyException.class,
                            () -> store.openObject(B, key, null), key);
                    continue;
                }
                ObjectVersion v = putDeclared(key, data, c[1]);
                assertEquals(md5(data), v.etag(), key);
                assertEquals(data.length, v.size(), key);
                assertArrayEquals(data, get(key, 0, data.length), key);
            }
            byte[] shortBody = random(100, 13);
            try (ObjectWriter w = store.newObjectWriter(B, "short", ObjectMetadata.empty(), WriteOptions.defaults())) {
                w.declareLength(200); // an inline buffer of 200 bytes, 100 of them written
                w.write(ByteBuffer.wrap(shortBody));
                assertThrows(dev.dualkey.storage.error.IncompleteBodyException.class,
                        () -> w.commit(Expectations.none().withContentLength(200)));
            }
            assertThrows(dev.dualkey.storage.error.NoSuchKeyException.class, () -> store.openObject(B, "short", null));
        }
    }

    @Test
    void rangesAcrossChunkBoundariesReturnThePlaintextAndTheEtagIsItsMd5() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        int size = 5 * CHUNK + 123;
        byte[] data = random(size, 2);
        ObjectVersion v = put("big", data);
        assertEquals(md5(data), v.etag(), "ETag is the MD5 of the plaintext (SSE-S3)");
        Path blob = blobFiles().get(0);
        assertTrue(blob.getFileName().toString().endsWith(SealedLayout.BLOB_ID_SUFFIX));
        assertEquals(SealedLayout.sealedLength(size, SealedLayout.CHUNK_SHIFT), Files.size(blob));
        long[] offsets = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2L * CHUNK - 5, 3L * CHUNK, 5L * CHUNK - 1, 5L * CHUNK,
                size - 1};
        long[] lengths = {1, 2, 16, CHUNK - 1, CHUNK, CHUNK + 1, 2L * CHUNK + 3};
        for (long off : offsets) {
            for (long len : lengths) {
                long n = Math.min(len, size - off);
                assertArrayEquals(Arrays.copyOfRange(data, (int) off, (int) (off + n)), get("big", off, n),
                        "range " + off + "+" + n);
            }
        }
        assertArrayEquals(data, get("big", 0, size));
        try (ObjectReader r = store.openObject(B, "big", null)) {
            List<DataSegment> segs = r.read(CHUNK - 3, 10);
            assertTrue(segs.get(0) instanceof DataSegment.Decrypted);
            DataSegment.PlainChunks c = ((DataSegment.Decrypted) segs.get(0)).chunks();
            ByteBuffer first = c.next();
            ByteBuffer second = c.next();
            assertEquals(3, first.remaining(), "only the touched part of the first chunk");
            assertEquals(7, second.remaining());
            assertEquals(null, c.next());
        }
    }

    @Test
    void multipartPartsAndCopiesAreEncryptedAndReadAcrossParts() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] p1 = random(CHUNK + 100, 3);
        byte[] p2 = random(3000, 4);
        String upload = store.createMultipartUpload(B, "mp", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] p = i == 0 ? p1 : p2;
            try (PartWriter w = store.newPartWriter(B, "mp", upload, i + 1)) {
                w.write(ByteBuffer.wrap(p));
                PartInfo info = w.commit(Expectations.none());
                assertEquals(md5(p), info.etag());
                parts.add(new CompletedPart(i + 1, info.etag()));
            }
        }
        store.completeMultipartUpload(B, "mp", upload, parts);
        byte[] all = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, all, 0, p1.length);
        System.arraycopy(p2, 0, all, p1.length, p2.length);
        assertArrayEquals(all, get("mp", 0, all.length));
        assertArrayEquals(Arrays.copyOfRange(all, p1.length - 50, p1.length + 50), get("mp", p1.length - 50, 100));
        store.copyObject(B, "mp", null, B, "copy", null, WriteOptions.defaults());
        assertArrayEquals(all, get("copy", 0, all.length));
        assertTrue(blobFiles().stream().allMatch(p -> p.getFileName().toString().endsWith(
                SealedLayout.BLOB_ID_SUFFIX)), "every blob sealed: " + blobFiles());
    }

    @Test
    void aFlippedByteInTheFirstChunkFailsTheReadBeforeAnyByteIsServed() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        put("big", random(3 * CHUNK, 5));
        flip(blobFiles().get(0), SealedLayout.HEADER_BYTES + 10);
        try (ObjectReader r = store.openObject(B, "big", null)) {
            DataCorruptionException e = assertThrows(DataCorruptionException.class, () -> r.read(0, 3L * CHUNK));
            assertTrue(e.getMessage().contains("bucket=bucket key=big"), e.getMessage());
        }
    }

    @Test
    void aFlippedByteInALaterChunkFailsTheStreamAtThatChunk() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] data = random(3 * CHUNK, 6);
        put("big", data);
        flip(blobFiles().get(0), SealedLayout.HEADER_BYTES + 2L * (CHUNK + 16) + 5);
        try (ObjectReader r = store.openObject(B, "big", null)) {
            DataSegment.PlainChunks c = ((DataSegment.Decrypted) r.read(0, data.length).get(0)).chunks();
            assertArrayEquals(Arrays.copyOfRange(data, 0, CHUNK), bytes(c.next()));
            assertArrayEquals(Arrays.copyOfRange(data, CHUNK, 2 * CHUNK), bytes(c.next()));
            assertThrows(DataCorruptionException.class, c::next);
        }
        assertArrayEquals(Arrays.copyOfRange(data, 0, 100), get("big", 0, 100), "undamaged chunks still read");
        assertThrows(DataCorruptionException.class, () -> get("big", 0, data.length), "the full read fails");
    }

    @Test
    void truncatedOrSwappedBlobsAndDamagedHeadersFail() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        put("a", random(2 * CHUNK, 7));
        Path first = blobFiles().get(0);
        put("b", random(2 * CHUNK, 8));
        Path second = blobFiles().stream().filter(p -> !p.equals(first)).findFirst().orElseThrow();
        // swap: b's file under a's name (same length, its own valid tags and wrapped key, another blob id)
        byte[] aBytes = Files.readAllBytes(first);
        Files.write(first, Files.readAllBytes(second));
        assertThrows(DataCorruptionException.class, () -> get("a", 0, 10));
        Files.write(first, aBytes);
        assertEquals(10, get("a", 0, 10).length);
        // drop the final chunk
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
            ch.truncate(SealedLayout.HEADER_BYTES + CHUNK + 16);
        }
        assertThrows(DataCorruptionException.class, () -> get("a", 0, 10));
        // a flipped byte in the wrapped key
        flip(second, 40);
        assertThrows(DataCorruptionException.class, () -> get("b", 0, 10));
    }

    @Test
    void aCorruptInlineValueFailsTheRead() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] data = random(1000, 9);
        put("small", data);
        assertTrue(blobFiles().isEmpty(), "inline");
        Table<byte[], byte[]> inline = engine.database().table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
        byte[] seq;
        byte[] value;
        try (KvIterator<byte[], byte[]> it = inline.scanRaw(null, null)) {
            KvEntry<byte[], byte[]> e = it.next();
            seq = e.key();
            value = e.value();
        }
        assertEquals(SealedLayout.sealedLength(1000, SealedLayout.CHUNK_SHIFT), value.length);
        assertFalse(indexOf(value, Arrays.copyOfRange(data, 0, 32)) >= 0, "no plaintext in the value");
        value[SealedLayout.HEADER_BYTES + 500] ^= 0x01;
        inline.put(seq, value);
        try (ObjectReader r = store.openObject(B, "small", null)) {
            assertEquals(1000, r.version().size(), "opening decrypts nothing (callers check the version first)");
            DataCorruptionException e = assertThrows(DataCorruptionException.class, () -> r.read(0, 1000));
            assertTrue(e.getMessage().contains("key=small"), e.getMessage());
        }
    }

    @Test
    void dataWrittenBeforeEncryptionStaysReadableAndNewDataIsSealed() throws Exception {
        open(null);
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] oldSmall = random(100, 10);
        byte[] oldBig = random(2 * CHUNK, 11);
        put("old-small", oldSmall);
        put("old-big", oldBig);
        assertFalse(blobFiles().get(0).getFileName().toString().endsWith(SealedLayout.BLOB_ID_SUFFIX));
        reopen(MasterKeyWrapper.fromMasterKey(master(1)));
        byte[] newBig = random(2 * CHUNK, 12);
        put("new-big", newBig);
        put("new-small", oldSmall);
        assertArrayEquals(oldSmall, get("old-small", 0, 100));
        assertArrayEquals(oldBig, get("old-big", 0, oldBig.length));
        assertArrayEquals(newBig, get("new-big", 0, newBig.length));
        assertArrayEquals(oldSmall, get("new-small", 0, 100));
        try (ObjectReader r = store.openObject(B, "old-big", null)) {
            assertTrue(r.read(0, 10).get(0) instanceof DataSegment.FileRegion, "plaintext blob still zero-copy");
        }
        assertEquals(1, blobFiles().stream().filter(p -> p.getFileName().toString()
                .endsWith(SealedLayout.BLOB_ID_SUFFIX)).count());
    }

    @Test
    void anotherMasterKeyCannotReadAndRotationReadsOldAndNew() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        byte[] big = random(2 * CHUNK, 13);
        byte[] small = random(10, 14);
        put("big", big);
        put("small", small);
        reopen(MasterKeyWrapper.fromMasterKey(master(2)));
        StorageIoException e = assertThrows(StorageIoException.class, () -> get("big", 0, 10));
        assertTrue(e.getMessage().contains("unknown master key"), e.getMessage());
        assertThrows(StorageIoException.class, () -> get("small", 0, 10));
        reopen(null);
        e = assertThrows(StorageIoException.class, () -> get("big", 0, 10));
        assertTrue(e.getMessage().contains("no master key"), e.getMessage());
        reopen(MasterKeyWrapper.fromMasterKeys(master(2), List.of(master(1))));
        assertArrayEquals(big, get("big", 0, big.length));
        assertArrayEquals(small, get("small", 0, 10));
        put("after", small);
        reopen(MasterKeyWrapper.fromMasterKey(master(2)));
        assertArrayEquals(small, get("after", 0, 10), "new data is wrapped with the new master key");
    }

    @Test
    void aCallersKeyWrapsTheDataKeysAndIsNeededToRead() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        KeyWrapper customer = MasterKeyWrapper.forCustomerKey(master(3));
        KeyWrapper otherCustomer = MasterKeyWrapper.forCustomerKey(master(4));
        for (int size : new int[] {500, 2 * CHUNK + 3}) {
            byte[] data = random(size, size);
            ObjectVersion v;
            try (ObjectWriter w = store.newObjectWriter(B, "c" + size, ObjectMetadata.empty(), WriteOptions.defaults(),
                    dev.dualkey.storage.PublishCheck.NONE, customer)) {
                w.write(ByteBuffer.wrap(data));
                v = w.commit(Expectations.none());
            }
            assertFalse(md5(data).equals(v.etag()), "the ETag is a keyed digest, not the MD5");
            assertEquals(customer.etag(MessageDigest.getInstance("MD5").digest(data)), v.etag());
            try (ObjectReader r = store.openObject(B, "c" + size, null, customer);
                 InputStream in = r.openStream()) {
                assertArrayEquals(data, in.readAllBytes());
            }
            try (ObjectReader r = store.openObject(B, "c" + size, null)) {
                assertThrows(StorageIoException.class, () -> r.openStream().readAllBytes(), "the store's key");
            }
            try (ObjectReader r = store.openObject(B, "c" + size, null, otherCustomer)) {
                assertThrows(StorageIoException.class, () -> r.openStream().readAllBytes(), "another key");
            }
        }
        put("plain", random(100, 5));
        try (ObjectReader r = store.openObject(B, "plain", null, customer); InputStream in = r.openStream()) {
            assertEquals(100, in.readAllBytes().length, "the store's own data still reads with a caller's key given");
        }
    }

    @Test
    void partsSealedByACallersKeyAndPartCopiesBetweenKeys() throws Exception {
        open(MasterKeyWrapper.fromMasterKey(master(1)));
        store.createBucket(B, "111122223333", "us-east-1");
        KeyWrapper customer = MasterKeyWrapper.forCustomerKey(master(3));
        KeyWrapper other = MasterKeyWrapper.forCustomerKey(master(4));
        byte[] p1 = random(2 * CHUNK + 5, 11);
        byte[] p2 = random(700, 12);
        String up = store.createMultipartUpload(B, "mp", ObjectMetadata.empty(), WriteOptions.defaults()).uploadId();
        var parts = new java.util.ArrayList<dev.dualkey.storage.model.CompletedPart>();
        try (var w = store.newPartWriter(B, "mp", up, 1, customer)) {
            w.write(ByteBuffer.wrap(p1));
            var info = w.commit(Expectations.none());
            assertEquals(customer.etag(MessageDigest.getInstance("MD5").digest(p1)), info.etag(),
                    "a part's ETag is the key's digest, not the MD5");
            parts.add(new dev.dualkey.storage.model.CompletedPart(1, info.etag()));
        }
        // part 2 copied from an object under another customer key, read with that key
        ObjectVersion src;
        try (ObjectWriter w = store.newObjectWriter(B, "src", ObjectMetadata.empty(), WriteOptions.defaults(),
                dev.dualkey.storage.PublishCheck.NONE, other)) {
            w.write(ByteBuffer.wrap(p2));
            src = w.commit(Expectations.none());
        }
        assertThrows(StorageIoException.class, () -> store.uploadPartCopy(B, "mp", up, 2, B, "src",
                src.versionId(), null, null, customer), "the source needs its key");
        var copied = store.uploadPartCopy(B, "mp", up, 2, B, "src", src.versionId(), null, other, customer);
        parts.add(new dev.dualkey.storage.model.CompletedPart(2, copied.part().etag()));
        store.completeMultipartUpload(B, "mp", up, parts);
        byte[] all = new byte[p1.length + p2.length];
        System.arraycopy(p1, 0, all, 0, p1.length);
        System.arraycopy(p2, 0, all, p1.length, p2.length);
        try (ObjectReader r = store.openObject(B, "mp", null, customer); InputStream in = r.openStream()) {
            assertArrayEquals(all, in.readAllBytes());
        }
        try (ObjectReader r = store.openObject(B, "mp", null)) {
            assertThrows(StorageIoException.class, () -> r.openStream().readAllBytes(), "the store's key");
        }
        try (ObjectReader r = store.openObject(B, "mp", null, other)) {
            assertThrows(StorageIoException.class, () -> r.openStream().readAllBytes(), "another key");
        }
    }

    @Test
    void theRawDataDirectoryHoldsNoPlaintextOfEncryptedObjects() throws Exception {
        List<byte[]> needles = writeUniqueContent(MasterKeyWrapper.fromMasterKey(master(1)), "sealed");
        engine.close();
        engine = null;
        for (byte[] needle : needles) {
            assertEquals(List.of(), filesContaining(dir, needle), "plaintext found on disk");
        }
    }

    @Test
    void theScanFindsPlaintextWhenEncryptionIsOff() throws Exception {
        List<byte[]> needles = writeUniqueContent(null, "plain");
        engine.close();
        engine = null;
        for (byte[] needle : needles) {
            assertFalse(filesContaining(dir, needle).isEmpty(), "the scan can fail: plaintext stored in the clear");
        }
    }

    /** Writes a small (inline), a large (blob) and a multipart object; returns 32-byte samples of each. */
    private List<byte[]> writeUniqueContent(KeyWrapper keys, String tag) throws Exception {
        open(keys);
        store.createBucket(B, "111122223333", "us-east-1");
        long seed = System.nanoTime();
        byte[] small = random(2000, seed);
        byte[] big = random(3 * CHUNK + 7, seed + 1);
        byte[] part = random(5000, seed + 2);
        put(tag + "-small", small);
        put(tag + "-big", big);
        String upload = store.createMultipartUpload(B, tag + "-mp", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        try (PartWriter w = store.newPartWriter(B, tag + "-mp", upload, 1)) {
            w.write(ByteBuffer.wrap(part));
            store.completeMultipartUpload(B, tag + "-mp", upload,
                    List.of(new CompletedPart(1, w.commit(Expectations.none()).etag())));
        }
        engine.database().flushAndCompact();
        return List.of(Arrays.copyOfRange(small, 0, 32), Arrays.copyOfRange(small, 1900, 1932),
                Arrays.copyOfRange(big, 0, 32), Arrays.copyOfRange(big, 2 * CHUNK + 3, 2 * CHUNK + 35),
                Arrays.copyOfRange(part, 4000, 4032));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void flip(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, position);
            one.flip();
            one.put(0, (byte) (one.get(0) ^ 0x10));
            ch.write(one, position);
        }
    }
}
