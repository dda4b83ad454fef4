package dev.dualkey.gateway.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.kv.KvStateUnavailableException;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A publish whose index commit times out may still be applied (etcd applies a request jetcd had sent once it is
 * back: {@code EtcdSharedKvTest.etcdAwayIsUnavailableThenRecovers} sees it). The store must then keep the upstream
 * data: removing it would leave a listed version without bytes. Here a shared state applies the commit and then
 * reports etcd unavailable, deterministically.
 */
class UnknownPublishOutcomeTest {
    @TempDir
    Path spool;
    private UpstreamObjectStore store;
    private final AtomicBoolean failAfterNextCommit = new AtomicBoolean();

    /** Applies each commit; when armed, then throws as a timed-out etcd call does. */
    private final class AppliedThenUnavailable extends ForwardingSharedKv {
        AppliedThenUnavailable() {
            super(new MemoryKv());
        }

        @Override
        public boolean commit(List<Compare> compares, List<Write> writes) {
            boolean applied = super.commit(compares, writes);
            if (failAfterNextCommit.getAndSet(false)) {
                throw new KvStateUnavailableException("etcd txn did not answer within 5s");
            }
            return applied;
        }
    }

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        store = UpstreamObjectStore.open(s, new AppliedThenUnavailable(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aPublishReportedUnavailableButAppliedKeepsItsData() throws Exception {
        store.createBucket("unknown", "111122223333", "us-east-1");
        store.updateBucket("unknown", c -> c.withVersioning(VersioningState.ENABLED));
        byte[] data = "the body whose publish timed out".getBytes(StandardCharsets.UTF_8);
        failAfterNextCommit.set(true);
        try (ObjectWriter w = store.newObjectWriter("unknown", "k", ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(data));
            assertThrows(KvStateUnavailableException.class,
                    () -> w.commit(Expectations.none().withContentLength(data.length)));
        }
        // the commit was applied: the version is listed, so its bytes must still be upstream and readable
        List<ObjectVersion> listed = store.listObjectVersions("unknown",
                new ListVersionsQuery("", null, null, null, 1000)).versions();
        assertEquals(1, listed.size());
        String id = listed.get(0).versionId();
        assertTrue(store.upstreamHasRawVersion("unknown", "k", id), "the data stays upstream");
        byte[] got;
        try (ObjectReader r = store.openObject("unknown", "k", id); java.io.InputStream in = r.openStream()) {
            got = in.readAllBytes();
        }
        assertArrayEquals(data, got);
    }
}
