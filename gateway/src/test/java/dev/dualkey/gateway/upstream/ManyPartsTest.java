package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.ListPartsPage;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.shared.KvSharedKv;
import dev.dualkey.storage.shared.SharedKv;
import dev.dualkey.testkit.EtcdServer;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multipart upload with S3's maximum of 10,000 parts in cluster mode (index in etcd, data in moto), each part with
 * a SHA-256 checksum (the largest part record): the parts are index entries of their own, so no commit grows with the
 * number of parts (one record of them all would be about 1.2 MiB, and a commit carries a compared record twice:
 * etcd's 1.5 MiB request limit). ListParts pages through them all, completion finds any of them, and completion
 * and abort leave no part entry behind.
 */
class ManyPartsTest {
    private static final String OWNER = "111122223333";
    private static final int PARTS = 10_000;

    @TempDir
    static Path dir;
    private static EtcdServer etcd;
    private static EtcdKvStore state;
    private static UpstreamObjectStore store;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdServer.start("ManyPartsTest", dir.resolve("etcd"));
        state = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())));
        MotoServer moto = MotoServer.shared(ManyPartsTest.class.getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, dir);
        store = UpstreamObjectStore.open(s, new KvSharedKv(state), Clock.systemUTC());
        store.createBucket("parts", OWNER, "us-east-1");
    }

    @AfterAll
    static void stop() throws Exception {
        store.close();
        state.close();
        etcd.close();
    }

    private static PartInfo part(MultipartUpload u, int n, byte[] data) {
        try (PartWriter w = store.newPartWriter("parts", u.key(), u.uploadId(), n)) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private int partEntries(MultipartUpload u) {
        byte[] prefix = StateKeys.partsOf("parts", u.key(), u.initiated().getEpochSecond() * 1_000_000L
                + u.initiated().getNano() / 1000, u.uploadId());
        return new KvSharedKv(state).range(prefix, StateKeys.successor(prefix), PARTS + 1).size();
    }

    /**
     * Parts 2 to 9,999 are written into the index as the entries their UploadParts leave; then parts 1 and 10,000
     * are uploaded through the store (bytes to moto, entry and upload record to etcd) on top of them.
     */
    @Test
    void tenThousandPartsAreListedCompletedAndCleanedUp() throws Exception {
        MultipartUpload u = store.createMultipartUpload("parts", "big", ObjectMetadata.empty(),
                WriteOptions.defaults().withChecksums(Set.of(ChecksumAlgorithm.SHA256)));
        byte[] first = new byte[(int) UpstreamSettings.MIN_PART];
        first[7] = 7;
        // the entries 9,998 UploadParts leave (written 100 per commit: sequential UploadParts would take minutes)
        SharedKv kv = new KvSharedKv(state);
        long micros = u.initiated().getEpochSecond() * 1_000_000L + u.initiated().getNano() / 1000;
        List<SharedKv.Write> batch = new ArrayList<>();
        for (int n = 2; n < PARTS; n++) {
            batch.add(SharedKv.Write.put(StateKeys.part("parts", "big", micros, u.uploadId(), n),
                    Records.encode(new Records.Part(n, "0123456789abcdef0123456789abcdef", 1, Instant.now(),
                            Map.of(ChecksumAlgorithm.SHA256, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")))));
            if (batch.size() == 100 || n == PARTS - 1) {
                assertTrue(kv.commit(List.of(), batch));
                batch = new ArrayList<>();
            }
        }
        PartInfo p1 = part(u, 1, first);
        part(u, PARTS, new byte[] {(byte) PARTS});
        assertEquals(PARTS, partEntries(u));
        byte[] uploadRecord = kv.range(StateKeys.uploadsOfKey("parts", "big"),
                StateKeys.successor(StateKeys.uploadsOfKey("parts", "big")), 2).get(0).value();
        assertTrue(uploadRecord.length < 1024, "the upload record does not grow with its parts: "
                + uploadRecord.length);

        // ListParts pages through all of them, in order
        int seen = 0;
        int marker = 0;
        ListPartsPage page;
        do {
            page = store.listParts("parts", "big", u.uploadId(), marker, 1000);
            for (PartInfo p : page.parts()) {
                assertEquals(++seen, p.partNumber());
                assertTrue(p.checksums().containsKey(ChecksumAlgorithm.SHA256));
            }
            marker = page.nextPartNumberMarker();
        } while (page.truncated());
        assertEquals(PARTS, seen);

        // completion with the first and the last part (the others are too small to be followed by a part)
        PartInfo last = store.listParts("parts", "big", u.uploadId(), PARTS - 1, 10).parts().get(0);
        assertEquals(PARTS, last.partNumber());
        ObjectVersion v = store.completeMultipartUpload("parts", "big", u.uploadId(), List.of(
                new CompletedPart(1, p1.etag(), p1.checksums()),
                new CompletedPart(PARTS, last.etag(), last.checksums())));
        assertEquals(2, v.partsCount());
        assertEquals(first.length + 1, v.size());
        try (ObjectReader r = store.openObject("parts", "big", v.versionId())) {
            byte[] back = r.openStream(0, v.size()).readAllBytes();
            assertEquals(7, back[7]);
            assertArrayEquals(new byte[] {(byte) PARTS}, new byte[] {back[back.length - 1]});
        }
        assertEquals(0, partEntries(u), "no part entry outlives its upload");
        assertThrows(NoSuchUploadException.class, () -> store.listParts("parts", "big", u.uploadId(), 0, 10));
    }

    @Test
    void anAbortRemovesEveryPartEntryInBatches() {
        MultipartUpload u = store.createMultipartUpload("parts", "aborted", ObjectMetadata.empty(),
                WriteOptions.defaults());
        int n = UpstreamObjectStore.PART_DELETE_BATCH * 2 + 7;
        for (int i = 1; i <= n; i++) {
            part(u, i, new byte[] {(byte) i});
        }
        assertEquals(n, partEntries(u));
        store.abortMultipartUpload("parts", "aborted", u.uploadId());
        assertEquals(0, partEntries(u));
        assertFalse(store.listMultipartUploads("parts", null, null, null, null, 1000).uploads().stream()
                .anyMatch(x -> x.uploadId().equals(u.uploadId())));
    }
}
