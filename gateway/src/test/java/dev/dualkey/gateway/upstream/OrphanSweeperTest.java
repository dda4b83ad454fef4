package dev.dualkey.gateway.upstream;

import dev.dualkey.gateway.identity.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The orphan sweeper removes upstream versions and uploads the index does not reference, once they have been seen so
 * for the whole grace period, and nothing else: never a version the index references (whatever its key looks like),
 * never one younger than the grace (an upload whose publish is still in flight), never one an open reader reads.
 * Time is a test clock: nothing waits.
 */
class OrphanSweeperTest {
    private static final String BUCKET = "sweep";
    private static final Duration GRACE = Duration.ofHours(1);

    @TempDir
    Path spool;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private UpstreamObjectStore store;
    private S3Client direct;
    private String upstreamBucket;

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        store = UpstreamObjectStore.open(s, new MemoryKv(), clock);
        store.createBucket(BUCKET, "111122223333", "us-east-1");
        store.updateBucket(BUCKET, c -> c.withVersioning(VersioningState.ENABLED));
        upstreamBucket = store.upstreamBucket(BUCKET);
        direct = MotoUpstream.directClient(moto);
    }

    @AfterEach
    void close() {
        direct.close();
        store.close();
    }

    private void advance(Duration d) {
        clock.advance(d);
    }

    private ObjectVersion put(String key, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (ObjectWriter w = store.newObjectWriter(BUCKET, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.declareLength(b.length);
            w.write(ByteBuffer.wrap(b));
            return w.commit(Expectations.none().withContentLength(b.length));
        }
    }

    /** An upstream version no index record names: what a gateway killed before its index commit leaves. */
    private String orphan(String key) {
        return direct.putObject(r -> r.bucket(upstreamBucket).key(key), RequestBody.fromString("orphan")).versionId();
    }

    @Test
    void anOrphanIsRemovedOnlyAfterTheWholeGraceAndReferencedVersionsNever() {
        ObjectVersion kept = put("k", "kept");
        ObjectVersion kept2 = put("k", "kept too");
        String orphan = orphan("k");
        String otherOrphan = orphan("other");
        String markerOrphan = direct.deleteObject(r -> r.bucket(upstreamBucket).key("other")).versionId();
        OrphanSweeper sweeper = new OrphanSweeper(store, clock, GRACE);

        OrphanSweeper.Result first = sweeper.sweepOnce();
        assertEquals(0, first.versionsRemoved(), "the first sighting only starts the grace");
        assertEquals(3, first.suspects(), "a version, a version and a delete marker");
        advance(GRACE.minusSeconds(1));
        assertEquals(0, sweeper.sweepOnce().versionsRemoved(), "one second before the grace ends: still kept");
        assertTrue(store.upstreamHasRawVersion(BUCKET, "k", orphan));
        advance(Duration.ofSeconds(1));
        OrphanSweeper.Result due = sweeper.sweepOnce();
        assertEquals(3, due.versionsRemoved());
        assertFalse(store.upstreamHasRawVersion(BUCKET, "other", otherOrphan));
        assertFalse(store.upstreamHasRawVersion(BUCKET, "k", orphan));
        assertFalse(store.upstreamHasRawVersion(BUCKET, "other", markerOrphan));
        assertTrue(store.upstreamHasVersion(BUCKET, "k", kept.versionId()));
        assertTrue(store.upstreamHasVersion(BUCKET, "k", kept2.versionId()));
        assertEquals(0, due.suspects());
    }

    @Test
    void aVersionPublishedDuringTheGraceIsForgottenAndAYoungOneIsNeverTouched() {
        OrphanSweeper sweeper = new OrphanSweeper(store, clock, GRACE);
        put("a", "referenced");
        assertEquals(0, sweeper.sweepOnce().suspects());
        advance(GRACE.multipliedBy(10));
        // written upstream just now, index commit pending (an upload in flight): never removed in this sweep
        String young = orphan("in-flight");
        OrphanSweeper.Result r = sweeper.sweepOnce();
        assertEquals(0, r.versionsRemoved());
        assertTrue(store.upstreamHasRawVersion(BUCKET, "in-flight", young));
        assertEquals(1, r.suspects());
        // a version deleted through the index is removed upstream at once: nothing is left for the sweeper
        ObjectVersion v = put("b", "to delete");
        store.deleteObject(BUCKET, "b", v.versionId());
        assertFalse(store.upstreamHasRawVersion(BUCKET, "b", v.versionId()));
        assertEquals(1, sweeper.sweepOnce().suspects(), "only the young one");
    }

    @Test
    void aPublishLaterThanItsDeadlineIsRefusedAndItsVersionRemoved() {
        byte[] b = "late".getBytes(StandardCharsets.UTF_8);
        List<String> before = upstreamVersions();
        try (ObjectWriter w = store.newObjectWriter(BUCKET, "late", ObjectMetadata.empty(), WriteOptions.defaults(),
                (info, replacesNull) -> advance(UpstreamObjectStore.PUBLISH_DEADLINE.plusSeconds(1)))) {
            w.declareLength(b.length);
            w.write(ByteBuffer.wrap(b));
            assertThrows(dev.dualkey.storage.error.SlowDownException.class,
                    () -> w.commit(Expectations.none().withContentLength(b.length)));
        }
        assertEquals(before, upstreamVersions(), "the late version was removed upstream, never published");
        assertThrows(IllegalArgumentException.class, () -> new OrphanSweeper(store, clock,
                UpstreamObjectStore.PUBLISH_DEADLINE), "a grace shorter than twice the publish deadline is refused");
    }

    @Test
    void aVersionAnOpenReaderReadsWaitsAndAStaleUploadIsAborted() throws Exception {
        ObjectVersion v = put("r", "read while deleted");
        OrphanSweeper sweeper = new OrphanSweeper(store, clock, GRACE);
        try (ObjectReader reader = store.openObject(BUCKET, "r", v.versionId())) {
            store.deleteObject(BUCKET, "r", v.versionId()); // removal deferred: the reader pins it
            sweeper.sweepOnce();
            advance(GRACE.plusSeconds(1));
            assertEquals(0, sweeper.sweepOnce().versionsRemoved(), "pinned by an open reader");
            assertEquals("read while deleted", new String(reader.openStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertFalse(store.upstreamHasRawVersion(BUCKET, "r", v.versionId()), "removed when its reader closed");
        String tracked = store.createMultipartUpload(BUCKET, "mp", ObjectMetadata.empty(), WriteOptions.defaults())
                .uploadId();
        String stale = direct.createMultipartUpload(r -> r.bucket(upstreamBucket).key("mp")).uploadId();
        sweeper.sweepOnce();
        advance(GRACE.plusSeconds(1));
        assertEquals(1, sweeper.sweepOnce().uploadsAborted());
        List<String> left = direct.listMultipartUploads(r -> r.bucket(upstreamBucket)).uploads().stream()
                .map(u -> u.uploadId()).toList();
        assertEquals(List.of(tracked), left, "the index's upload stays, the stale one (" + stale + ") is aborted");
    }

    /** The attacker's view: keys shaped to confuse listing, decoding or index lookup never lose a real version. */
    @Test
    void noKeyAClientCanChooseMakesTheSweeperRemoveARealVersion() {
        List<String> keys = List.of("a b", "a+b", "a%20b", "a%2Bb", "ü/ñ/日本", "trailing/", "/lead", "x?versionId=1",
                "dot/../dot", "amp&lt;", "<Key>", "tab\tkey", "k\u007f", "a//b", "space ", "%", "+");
        List<ObjectVersion> real = new ArrayList<>();
        for (String k : keys) {
            real.add(put(k, "data of " + k));
        }
        OrphanSweeper sweeper = new OrphanSweeper(store, clock, GRACE);
        OrphanSweeper.Result first = sweeper.sweepOnce();
        assertEquals(keys.size(), first.versionsSeen());
        assertEquals(0, first.suspects(), "every listed key matched its index record");
        advance(GRACE.multipliedBy(3));
        assertEquals(0, sweeper.sweepOnce().versionsRemoved());
        for (ObjectVersion v : real) {
            assertTrue(store.upstreamHasVersion(BUCKET, v.key(), v.versionId()), v.key());
        }
    }

    private List<String> upstreamVersions() {
        return direct.listObjectVersions(r -> r.bucket(upstreamBucket)).versions().stream()
                .map(software.amazon.awssdk.services.s3.model.ObjectVersion::versionId).sorted().toList();
    }
}
