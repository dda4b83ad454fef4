package dev.dualkey.gateway.metrics;

import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The server's metrics: one Micrometer {@link PrometheusMeterRegistry} with the standard JVM and process meters
 * ({@code jvm_*}, {@code process_*}, {@code system_*}) and Dualkey's own ({@link MetricNames}): requests,
 * storage usage, RocksDB, MFA checks, lockouts and sign-ins. {@link #scrape()} renders the Prometheus text format
 * (blocking: it reads the usage counters and RocksDB properties, so call it on the storage executor).
 */
public final class DualkeyMetrics implements AutoCloseable {
    /** Content type of {@link #scrape()}: the Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RequestMetrics requests = new RequestMetrics(registry);
    private final AuditMetrics audit = new AuditMetrics(registry);
    private volatile UsageMetrics usage;
    private volatile RocksDbMetrics rocks;

    public DualkeyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    /** The registry (tests; other meters). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Requests of the API listener (fed by the front door). */
    public RequestMetrics requests() {
        return requests;
    }

    /** Counts MFA checks, lockouts and sign-ins from audit records ({@code AuditLog.addListener}). */
    public Consumer<AuditRecord> auditListener() {
        return audit;
    }

    /**
     * Exports {@code store}'s usage counters: totals, and per bucket for at most {@code bucketLimit} buckets (see
     * {@link UsageMetrics}). Once.
     */
    public synchronized void bindStore(ObjectStore store, int bucketLimit) {
        if (usage != null) {
            throw new IllegalStateException("a store is bound already");
        }
        usage = new UsageMetrics(registry, Objects.requireNonNull(store, "store"), bucketLimit);
    }

    /** Exports RocksDB's stall and compaction figures of {@code db}. Once. */
    public synchronized void bindDatabase(RocksDatabase db) {
        if (rocks != null) {
            throw new IllegalStateException("a database is bound already");
        }
        rocks = new RocksDbMetrics(registry, Objects.requireNonNull(db, "db"));
    }

    /**
     * Exports the lifecycle worker's progress (versions examined, markers added / versions removed / uploads
     * aborted, actions skipped by their precondition, passes), read from its own counters at scrape time.
     */
    public void bindLifecycle(dev.dualkey.gateway.lifecycle.LifecycleWorker worker) {
        Objects.requireNonNull(worker, "worker");
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LIFECYCLE_EXAMINED, worker,
                w -> w.examined()).description("Versions and markers the lifecycle worker examined")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LIFECYCLE_DELETED, worker,
                w -> w.deleted()).description("Markers added, versions removed, uploads aborted by lifecycle")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LIFECYCLE_SKIPPED, worker,
                w -> w.skipped()).description("Lifecycle actions refused by their precondition")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LIFECYCLE_PASSES, worker,
                w -> w.passes()).description("Lifecycle passes completed").register(registry);
    }

    /**
     * Exports the event loop's small reads (issue 19), read from the server's counters at scrape time: requests
     * answered there ({@code outcome="served"}) and those that fell back to the storage executor
     * ({@code outcome="fell_back"}, counted once more when they ran there).
     */
    public void bindLoopReads(dev.dualkey.gateway.http.LoopReads loopReads) {
        Objects.requireNonNull(loopReads, "loopReads");
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LOOP_READS, loopReads, l -> l.served())
                .tags("outcome", "served").description("Small GET/HEAD answered on the event loop from memory")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.LOOP_READS, loopReads, l -> l.fellBack())
                .tags("outcome", "fell_back")
                .description("Small GET/HEAD tried on the event loop that needed the storage executor")
                .register(registry);
    }

    /**
     * Exports the alert webhook's delivery counters (issue 18), read from its own counters at scrape time: events
     * delivered to a receiver (2xx), deliveries given up, retried attempts, events dropped because the queue was
     * full; and the events queued now.
     */
    public void bindAlerts(dev.dualkey.gateway.alert.WebhookAlerts alerts) {
        Objects.requireNonNull(alerts, "alerts");
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.ALERTS_SENT, alerts,
                a -> a.delivered()).description("Security events a webhook receiver accepted (2xx)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.ALERTS_FAILED, alerts,
                a -> a.failed()).description("Security event deliveries given up (attempts spent, or a 4xx)")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.ALERTS_RETRIED, alerts,
                a -> a.retried()).description("Security event delivery attempts after the first")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.ALERTS_DROPPED, alerts,
                a -> a.dropped()).description("Security events dropped because the webhook queue was full")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(MetricNames.ALERTS_QUEUED, alerts, a -> a.queued())
                .description("Security events waiting for delivery").register(registry);
    }

    /**
     * Exports the commit outcomes of cluster mode's state store (etcd; SECURITY.md AC2/AC3), read from its own
     * counters at scrape time: answers lost and fenced, outcomes unknown (answered 503), and fences still pending.
     */
    public void bindCommitOutcomes(dev.dualkey.storage.kv.CommitOutcomes state) {
        Objects.requireNonNull(state, "state");
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.STATE_LOST_ANSWERS, state,
                s -> s.lostAnswers()).description("State store commits whose answer was lost, then fenced")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder(MetricNames.STATE_UNKNOWN_OUTCOMES, state,
                s -> s.unknownOutcomes()).description("State store commits answered 503 with their outcome unknown")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder(MetricNames.STATE_PENDING_FENCES, state, s -> s.pendingFences())
                .description("Unknown commit outcomes still being fenced in the background").register(registry);
    }

    /** The Prometheus text exposition (blocking: storage executor). */
    public synchronized String scrape() {
        if (usage != null) {
            usage.refresh();
        }
        if (rocks != null) {
            rocks.refresh();
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
