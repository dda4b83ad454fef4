package dev.dualkey.mfa.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the audit log's age: records stamped more than {@code retention} before the clock's now are deleted, by
 * a background thread of their own ({@code dualkey-audit-retention}), in batches of at most {@code batchSize}
 * records per write, with a short pause between batches. A request never waits for it: the only contention is
 * RocksDB's own write queue, one bounded batch at a time. This is the only deleter of audit records (no API
 * removes one early: they are evidence, protected as versions are).
 *
 * <p>{@link #runOnce()} is the whole pass and is what tests call, with an injected clock.
 */
public final class AuditRetention implements AutoCloseable {
    /** Default retention: a year, as the issue asks. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(365);
    private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

    private final AuditLog log;
    private final Clock clock;
    private final Duration retention;
    private final int batchSize;
    private final long pauseMillis;
    private ScheduledExecutorService scheduler;

    /**
     * @param retention   how long records are kept (at least one day)
     * @param batchSize   records deleted per write (1..100000)
     * @param pauseMillis pause between two batches of one pass, leaving the write queue to requests
     */
    public AuditRetention(AuditLog log, Clock clock, Duration retention, int batchSize, long pauseMillis) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("audit retention must be at least one day");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("batch size must be 1..100000");
        }
        this.retention = retention;
        this.batchSize = batchSize;
        this.pauseMillis = Math.max(0, pauseMillis);
    }

    /** Retention with the server's defaults: batches of 1,000 records, 20 ms apart. */
    public static AuditRetention of(AuditLog log, Clock clock, Duration retention) {
        return new AuditRetention(log, clock, retention, 1000, 20);
    }

    /** Records older than this are deleted by the next pass. */
    public Instant cutoff() {
        return clock.instant().minus(retention);
    }

    /** One pass: deletes every record older than {@link #cutoff()}, batch by batch; returns how many. */
    public long runOnce() {
        Instant cutoff = cutoff();
        long total = 0;
        while (!Thread.currentThread().isInterrupted()) {
            int n = log.pruneBefore(cutoff, batchSize);
            total += n;
            if (n < batchSize) {
                break;
            }
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (total > 0) {
            LOG.info("audit retention: deleted {} record(s) older than {}", total, cutoff);
        }
        return total;
    }

    /** Runs a pass now (after {@code initialDelay}) and then every {@code interval} on its own daemon thread. */
    public synchronized AuditRetention start(Duration initialDelay, Duration interval) {
        if (scheduler != null) {
            throw new IllegalStateException("already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualkey-audit-retention");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("audit retention pass failed; the next pass retries", e);
            }
        }, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the thread, waiting (bounded) for a running batch: call before the database closes. */
    @Override
    public synchronized void close() {
        if (scheduler == null) {
            return;
        }
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("audit retention did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
