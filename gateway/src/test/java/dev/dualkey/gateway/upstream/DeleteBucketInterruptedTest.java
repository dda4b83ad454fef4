package dev.dualkey.gateway.upstream;

import dev.dualkey.gateway.identity.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.kv.KvStateUnavailableException;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.shared.MemoryKv;
import dev.dualkey.storage.shared.SharedKv;
import dev.dualkey.testkit.MotoServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DeleteBucket interrupted between its steps (the gateway "killed": the shared state refuses the next call, as an
 * etcd gone or a process ended would leave it) leaves the bucket's {@code deleting} mark; once the mark is
 * {@link UpstreamObjectStore#SETTLE_AFTER} old, the next request naming the bucket, on any gateway, ends the deletion
 * the one consistent way: rolled back when the index still holds something, finished when it is empty. Never a
 * bucket record without its upstream bucket, never a bucket that neither exists nor can be created.
 */
class DeleteBucketInterruptedTest {
    private static final String OWNER = "111122223333";

    @TempDir
    Path spool;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));
    private final MemoryKv shared = new MemoryKv();
    /** The call the "killed" gateway does not survive; null: none. */
    private volatile Predicate<String> killAt;
    private UpstreamObjectStore killed;
    private UpstreamObjectStore other;

    /** The shared state as the doomed gateway reaches it: calls matching {@link #killAt} fail. */
    private final SharedKv dying = new SharedKv() {
        private void maybeDie(String call) {
            Predicate<String> k = killAt;
            if (k != null && k.test(call)) {
                killAt = null;
                throw new KvStateUnavailableException("gateway killed at " + call);
            }
        }

        @Override
        public Optional<Entry> get(byte[] key) {
            maybeDie("get " + (char) key[0]);
            return shared.get(key);
        }

        @Override
        public List<Entry> range(byte[] from, byte[] to, int limit) {
            maybeDie("range " + (char) from[0]);
            return shared.range(from, to, limit);
        }

        @Override
        public boolean commit(List<Compare> compares, List<Write> writes) {
            boolean deletesBucket = writes.stream().anyMatch(w -> w.key()[0] == 'B' && w.value() == null);
            boolean putsBucket = writes.stream().anyMatch(w -> w.key()[0] == 'B' && w.value() != null
                    && !Records.decodeBucket(w.value()).deleting());
            maybeDie(deletesBucket ? "commit delete bucket" : putsBucket ? "commit unmark bucket" : "commit");
            return shared.commit(compares, writes);
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void open() throws Exception {
        MotoServer moto = MotoServer.shared(getClass().getSimpleName());
        moto.reset();
        UpstreamSettings s = MotoUpstream.settings(moto, spool);
        killed = UpstreamObjectStore.open(s, dying, clock);
        other = UpstreamObjectStore.open(s, shared, clock);
    }

    @AfterEach
    void close() {
        killed.close();
        other.close();
    }

    private static ObjectVersion put(UpstreamObjectStore g, String bucket, String key) {
        try (ObjectWriter w = g.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            return w.commit(Expectations.none().withContentLength(3));
        }
    }

    private boolean marked(String bucket) {
        return shared.get(StateKeys.bucket(bucket)).map(e -> Records.decodeBucket(e.value()).deleting())
                .orElse(false);
    }

    @Test
    void killedAfterTheMarkOfAnEmptyBucketIsFinishedByALaterRequest() {
        other.createBucket("half1", OWNER, "us-east-1");
        killAt = c -> c.equals("range K"); // the emptiness check: right after the mark
        assertThrows(KvStateUnavailableException.class, () -> killed.deleteBucket("half1"));
        assertTrue(marked("half1"));
        assertTrue(other.upstream().bucketExists("half1"), "the upstream was not touched yet");
        // while a deletion may still be running, the bucket is being deleted: gone for requests, not re-creatable
        assertThrows(NoSuchBucketException.class, () -> other.headBucket("half1"));
        assertThrows(BucketAlreadyOwnedByYouException.class, () -> other.createBucket("half1", OWNER, "us-east-1"));
        assertTrue(marked("half1"));
        clock.advance(UpstreamObjectStore.SETTLE_AFTER);
        assertThrows(NoSuchBucketException.class, () -> other.headBucket("half1"));
        assertFalse(marked("half1"));
        assertTrue(shared.get(StateKeys.bucket("half1")).isEmpty(), "finished: the record is gone");
        assertFalse(other.upstream().bucketExists("half1"), "and the upstream bucket");
        other.createBucket("half1", OWNER, "us-east-1");
        put(other, "half1", "k");
        assertEquals(1, other.listBuckets(OWNER).stream().filter(b -> b.name().equals("half1")).count());
    }

    @Test
    void killedAfterTheUpstreamStepIsFinishedByALaterRequest() {
        other.createBucket("half2", OWNER, "us-east-1");
        killAt = c -> c.equals("commit delete bucket"); // the upstream bucket is deleted, the record not yet
        assertThrows(KvStateUnavailableException.class, () -> killed.deleteBucket("half2"));
        assertTrue(marked("half2"));
        assertFalse(other.upstream().bucketExists("half2"));
        clock.advance(UpstreamObjectStore.SETTLE_AFTER.plusSeconds(1));
        other.createBucket("half2", OWNER, "us-east-1"); // settles first, then creates
        assertTrue(other.upstream().bucketExists("half2"));
        ObjectVersion v = put(other, "half2", "k");
        assertEquals(v.etag(), other.headObject("half2", "k", null).etag());
    }

    @Test
    void killedBeforeRollingBackANonEmptyBucketIsRolledBackByALaterRequest() {
        other.createBucket("half3", OWNER, "us-east-1");
        ObjectVersion v = put(other, "half3", "kept");
        killAt = c -> c.equals("commit unmark bucket"); // found not empty; dies before removing the mark
        assertThrows(KvStateUnavailableException.class, () -> killed.deleteBucket("half3"));
        assertTrue(marked("half3"));
        clock.advance(Duration.ofMinutes(4));
        assertThrows(NoSuchBucketException.class, () -> other.headObject("half3", "kept", null), "still in doubt");
        clock.advance(Duration.ofMinutes(1));
        assertEquals(v.etag(), other.headObject("half3", "kept", null).etag(), "rolled back: the object is there");
        assertFalse(marked("half3"));
        assertTrue(other.upstream().bucketExists("half3"));
        put(other, "half3", "after");
        // and a DeleteBucket that is not interrupted still refuses it as not empty
        assertThrows(dev.dualkey.storage.error.BucketNotEmptyException.class, () -> other.deleteBucket("half3"));
        assertFalse(marked("half3"));
    }

    @Test
    void twoGatewaysSettlingTheSameMarkAgree() {
        other.createBucket("half4", OWNER, "us-east-1");
        killAt = c -> c.equals("range K");
        assertThrows(KvStateUnavailableException.class, () -> killed.deleteBucket("half4"));
        clock.advance(UpstreamObjectStore.SETTLE_AFTER);
        // both settle (the second finds the record gone and does nothing)
        other.settle("half4");
        killed.settle("half4");
        assertTrue(shared.get(StateKeys.bucket("half4")).isEmpty());
        assertThrows(NoSuchBucketException.class, () -> killed.headBucket("half4"));
    }
}
