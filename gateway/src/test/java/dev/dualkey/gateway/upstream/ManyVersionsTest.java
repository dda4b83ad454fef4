package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.kv.KvStateUnavailableException;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.KvSharedKv;
import dev.dualkey.storage.shared.SharedKv;
import dev.dualkey.testkit.EtcdServer;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key with very many versions in cluster mode (index in etcd): its key record holds every version, so it grows with
 * each one. etcd refuses a request above its {@code --max-request-bytes} (1.5 MiB by default) and the client sees
 * that as the state being unavailable; the store refuses first, at {@link UpstreamObjectStore#KEY_RECORD_LIMIT}, with
 * InvalidArgument, and still lets the key's versions be deleted.
 */
class ManyVersionsTest {
    private static final String OWNER = "111122223333";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path dir;
    private static EtcdServer etcd;
    private static EtcdKvStore state;
    private static MotoServer moto;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdServer.start("ManyVersionsTest", dir.resolve("etcd"));
        state = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())));
        moto = MotoServer.shared(ManyVersionsTest.class.getSimpleName());
        moto.reset();
    }

    @AfterAll
    static void stop() throws Exception {
        state.close();
        etcd.close();
    }

    private static UpstreamObjectStore store(int keyRecordLimit) {
        UpstreamSettings s = MotoUpstream.settings(moto, dir);
        return UpstreamObjectStore.open(s, new KvSharedKv(state), Clock.systemUTC(), keyRecordLimit);
    }

    private static String versionedBucket(UpstreamObjectStore store) {
        String b = "many" + BUCKETS.incrementAndGet();
        store.createBucket(b, OWNER, "us-east-1");
        store.updateBucket(b, c -> c.withVersioning(VersioningState.ENABLED));
        return b;
    }

    private static ObjectVersion put(UpstreamObjectStore store, String bucket, String key, ObjectMetadata meta) {
        byte[] data = "v".getBytes(StandardCharsets.UTF_8);
        try (ObjectWriter w = store.newObjectWriter(bucket, key, meta, WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            return w.commit(Expectations.none().withContentLength(data.length));
        }
    }

    private static int upstreamVersions(UpstreamObjectStore store, String bucket) {
        int[] n = {0};
        store.upstream().forEachVersion(bucket, (k, v) -> n[0]++);
        return n[0];
    }

    private static int indexVersions(UpstreamObjectStore store, String bucket) {
        return store.listObjectVersions(bucket, new ListVersionsQuery("", null, null, null, 1000)).versions().size();
    }

    /** What the limit prevents: etcd itself refuses an oversized record, which the gateway can only answer 503. */
    @Test
    void etcdRefusesARecordAboveItsRequestLimitAsUnavailableState() {
        SharedKv kv = new KvSharedKv(state);
        byte[] key = "Zmany-oversized".getBytes(StandardCharsets.UTF_8);
        assertThrows(KvStateUnavailableException.class,
                () -> kv.commit(List.of(), List.of(SharedKv.Write.put(key, new byte[2 * 1024 * 1024]))));
        assertTrue(kv.get(key).isEmpty(), "nothing written");
        // the compare carries the old value too: two records of 800 KiB are refused although each would fit alone
        byte[] old = new byte[800 * 1024];
        assertTrue(kv.commit(List.of(new SharedKv.Compare(key, null)), List.of(SharedKv.Write.put(key, old))));
        assertThrows(KvStateUnavailableException.class, () -> kv.commit(List.of(new SharedKv.Compare(key, old)),
                List.of(SharedKv.Write.put(key, new byte[800 * 1024 + 1]))));
        assertTrue(kv.commit(List.of(), List.of(SharedKv.Write.delete(key))));
    }

    @Test
    void aFullKeyRefusesNewVersionsWithInvalidArgumentButItsVersionsCanBeDeleted() {
        UpstreamObjectStore store = store(4096);
        String b = versionedBucket(store);
        List<ObjectVersion> written = new ArrayList<>();
        InvalidArgumentException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
            try {
                written.add(put(store, b, "k", ObjectMetadata.empty()));
            } catch (InvalidArgumentException e) {
                refused = e;
            }
        }
        assertTrue(refused instanceof UpstreamObjectStore.TooManyVersionsException, "refused: " + refused);
        assertTrue(refused.getMessage().contains("too many versions of this key in cluster mode"),
                refused.getMessage());
        assertTrue(written.size() > 10, "versions before the limit: " + written.size());
        assertEquals(written.size(), indexVersions(store, b));
        assertEquals(written.size(), upstreamVersions(store, b), "the refused body was removed upstream");
        // a delete marker adds a version too: refused alike, and nothing changes
        assertThrows(UpstreamObjectStore.TooManyVersionsException.class, () -> store.deleteObject(b, "k", null));
        assertEquals(written.get(written.size() - 1).versionId(), store.headObject(b, "k", null).versionId());
        // a multipart completion is refused before the upstream completion: the upload stays usable
        dev.dualkey.storage.model.MultipartUpload u = store.createMultipartUpload(b, "k", ObjectMetadata.empty(),
                WriteOptions.defaults());
        dev.dualkey.storage.model.PartInfo p;
        try (dev.dualkey.storage.PartWriter w = store.newPartWriter(b, "k", u.uploadId(), 1)) {
            w.write(ByteBuffer.wrap(new byte[] {1}));
            p = w.commit(Expectations.none().withContentLength(1));
        }
        List<dev.dualkey.storage.model.CompletedPart> list = List.of(
                new dev.dualkey.storage.model.CompletedPart(1, p.etag()));
        assertThrows(UpstreamObjectStore.TooManyVersionsException.class,
                () -> store.completeMultipartUpload(b, "k", u.uploadId(), list));
        assertEquals(1, store.listParts(b, "k", u.uploadId(), 0, 10).parts().size(), "the upload is intact");
        assertEquals(written.size(), indexVersions(store, b));
        // deleting versions always passes, and makes room again
        store.deleteObject(b, "k", written.get(0).versionId());
        store.deleteObject(b, "k", written.get(1).versionId());
        assertEquals(written.size() - 2, indexVersions(store, b));
        ObjectVersion completed = store.completeMultipartUpload(b, "k", u.uploadId(), list);
        assertEquals(completed.versionId(), store.headObject(b, "k", null).versionId());
        store.deleteObject(b, "k", written.get(2).versionId());
        ObjectVersion again = put(store, b, "k", ObjectMetadata.empty());
        assertEquals(again.versionId(), store.headObject(b, "k", null).versionId());
        // other keys are not concerned
        put(store, b, "other", ObjectMetadata.empty());
        store.close();
    }

    /**
     * With the default limit and the largest per-version metadata (2 KiB of user metadata, ten tags at their
     * maximum sizes), the key fills up with a clean InvalidArgument while every commit still fits etcd's default
     * request limit: never the 503 of the test above.
     */
    @Test
    void theDefaultLimitRefusesBeforeEtcdDoesWithTheLargestMetadata() {
        UpstreamObjectStore store = store(UpstreamObjectStore.KEY_RECORD_LIMIT);
        String b = versionedBucket(store);
        Map<String, String> tags = new LinkedHashMap<>();
        for (int t = 0; t < 10; t++) {
            tags.put(("t" + t).repeat(64), "v".repeat(256));
        }
        ObjectMetadata big = ObjectMetadata.builder().userMetadata("m", "x".repeat(2000)).tags(tags).build();
        int written = 0;
        InvalidArgumentException refused = null;
        for (int i = 0; i < 400 && refused == null; i++) {
            try {
                put(store, b, "big", big);
                written++;
            } catch (InvalidArgumentException e) {
                refused = e;
            }
        }
        assertTrue(refused instanceof UpstreamObjectStore.TooManyVersionsException, "refused: " + refused);
        assertTrue(written > 50, "versions before the limit: " + written);
        assertEquals(written, indexVersions(store, b));
        // changing a version's tags at the limit: larger is refused the same way; a delete still commits
        String oldest = store.listObjectVersions(b, new ListVersionsQuery("", null, null, null, 1000)).versions()
                .get(written - 1).versionId();
        store.deleteObject(b, "big", oldest);
        assertFalse(store.listObjectVersions(b, new ListVersionsQuery("", null, null, null, 1000)).versions()
                .stream().anyMatch(v -> v.versionId().equals(oldest)));
        store.close();
    }
}
