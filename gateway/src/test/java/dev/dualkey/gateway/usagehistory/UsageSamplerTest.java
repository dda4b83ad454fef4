package dev.dualkey.gateway.usagehistory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage sampler under an injected clock: samples per interval, exact figures, pruning past the retention. */
class UsageSamplerTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:34:56Z");
    @TempDir
    Path dir;
    private StorageEngine engine;
    private ObjectStore store;
    private UsageHistory history;
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @BeforeEach
    void open() {
        engine = StorageEngine.open(dir, List.of(UsageHistory.FAMILY));
        store = engine.objectStore();
        history = new UsageHistory(RocksKvStore.over(engine.database()));
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private void put(String bucket, String key, int size) {
        try (ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults())) {
            w.write(ByteBuffer.wrap(new byte[size]));
            w.commit(Expectations.none());
        }
    }

    @Test
    void samplesEachBucketAccountAndTotalOncePerIntervalWithExactFigures() {
        store.createBucket("photos", "111122223333", "us-east-1");
        store.updateBucket("photos", c -> c.withVersioning(VersioningState.ENABLED));
        store.createBucket("notes", "111122223333", "us-east-1");
        store.createBucket("other", "444455556666", "us-east-1");
        put("photos", "a", 1_000);
        put("photos", "a", 2_000);
        put("notes", "n", 300);
        put("other", "x", 7);
        UsageSampler sampler = new UsageSampler(store, history, clock, Duration.ofHours(1), Duration.ofDays(30));

        assertEquals(3 + 2 + 1, sampler.sampleOnce()); // 3 buckets, 2 accounts, the total
        now = T0.plus(Duration.ofMinutes(10)); // same hour: the sample is overwritten, not added
        put("notes", "m", 100);
        sampler.sampleOnce();
        now = T0.plus(Duration.ofHours(1));
        // a delete marker: objects go down; bytes and versions (markers are not versions here) stay
        store.deleteObject("photos", "a", null);
        sampler.sampleOnce();

        Instant h12 = Instant.parse("2026-03-01T12:00:00Z");
        Instant h13 = Instant.parse("2026-03-01T13:00:00Z");
        assertEquals(List.of(new UsageSample(h12, 3_400, 3, 4), new UsageSample(h13, 3_400, 2, 4)),
                history.series(UsageHistory.accountSeries("111122223333"), Instant.EPOCH, 100));
        assertEquals(List.of(new UsageSample(h12, 3_000, 1, 2), new UsageSample(h13, 3_000, 0, 2)),
                history.series(UsageHistory.bucketSeries("photos"), Instant.EPOCH, 100));
        assertEquals(List.of(new UsageSample(h12, 7, 1, 1), new UsageSample(h13, 7, 1, 1)),
                history.series(UsageHistory.accountSeries("444455556666"), Instant.EPOCH, 100));
        assertEquals(List.of(new UsageSample(h12, 3_407, 4, 5), new UsageSample(h13, 3_407, 3, 5)),
                history.series(UsageHistory.TOTAL_SERIES, Instant.EPOCH, 100));
        // the newest N, oldest first; and a lower bound
        assertEquals(List.of(new UsageSample(h13, 3_407, 3, 5)), history.series(UsageHistory.TOTAL_SERIES,
                Instant.EPOCH, 1));
        assertEquals(1, history.series(UsageHistory.TOTAL_SERIES, h13, 100).size());
    }

    @Test
    void prunesSamplesOlderThanTheRetention() {
        store.createBucket("bkt", "111122223333", "us-east-1");
        UsageSampler sampler = new UsageSampler(store, history, clock, Duration.ofHours(1), Duration.ofHours(5));
        for (int i = 0; i < 12; i++) {
            now = T0.plus(Duration.ofHours(i));
            put("bkt", "k" + i, 10);
            sampler.sampleOnce();
        }
        // retention 5 h at 23:00 (the 12th sample): samples at 18:00..23:00 stay (cutoff 18:00 inclusive)
        List<UsageSample> kept = history.series(UsageHistory.bucketSeries("bkt"), Instant.EPOCH, 100);
        assertEquals(6, kept.size());
        assertEquals(Instant.parse("2026-03-01T18:00:00Z"), kept.get(0).time());
        assertEquals(new UsageSample(Instant.parse("2026-03-01T23:00:00Z"), 120, 12, 12), kept.get(5));
        assertEquals(6, history.series(UsageHistory.TOTAL_SERIES, Instant.EPOCH, 100).size());
        assertEquals(6, history.series(UsageHistory.accountSeries("111122223333"), Instant.EPOCH, 100).size());
    }

    @Test
    void aDeletedBucketsHistoryIsRemovedAndAnAccountWithoutBucketsAgesOut() {
        store.createBucket("gone", "111122223333", "us-east-1");
        store.createBucket("kept", "444455556666", "us-east-1");
        UsageSampler sampler = new UsageSampler(store, history, clock, Duration.ofHours(1), Duration.ofHours(5));
        for (int i = 0; i < 3; i++) {
            now = T0.plus(Duration.ofHours(i));
            sampler.sampleOnce();
        }
        assertEquals(3, history.series(UsageHistory.bucketSeries("gone"), Instant.EPOCH, 100).size());
        store.deleteBucket("gone");
        now = T0.plus(Duration.ofHours(3));
        sampler.sampleOnce();
        // the deleted bucket's series is gone whole: a new bucket of that name starts with no past
        assertEquals(List.of(), history.series(UsageHistory.bucketSeries("gone"), Instant.EPOCH, 100));
        assertEquals(4, history.series(UsageHistory.bucketSeries("kept"), Instant.EPOCH, 100).size());
        // its account (no bucket left) keeps its samples until they age out like any other
        assertEquals(3, history.series(UsageHistory.accountSeries("111122223333"), Instant.EPOCH, 100).size());
        now = T0.plus(Duration.ofHours(8)); // cutoff 15:00: the samples of 12:00..14:00 are past the retention
        sampler.sampleOnce();
        assertEquals(List.of(), history.series(UsageHistory.accountSeries("111122223333"), Instant.EPOCH, 100));
        assertEquals(2, history.series(UsageHistory.bucketSeries("kept"), Instant.EPOCH, 100).size()); // 15:00, 20:00
    }

    @Test
    void theSweepOfStaleSeriesIsBoundedPerRound() {
        Instant h = Instant.parse("2026-03-01T00:00:00Z");
        List<UsageHistory.Entry> old = new java.util.ArrayList<>();
        for (String b : List.of("x1", "x2", "x3")) { // three deleted buckets, 5 samples each
            for (int i = 0; i < 5; i++) {
                old.add(new UsageHistory.Entry(UsageHistory.bucketSeries(b),
                        new UsageSample(h.plus(Duration.ofHours(i)), 1, 1, 1)));
            }
        }
        history.write(old, List.of());
        UsageSampler sampler = new UsageSampler(store, history, clock, Duration.ofHours(1), Duration.ofHours(5));
        assertEquals(7, sampler.sweepStale(java.util.Set.of(), T0, 7));
        assertEquals(7, sampler.sweepStale(java.util.Set.of(), T0, 7));
        assertEquals(1, sampler.sweepStale(java.util.Set.of(), T0, 7));
        assertEquals(0, sampler.sweepStale(java.util.Set.of(), T0, 7));
        for (String b : List.of("x1", "x2", "x3")) {
            assertEquals(List.of(), history.series(UsageHistory.bucketSeries(b), Instant.EPOCH, 100));
        }
    }

    @Test
    void manyBucketsAreSampledInSeveralSmallWrites() {
        for (int i = 0; i < 250; i++) { // 252 series: three writes of at most 100 operations
            store.createBucket(String.format("bkt-%03d", i), "111122223333", "us-east-1");
            put(String.format("bkt-%03d", i), "k", i);
        }
        UsageSampler sampler = new UsageSampler(store, history, clock, Duration.ofHours(1), Duration.ofDays(30));
        assertEquals(250 + 1 + 1, sampler.sampleOnce());
        Instant h12 = Instant.parse("2026-03-01T12:00:00Z");
        for (int i = 0; i < 250; i++) {
            assertEquals(List.of(new UsageSample(h12, i, 1, 1)),
                    history.series(UsageHistory.bucketSeries(String.format("bkt-%03d", i)), Instant.EPOCH, 10));
        }
        assertEquals(List.of(new UsageSample(h12, 249 * 250 / 2, 250, 250)),
                history.series(UsageHistory.accountSeries("111122223333"), Instant.EPOCH, 10));
    }

    @Test
    void refusesANonPositiveIntervalOrARetentionShorterThanIt() {
        assertThrows(IllegalArgumentException.class,
                () -> new UsageSampler(store, history, clock, Duration.ZERO, Duration.ofDays(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new UsageSampler(store, history, clock, Duration.ofHours(2), Duration.ofHours(1)));
    }
}
