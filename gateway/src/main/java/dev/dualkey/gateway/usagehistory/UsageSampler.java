package dev.dualkey.gateway.usagehistory;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.usage.BucketUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class UsageSampler implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /** Buckets read per listing page. */
    private static final int PAGE = 1_000;
    /** Old keys deleted per series per round (a backlog drains over rounds). */
    private static final int PRUNE_MAX = 1_000;
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
        return entries.size();
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
