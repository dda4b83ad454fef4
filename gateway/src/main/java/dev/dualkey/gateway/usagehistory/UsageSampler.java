package dev.dualkey.gateway.usagehistory;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.usage.BucketUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records usage over time: once per {@code interval} (default hourly) each bucket's, each account's and the store's
 * bytes, objects and versions, read from the store's incremental counters (no scan of objects), into
 * {@link UsageHistory}, stamped with the start of the interval; and prunes each written series' samples older than
 * {@code retention} (default 30 days: at most 720 hourly samples a series). Runs on its own daemon thread, never
 * on an event loop; a failed round is logged and the next one tries again.
 *
 * <p>Series nobody writes any more are swept too ({@link #sweepStale}): a deleted bucket's series is removed
 * whole (a bucket created later under the same name, perhaps by another account, must not inherit its past), and
 * any other series not written this round (an account whose last bucket is gone) loses the samples past the
 * retention like every other. The sweep reads one key per series and deletes at most {@value #SWEEP_MAX} keys a
 * round, so the table stays bounded by (live series + recently deleted ones) x 720 samples and a round's cost stays
 * bounded; a backlog drains over rounds.
 */
public final class UsageSampler implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Buckets read per listing page. */
    private static final int PAGE = 1_000;
    /** Old keys deleted per series per round (a backlog drains over rounds). */
    private static final int PRUNE_MAX = 1_000;
    /** Keys of stale series deleted per round at most. */
    static final int SWEEP_MAX = 10_000;
    /** Operations per write: under etcd's default {@code --max-txn-ops} (128). */
    private static final int WRITE_OPS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);

    private final ObjectStore store;
    private final UsageHistory history;
    private final Clock clock;
    private final Duration interval;
    private final Duration retention;
    private ScheduledExecutorService thread;

    public UsageSampler(ObjectStore store, UsageHistory history, Clock clock, Duration interval, Duration retention) {
        if (interval.isNegative() || interval.isZero() || retention.compareTo(interval) < 0) {
            throw new IllegalArgumentException("interval must be positive and retention at least one interval");
        }
        this.store = store;
        this.history = history;
        this.clock = clock;
        this.interval = interval;
        this.retention = retention;
    }

    /** Hourly, 30 days. */
    public static UsageSampler defaults(ObjectStore store, UsageHistory history, Clock clock) {
        return new UsageSampler(store, history, clock, DEFAULT_INTERVAL, DEFAULT_RETENTION);
    }

    /** The start of the interval holding {@code t}: a sample's time. */
    Instant slot(Instant t) {
        long ms = interval.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
    }

    /**
     * Takes one sample of every series now (at the current interval's start; a second call in the same interval
     * overwrites the first) and prunes what fell out of the retention. Returns the number of series written.
     */
    public int sampleOnce() {
        Instant at = slot(clock.instant());
        Instant cutoff = at.minus(retention);
        List<UsageHistory.Entry> entries = new ArrayList<>();
        Map<String, long[]> accounts = new LinkedHashMap<>();
        String after = null;
        while (true) {
            List<BucketInfo> page = store.listAllBuckets(after, PAGE);
            for (BucketInfo b : page) {
                BucketUsage u = store.bucketUsage(b.name());
                entries.add(new UsageHistory.Entry(UsageHistory.bucketSeries(b.name()),
                        new UsageSample(at, u.bytes(), u.objects(), u.versions())));
                long[] sum = accounts.computeIfAbsent(b.ownerAccountId(), a -> new long[3]);
                sum[0] += u.bytes();
                sum[1] += u.objects();
                sum[2] += u.versions();
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).name();
        }
        accounts.forEach((account, sum) -> entries.add(new UsageHistory.Entry(UsageHistory.accountSeries(account),
                new UsageSample(at, sum[0], sum[1], sum[2]))));
        BucketUsage total = store.totalUsage();
        entries.add(new UsageHistory.Entry(UsageHistory.TOTAL_SERIES,
                new UsageSample(at, total.bytes(), total.objects(), total.versions())));
        // small writes: etcd limits a transaction's operations (128 by default)
        for (int i = 0; i < entries.size(); i += WRITE_OPS) {
            List<UsageHistory.Entry> chunk = entries.subList(i, Math.min(entries.size(), i + WRITE_OPS));
            List<byte[]> doomed = new ArrayList<>();
            for (UsageHistory.Entry e : chunk) {
                doomed.addAll(history.keysBefore(e.series(), cutoff, PRUNE_MAX));
            }
            history.write(chunk, List.of());
            for (int j = 0; j < doomed.size(); j += WRITE_OPS) {
                List<byte[]> part = doomed.subList(j, Math.min(doomed.size(), j + WRITE_OPS));
                history.write(List.of(), part);
            }
        }
        Set<String> written = new HashSet<>();
        for (UsageHistory.Entry e : entries) {
            written.add(e.series());
        }
        sweepStale(written, cutoff, SWEEP_MAX);
        return entries.size();
    }

    /**
     * Removes what series not in {@code written} no longer need: every sample of a bucket series (the bucket is
     * gone: {@code written} holds every live bucket's series), the samples before {@code cutoff} of any other.
     * At most {@code budget} keys a call.
     *
     * @return the keys deleted
     */
    int sweepStale(Set<String> written, Instant cutoff, int budget) {
        int deleted = 0;
        Optional<String> series = history.nextSeries(null);
        while (series.isPresent() && budget > 0) {
            String s = series.get();
            if (!written.contains(s)) {
                List<byte[]> doomed = s.startsWith("b/") ? history.keysOf(s, Math.min(budget, PRUNE_MAX))
                        : history.keysBefore(s, cutoff, Math.min(budget, PRUNE_MAX));
                for (int j = 0; j < doomed.size(); j += WRITE_OPS) {
                    history.write(List.of(), doomed.subList(j, Math.min(doomed.size(), j + WRITE_OPS)));
                }
                budget -= doomed.size();
                deleted += doomed.size();
            }
            series = history.nextSeries(s);
        }
        return deleted;
    }

    /** Starts sampling: now, then at every interval's start. */
    public synchronized UsageSampler start() {
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dualkey-usage-sampler");
                t.setDaemon(true);
                return t;
            });
            Instant now = clock.instant();
            long delay = Duration.between(now, slot(now).plus(interval)).toMillis();
            thread.execute(this::safeSample);
            thread.scheduleAtFixedRate(this::safeSample, delay, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void safeSample() {
        try {
            sampleOnce();
        } catch (RuntimeException e) {
            LOG.warn("usage sample failed (the next interval tries again): {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
            try {
                thread.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
