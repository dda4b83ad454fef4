package dev.dualkey.gateway.metrics;

import java.util.List;

/**
 * Dualkey's own metric names as Prometheus sees them (Micrometer's names with dots, converted by its Prometheus
 * naming convention: counters end in {@code _total}, timers in {@code _seconds}). The Grafana dashboard in
 * {@code docs/grafana/dualkey.json} uses these; a test checks that every name it references is exported.
 *
 * <p>Labels: {@code api} (s3, iam, sts, console), {@code operation} (an AWS operation or action name, or for the
 * console a route template such as {@code GET /buckets/{bucket}}, from a fixed set;
 * {@code Unknown} otherwise), {@code status} (HTTP status code), {@code bucket} (only on the per-bucket usage
 * gauges, for at most the configured number of buckets), {@code outcome}, {@code purpose}, {@code kind}. No label
 * ever holds an access key id, an object key, a user name or any other client-chosen text.
 */
public final class MetricNames {
    /** Timer: requests by api, operation, status (latency from head parsed to answer written). */
    public static final String REQUESTS = "dualkey.requests";
    /** Counter (bytes): request body bytes received, by api and operation. */
    public static final String RECEIVED_BYTES = "dualkey.received.bytes";
    /** Counter (bytes): response body bytes sent, by api and operation. */
    public static final String SENT_BYTES = "dualkey.sent.bytes";

    public static final String BUCKET_OBJECTS = "dualkey.bucket.objects";
    public static final String BUCKET_VERSIONS = "dualkey.bucket.versions";
    public static final String BUCKET_DELETE_MARKERS = "dualkey.bucket.delete.markers";
    public static final String BUCKET_BYTES = "dualkey.bucket.bytes";
    public static final String BUCKET_CURRENT_BYTES = "dualkey.bucket.current.bytes";
    public static final String STORE_OBJECTS = "dualkey.store.objects";
    public static final String STORE_VERSIONS = "dualkey.store.versions";
    public static final String STORE_DELETE_MARKERS = "dualkey.store.delete.markers";
    public static final String STORE_BYTES = "dualkey.store.bytes";
    public static final String STORE_CURRENT_BYTES = "dualkey.store.current.bytes";
    /** Gauge: 1 when there are more buckets than the per-bucket series limit (the rest appear only in totals). */
    public static final String BUCKET_SERIES_TRUNCATED = "dualkey.bucket.series.truncated";

    /** Counter: MFA code checks by purpose and outcome (accepted, wrong, replayed, malformed, locked, unknown). */
    public static final String MFA_CHECKS = "dualkey.mfa.checks";
    /** Counter: MFA devices locked out (a failed check that crossed the throttle). */
    public static final String MFA_LOCKOUTS = "dualkey.mfa.lockouts";
    /** Counter: console password sign-ins by outcome (signed_in, mfa_required, denied, throttled). */
    public static final String CONSOLE_SIGNINS = "dualkey.console.signins";

    public static final String ROCKSDB_WRITE_STOPPED = "dualkey.rocksdb.write.stopped";
    public static final String ROCKSDB_DELAYED_WRITE_RATE = "dualkey.rocksdb.delayed.write.rate";
    public static final String ROCKSDB_PENDING_COMPACTION_BYTES = "dualkey.rocksdb.pending.compaction.bytes";
    public static final String ROCKSDB_RUNNING_COMPACTIONS = "dualkey.rocksdb.running.compactions";
    public static final String ROCKSDB_RUNNING_FLUSHES = "dualkey.rocksdb.running.flushes";
    public static final String ROCKSDB_IMMUTABLE_MEMTABLES = "dualkey.rocksdb.immutable.memtables";
    public static final String ROCKSDB_MEMTABLE_BYTES = "dualkey.rocksdb.memtable.bytes";
    public static final String ROCKSDB_SST_BYTES = "dualkey.rocksdb.sst.bytes";
    /** Counter: write stalls by kind (stop, delay), summed over column families. */
    public static final String ROCKSDB_WRITE_STALLS = "dualkey.rocksdb.write.stalls";
    /** Counter (seconds): time user writes spent stalled. */
    public static final String ROCKSDB_WRITE_STALL_TIME = "dualkey.rocksdb.write.stall.time";
    public static final String ROCKSDB_COMPACTIONS = "dualkey.rocksdb.compactions";
    public static final String ROCKSDB_COMPACTION_TIME = "dualkey.rocksdb.compaction.time";
    public static final String ROCKSDB_COMPACTION_READ_BYTES = "dualkey.rocksdb.compaction.read.bytes";
    public static final String ROCKSDB_COMPACTION_WRITE_BYTES = "dualkey.rocksdb.compaction.write.bytes";

    /** Counters of the lifecycle worker since start: versions examined, deletions, skipped actions, passes. */
    public static final String LIFECYCLE_EXAMINED = "dualkey.lifecycle.examined";
    public static final String LIFECYCLE_DELETED = "dualkey.lifecycle.deleted";
    public static final String LIFECYCLE_SKIPPED = "dualkey.lifecycle.skipped";
    public static final String LIFECYCLE_PASSES = "dualkey.lifecycle.passes";

    /** Counters of the alert webhook (issue 18): deliveries accepted, given up, retried; events dropped (queue full). */
    public static final String ALERTS_SENT = "dualkey.alerts.sent";
    public static final String ALERTS_FAILED = "dualkey.alerts.failed";
    public static final String ALERTS_RETRIED = "dualkey.alerts.retried";
    public static final String ALERTS_DROPPED = "dualkey.alerts.dropped";
    /** Gauge: security events waiting in the alert webhook's queue. */
    public static final String ALERTS_QUEUED = "dualkey.alerts.queued";

    /**
     * Counter of small GET/HEAD requests tried on the event loop ({@code serve}'s loop reads, issue 19), by
     * {@code outcome}: {@code served} there from memory, or {@code fell_back} to the storage executor because a read
     * needed the disk or a lock was held. A high share of fall-backs on a steady set of hot objects means the
     * caches do not hold them.
     */
    public static final String LOOP_READS = "dualkey.loop.reads";

    /**
     * Counters of cluster mode's state store (etcd, {@code CommitOutcomes}): commits whose answer was lost and were
     * fenced, and commits answered 503 with their outcome unknown; gauge: unknown outcomes still being fenced.
     */
    public static final String STATE_LOST_ANSWERS = "dualkey.state.lost.answers";
    public static final String STATE_UNKNOWN_OUTCOMES = "dualkey.state.unknown.outcomes";
    public static final String STATE_PENDING_FENCES = "dualkey.state.pending.fences";

    /** The MFA check outcomes, pre-registered at zero so that dashboards and alerts see them before the first. */
    public static final List<String> MFA_OUTCOMES = List.of("accepted", "wrong", "replayed", "malformed", "locked",
            "unknown_device");
    /** Purposes of MFA checks, from the audit record's action prefix. */
    public static final List<String> MFA_PURPOSES = List.of("s3", "console", "sts", "iam", "other");
    public static final List<String> SIGNIN_OUTCOMES = List.of("signed_in", "mfa_required", "denied", "throttled");

    private MetricNames() {
    }
}
