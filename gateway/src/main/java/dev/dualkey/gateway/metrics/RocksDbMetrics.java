package dev.dualkey.gateway.metrics;

import dev.dualkey.storage.rocks.RocksDatabase;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * RocksDB's own figures, read from its properties at each scrape (no {@code Statistics} object: that would cost
 * every write): stall state and counts, compaction progress and totals, memtables and SST size.
 * <ul>
 * <li>gauges: {@code rocksdb.is-write-stopped}, {@code rocksdb.actual-delayed-write-rate},
 *     {@code rocksdb.num-running-compactions}, {@code rocksdb.num-running-flushes} (DB-wide);
 *     {@code rocksdb.estimate-pending-compaction-bytes}, {@code rocksdb.num-immutable-mem-table},
 *     {@code rocksdb.cur-size-all-mem-tables}, {@code rocksdb.total-sst-files-size} (summed over families);</li>
 * <li>counters since the database opened: {@code rocksdb.cfstats} {@code total-stops}/{@code total-delays} and
 *     {@code compaction.Sum.CompCount}/{@code CompSec}/{@code ReadGB}/{@code WriteGB} summed over families;
 *     {@code rocksdb.dbstats} {@code db.user_write_stall_micros}.</li>
 * </ul>
 */
final class RocksDbMetrics {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final RocksDatabase db;
    private volatile Map<String, Double> cfStats = Map.of();
    private volatile Map<String, Double> dbStats = Map.of();

    RocksDbMetrics(MeterRegistry registry, RocksDatabase db) {
        this.db = db;
        gauge(registry, MetricNames.ROCKSDB_WRITE_STOPPED, "rocksdb.is-write-stopped", false, null,
                "1 while RocksDB stops writes");
        gauge(registry, MetricNames.ROCKSDB_DELAYED_WRITE_RATE, "rocksdb.actual-delayed-write-rate", false, null,
                "Write rate (bytes/s) RocksDB slows writers to; 0 when not delayed");
        gauge(registry, MetricNames.ROCKSDB_RUNNING_COMPACTIONS, "rocksdb.num-running-compactions", false, null,
                "Compactions running");
        gauge(registry, MetricNames.ROCKSDB_RUNNING_FLUSHES, "rocksdb.num-running-flushes", false, null,
                "Memtable flushes running");
        gauge(registry, MetricNames.ROCKSDB_PENDING_COMPACTION_BYTES, "rocksdb.estimate-pending-compaction-bytes",
                true, "bytes", "Bytes compaction must rewrite to bring every level under its target");
        gauge(registry, MetricNames.ROCKSDB_IMMUTABLE_MEMTABLES, "rocksdb.num-immutable-mem-table", true, null,
                "Immutable memtables waiting for flush");
        gauge(registry, MetricNames.ROCKSDB_MEMTABLE_BYTES, "rocksdb.cur-size-all-mem-tables", true, "bytes",
                "Memtable bytes");
        gauge(registry, MetricNames.ROCKSDB_SST_BYTES, "rocksdb.total-sst-files-size", true, "bytes",
                "SST file bytes");
        FunctionCounter.builder(MetricNames.ROCKSDB_WRITE_STALLS, this, m -> m.cf("total-stops"))
                .tags("kind", "stop").description("Write stops since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_WRITE_STALLS, this, m -> m.cf("total-delays"))
                .tags("kind", "delay").description("Write slowdowns since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_WRITE_STALL_TIME, this,
                        m -> m.dbStats.getOrDefault("db.user_write_stall_micros", 0.0) / 1e6)
                .baseUnit("seconds").description("Time user writes were stalled since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_COMPACTIONS, this, m -> m.cf("compaction.Sum.CompCount"))
                .description("Compactions since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_COMPACTION_TIME, this, m -> m.cf("compaction.Sum.CompSec"))
                .baseUnit("seconds").description("Time spent compacting since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_COMPACTION_READ_BYTES, this,
                        m -> m.cf("compaction.Sum.ReadGB") * GIB)
                .baseUnit("bytes").description("Bytes read by compactions since open").register(registry);
        FunctionCounter.builder(MetricNames.ROCKSDB_COMPACTION_WRITE_BYTES, this,
                        m -> m.cf("compaction.Sum.WriteGB") * GIB)
                .baseUnit("bytes").description("Bytes written by compactions since open").register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String property, boolean sum, String unit, String help) {
        Gauge.builder(name, db, d -> Math.max(0, d.longProperty(property, sum))).baseUnit(unit).description(help)
                .register(registry);
    }

    private double cf(String key) {
        return cfStats.getOrDefault(key, 0.0);
    }

    /** Reads the map properties once per scrape (blocking: storage executor only). */
    void refresh() {
        cfStats = db.mapProperty("rocksdb.cfstats", true);
        dbStats = db.mapProperty("rocksdb.dbstats", false);
    }
}
