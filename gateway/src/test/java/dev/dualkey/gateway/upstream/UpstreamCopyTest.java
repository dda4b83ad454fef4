package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.CopyResult;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartCopyResult;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CopyObject and UploadPartCopy inside upstream mode copy inside the upstream (CopyObject / UploadPartCopy: no byte
 * through the gateway) when the new record needs nothing read from the bytes, and stream through otherwise; either
 * way the copy reads back as its source with S3's ETag and checksums.
 */
class UpstreamCopyTest {
    private static final String BUCKET = "copies";
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path spool;

    private UpstreamObjectStore store;

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        store = UpstreamObjectStore.open(s, new MemoryKv(), Clock.systemUTC());
        store.createBucket(BUCKET, "111122223333", "us-east-1");
        store.updateBucket(BUCKET, c -> c.withVersioning(VersioningState.ENABLED));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ObjectVersion put(String key, byte[] body, Set<ChecksumAlgorithm> sums) {
        try (ObjectWriter w = store.newObjectWriter(BUCKET, key, ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(sums))) {
            w.declareLength(body.length);
            w.write(ByteBuffer.wrap(body));
            return w.commit(Expectations.none().withContentLength(body.length));
        }
    }

    private byte[] read(String key, String versionId) throws Exception {
        try (ObjectReader r = store.openObject(BUCKET, key, versionId)) {
            return r.openStream().readAllBytes();
        }
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void aPlainCopyHappensInsideTheUpstreamBelowAndAboveTheMultipartThreshold() throws Exception {
        for (int size : new int[] {300_000, 11 * MIB + 5}) {
            byte[] body = new byte[size];
            new Random(size).nextBytes(body);
            ObjectVersion src = put("src-" + size, body, Set.of(ChecksumAlgorithm.CRC32C));
            long before = store.upstreamCopies();
            CopyResult c = store.copyObject(BUCKET, src.key(), src.versionId(), BUCKET, "dst-" + size,
                    ObjectMetadata.empty(), WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.CRC32C)));
            assertEquals(before + 1, store.upstreamCopies(), "copied inside the upstream (" + size + " bytes)");
            assertEquals(src.etag(), c.created().etag());
            assertEquals(md5(body), c.created().etag());
            assertEquals(src.checksums(), c.created().checksums());
            assertEquals(0, c.created().partsCount());
            assertArrayEquals(body, read("dst-" + size, c.created().versionId()));
            assertEquals(c.created().versionId(), store.upstreamVersionId(BUCKET, "dst-" + size,
                    c.created().versionId()), "the copy's version id is the upstream's");
        }
    }

    @Test
    void aCopyNeedingAChecksumTheSourceLacksStreamsThrough() throws Exception {
        byte[] body = new byte[200_000];
        new Random(2).nextBytes(body);
        ObjectVersion src = put("plain", body, Set.of());
        long before = store.upstreamCopies();
        CopyResult c = store.copyObject(BUCKET, "plain", src.versionId(), BUCKET, "summed", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.SHA256)));
        assertEquals(before, store.upstreamCopies(), "streamed: the SHA-256 is computed over the bytes");
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        assertEquals(b64.encodeToString(MessageDigest.getInstance("SHA-256").digest(body)),
                c.created().checksums().get(ChecksumAlgorithm.SHA256));
        assertArrayEquals(body, read("summed", c.created().versionId()));
    }

    @Test
    void uploadPartCopyOfRangesHappensInsideTheUpstream() throws Exception {
        byte[] body = new byte[7 * MIB + 3];
        new Random(3).nextBytes(body);
        ObjectVersion src = put("whole", body, Set.of());
        String uploadId = store.createMultipartUpload(BUCKET, "assembled", ObjectMetadata.empty(),
                WriteOptions.defaults()).uploadId();
        // part 1 written by a client, parts 2-4 copied: the whole source, then its two ranges
        byte[] head = new byte[5 * MIB];
        new Random(4).nextBytes(head);
        PartInfo p1;
        try (PartWriter w = store.newPartWriter(BUCKET, "assembled", uploadId, 1)) {
            w.declareLength(head.length);
            w.write(ByteBuffer.wrap(head));
            p1 = w.commit(Expectations.none().withContentLength(head.length));
        }
        long before = store.upstreamCopies();
        PartCopyResult p2 = store.uploadPartCopy(BUCKET, "assembled", uploadId, 2, BUCKET, "whole", src.versionId(),
                null);
        PartCopyResult p3 = store.uploadPartCopy(BUCKET, "assembled", uploadId, 3, BUCKET, "whole", src.versionId(),
                ByteRange.fromTo(0, 5L * MIB - 1));
        PartCopyResult p4 = store.uploadPartCopy(BUCKET, "assembled", uploadId, 4, BUCKET, "whole", src.versionId(),
                ByteRange.fromTo(5L * MIB, body.length - 1));
        assertEquals(before + 3, store.upstreamCopies(), "three part copies inside the upstream");
        assertEquals(src.etag(), p2.part().etag());
        assertEquals(md5(java.util.Arrays.copyOfRange(body, 0, 5 * MIB)), p3.part().etag());
        assertEquals(md5(java.util.Arrays.copyOfRange(body, 5 * MIB, body.length)), p4.part().etag());
        ObjectVersion v = store.completeMultipartUpload(BUCKET, "assembled", uploadId, List.of(
                new CompletedPart(1, p1.etag()), new CompletedPart(2, p2.part().etag()),
                new CompletedPart(3, p3.part().etag()), new CompletedPart(4, p4.part().etag())));
        byte[] want = new byte[head.length + body.length * 2];
        System.arraycopy(head, 0, want, 0, head.length);
        System.arraycopy(body, 0, want, head.length, body.length);
        System.arraycopy(body, 0, want, head.length + body.length, body.length);
        assertArrayEquals(want, read("assembled", v.versionId()));
        assertEquals(4, v.partsCount());
    }
}
