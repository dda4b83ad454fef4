package dev.dualkey.gateway.metrics;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.usage.BucketUsage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * Storage used, per bucket and in total, from the store's own counters ({@code ObjectStore.bucketUsage}: kept in
 * the same write as the versions, never a scan). Refreshed at each scrape, on the storage executor.
 *
 * <p>Cardinality: the {@code bucket} label appears only here, on five gauges, for at most {@code bucketLimit}
 * buckets (the first in name order; default 1000). With more buckets (say 100,000) the rest are left out of the
 * per-bucket series, {@value MetricNames#BUCKET_SERIES_TRUNCATED} is 1, and the store-wide totals still count every
 * bucket; a scrape then reads {@code bucketLimit + 1} bucket records and {@code 5 * bucketLimit} counters, whatever
 * the number of buckets. 0 turns the per-bucket series off.
 */
final class UsageMetrics {
    private final ObjectStore store;
    private final int bucketLimit;
    private final MultiGauge objects;
    private final MultiGauge versions;
    private final MultiGauge markers;
    private final MultiGauge bytes;
    private final MultiGauge currentBytes;
    private final AtomicReference<BucketUsage> total = new AtomicReference<>(BucketUsage.empty(BucketUsage.TOTAL));
    private volatile int truncated;

    UsageMetrics(MeterRegistry registry, ObjectStore store, int bucketLimit) {
        if (bucketLimit < 0) {
            throw new IllegalArgumentException("bucket limit must not be negative");
        }
        this.store = store;
        this.bucketLimit = bucketLimit;
        objects = MultiGauge.builder(MetricNames.BUCKET_OBJECTS)
                .description("Keys whose newest version is an object, per bucket").register(registry);
        versions = MultiGauge.builder(MetricNames.BUCKET_VERSIONS)
                .description("Stored versions (not delete markers), per bucket").register(registry);
        markers = MultiGauge.builder(MetricNames.BUCKET_DELETE_MARKERS)
                .description("Stored delete markers, per bucket").register(registry);
        bytes = MultiGauge.builder(MetricNames.BUCKET_BYTES).baseUnit("bytes")
                .description("Bytes of all stored versions, per bucket").register(registry);
        currentBytes = MultiGauge.builder(MetricNames.BUCKET_CURRENT_BYTES).baseUnit("bytes")
                .description("Bytes of the newest versions, per bucket").register(registry);
        totalGauge(registry, MetricNames.STORE_OBJECTS, null, "Objects in all buckets", BucketUsage::objects);
        totalGauge(registry, MetricNames.STORE_VERSIONS, null, "Versions in all buckets", BucketUsage::versions);
        totalGauge(registry, MetricNames.STORE_DELETE_MARKERS, null, "Delete markers in all buckets",
                BucketUsage::deleteMarkers);
        totalGauge(registry, MetricNames.STORE_BYTES, "bytes", "Bytes of all versions in all buckets",
                BucketUsage::bytes);
        totalGauge(registry, MetricNames.STORE_CURRENT_BYTES, "bytes", "Bytes of the newest versions in all buckets",
                BucketUsage::currentBytes);
        Gauge.builder(MetricNames.BUCKET_SERIES_TRUNCATED, this, u -> u.truncated)
                .description("1 when more buckets exist than have per-bucket series").register(registry);
    }

    private void totalGauge(MeterRegistry registry, String name, String unit, String help,
                            ToLongFunction<BucketUsage> f) {
        Gauge.builder(name, total, t -> f.applyAsLong(t.get())).baseUnit(unit).description(help).register(registry);
    }

    /** Reads the counters (blocking: storage executor only). */
    void refresh() {
        total.set(store.totalUsage());
        if (bucketLimit == 0) {
            truncated = 0;
            return;
        }
        List<BucketInfo> buckets = store.listAllBuckets(null, bucketLimit + 1);
        truncated = buckets.size() > bucketLimit ? 1 : 0;
        Map<String, BucketUsage> counted = new HashMap<>();
        for (BucketUsage u : store.listBucketUsage(null, bucketLimit)) {
            counted.put(u.bucket(), u);
        }
        List<BucketUsage> rows = new ArrayList<>();
        for (BucketInfo b : buckets.subList(0, Math.min(bucketLimit, buckets.size()))) {
            rows.add(counted.getOrDefault(b.name(), BucketUsage.empty(b.name())));
        }
        register(objects, rows, BucketUsage::objects);
        register(versions, rows, BucketUsage::versions);
        register(markers, rows, BucketUsage::deleteMarkers);
        register(bytes, rows, BucketUsage::bytes);
        register(currentBytes, rows, BucketUsage::currentBytes);
    }

    private static void register(MultiGauge gauge, List<BucketUsage> rows, ToLongFunction<BucketUsage> f) {
        List<MultiGauge.Row<?>> out = new ArrayList<>(rows.size());
        for (BucketUsage u : rows) {
            out.add(MultiGauge.Row.of(Tags.of("bucket", u.bucket()), f.applyAsLong(u)));
        }
        gauge.register(out, true);
    }
}
