package dev.dualkey.storage.rocks;

import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.rocks.StoreRecords.VersionRecord;
import dev.dualkey.storage.usage.BucketUsage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-bucket usage counters, maintained incrementally: every write that adds or removes a version (or changes
 * which version is a key's newest) stages RocksDB <em>merge</em> operands in its own WriteBatch, so the counters
 * commit atomically with the versions they count and are exactly as durable: after {@code kill -9} or a power cut
 * they agree with whatever versions survived. Concurrent writers to one bucket never serialise on a counter: a
 * merge operand is a delta, added by RocksDB's built-in {@code uint64add} operator at read and compaction time
 * (set on the families in {@link RocksDatabase}). Nothing ever scans the versions to answer a usage query; the one
 * scan is the {@link #backfillIfNeeded one-time backfill} of a store written before the counters existed.
 *
 * <h2>Layout ({@value Schema#USAGE})</h2>
 * <pre>
 *   bucket counter := bucket prefix (utf8(bucket) 0x00), counter id (1 byte)   :- value
 *   total counter  := 0x00 0x01, counter id (1 byte)                           :- value (sum over every bucket)
 *   backfill mark  := 0x00 0x00 "usage-backfill-v1"                            :- 8 bytes: epoch millis when done
 *   value          := 8 bytes little-endian, two's complement (uint64add adds modulo 2^64, so a negative delta
 *                     subtracts); a merge operand has the same form
 *   counter id     := 1 objects (newest version is not a delete marker), 2 versions (non-marker versions),
 *                     3 delete markers, 4 bytes (sizes of all non-marker versions), 5 current bytes (sizes of the
 *                     newest non-marker versions)
 * </pre>
 * Bucket names never start with 0x00, so the reserved keys sort before every bucket's counters.
 *
 * <p>Cardinality: five keys per bucket plus five totals; reading one bucket is a five-key prefix scan, listing
 * {@code n} buckets a scan of {@code 5n} keys. A deleted bucket's counters (all zero: only empty buckets are
 * deleted) are removed with its record.
 */
public final class UsageLedger {
    private static final Logger LOG = LoggerFactory.getLogger(UsageLedger.class);

    static final byte OBJECTS = 1;
    static final byte VERSIONS = 2;
    static final byte DELETE_MARKERS = 3;
    static final byte BYTES = 4;
    static final byte CURRENT_BYTES = 5;
    private static final byte[] TOTAL_PREFIX = {0x00, 0x01};
    private static final byte[] BACKFILL_MARK = concat(new byte[] {0x00, 0x00},
            "usage-backfill-v1".getBytes(StandardCharsets.US_ASCII));
    /** Buckets per write batch of the backfill. */
    private static final int BACKFILL_BATCH_BUCKETS = 1000;

    private final RocksDatabase db;
    private final Table<byte[], byte[]> usage;

    UsageLedger(RocksDatabase db) {
        this.db = db;
        this.usage = db.table(Schema.USAGE, Codecs.BYTES, Codecs.BYTES);
    }

    // ---- staging (inside the caller's WriteBatch, under its key lock) ------------------------------------------

    /** {@code rec} was stored as a new version or delete marker of a key of {@code bucket}. */
    void versionAdded(Batch batch, String bucket, VersionRecord rec) {
        if (rec.deleteMarker()) {
            add(batch, bucket, DELETE_MARKERS, 1);
        } else {
            add(batch, bucket, VERSIONS, 1);
            add(batch, bucket, BYTES, rec.size());
        }
    }

    /** {@code rec} (a version or delete marker) was removed from {@code bucket}. */
    void versionRemoved(Batch batch, String bucket, VersionRecord rec) {
        if (rec.deleteMarker()) {
            add(batch, bucket, DELETE_MARKERS, -1);
        } else {
            add(batch, bucket, VERSIONS, -1);
            add(batch, bucket, BYTES, -rec.size());
        }
    }

    /**
     * A key's entry in {@code objects} (its newest version when that is not a marker) changes from {@code before}
     * to {@code after}; either may be null (no entry). Pass the committed entry as {@code before}: the caller holds
     * the key's write lock, so nothing else changes it in between.
     */
    void latestChanged(Batch batch, String bucket, VersionRecord before, VersionRecord after) {
        int objects = (after != null ? 1 : 0) - (before != null ? 1 : 0);
        long bytes = (after != null ? after.size() : 0) - (before != null ? before.size() : 0);
        add(batch, bucket, OBJECTS, objects);
        add(batch, bucket, CURRENT_BYTES, bytes);
    }

    /** Removes the counters of a deleted (hence empty) bucket. */
    void forget(Batch batch, String bucket) {
        for (byte id = OBJECTS; id <= CURRENT_BYTES; id++) {
            usage.delete(batch, counterKey(bucket, id));
        }
    }

    private void add(Batch batch, String bucket, byte counter, long delta) {
        if (delta == 0) {
            return;
        }
        byte[] operand = encode(delta);
        usage.merge(batch, counterKey(bucket, counter), operand);
        usage.merge(batch, concat(TOTAL_PREFIX, new byte[] {counter}), operand);
    }

    // ---- reading -------------------------------------------------------------------------------------------

    /** The usage of {@code bucket} (all zero for an unknown or empty bucket). */
    public BucketUsage usage(String bucket) {
        return read(bucket, StoreKeys.bucketPrefix(bucket));
    }

    /** The sum over every bucket ({@link BucketUsage#TOTAL}). */
    public BucketUsage total() {
        return read(BucketUsage.TOTAL, TOTAL_PREFIX);
    }

    /**
     * Up to {@code limit} buckets that have counters, in name order, after {@code startAfter} (null: from the
     * first). Empty buckets that never held a version may be missing: callers join with the bucket list.
     */
    public List<BucketUsage> list(String startAfter, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        List<BucketUsage> out = new ArrayList<>();
        byte[] from = startAfter == null ? new byte[] {0x01}
                : Bounds.prefixUpperBound(StoreKeys.bucketPrefix(startAfter));
        String current = null;
        long[] values = new long[CURRENT_BYTES + 1];
        try (KvIterator<byte[], byte[]> it = usage.scanRaw(from, null)) {
            while (it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                byte[] k = e.key();
                String bucket = new String(k, 0, k.length - 2, StandardCharsets.UTF_8);
                if (!bucket.equals(current)) {
                    if (current != null) {
                        out.add(of(current, values));
                        if (out.size() >= limit) {
                            return out;
                        }
                    }
                    current = bucket;
                    values = new long[CURRENT_BYTES + 1];
                }
                byte id = k[k.length - 1];
                if (id >= OBJECTS && id <= CURRENT_BYTES) {
                    values[id] = decode(e.value());
                }
            }
        }
        if (current != null && out.size() < limit) {
            out.add(of(current, values));
        }
        return out;
    }

    private BucketUsage read(String name, byte[] prefix) {
        long[] values = new long[CURRENT_BYTES + 1];
        for (KvEntry<byte[], byte[]> e : usage.scanPrefix(prefix, CURRENT_BYTES + 1)) {
            byte id = e.key()[e.key().length - 1];
            if (e.key().length == prefix.length + 1 && id >= OBJECTS && id <= CURRENT_BYTES) {
                values[id] = decode(e.value());
            }
        }
        return of(name, values);
    }

    private static BucketUsage of(String bucket, long[] v) {
        return new BucketUsage(bucket, v[OBJECTS], v[VERSIONS], v[DELETE_MARKERS], v[BYTES], v[CURRENT_BYTES]);
    }

    // ---- one-time backfill ---------------------------------------------------------------------------------

    /** Whether the counters are complete (written by this code from the start, or backfilled). */
    boolean backfilled() {
        return usage.get(BACKFILL_MARK).isPresent();
    }

    /**
     * Computes the counters of a store written before they existed, once: scans {@code versions} and
     * {@code objects}, writes every bucket's counters (plain puts, replacing anything there) and then the mark,
     * which makes later opens skip this. Run at open, before the store takes any write; a crash part way leaves no
     * mark, and the next open starts again from scratch (the puts are idempotent). On a fresh store this writes
     * only the mark.
     *
     * @return the number of buckets counted, or -1 when the mark was already there
     */
    int backfillIfNeeded(Table<byte[], VersionRecord> versions, Table<byte[], VersionRecord> objects) {
        if (backfilled()) {
            return -1;
        }
        long started = System.nanoTime();
        Map<String, long[]> counts = new TreeMap<>();
        try (KvIterator<byte[], VersionRecord> it = versions.scanRaw(null, null)) {
            while (it.hasNext()) {
                KvEntry<byte[], VersionRecord> e = it.next();
                long[] c = counts.computeIfAbsent(bucketOf(e.key()), b -> new long[CURRENT_BYTES + 1]);
                if (e.value().deleteMarker()) {
                    c[DELETE_MARKERS]++;
                } else {
                    c[VERSIONS]++;
                    c[BYTES] += e.value().size();
                }
            }
        }
        try (KvIterator<byte[], VersionRecord> it = objects.scanRaw(null, null)) {
            while (it.hasNext()) {
                KvEntry<byte[], VersionRecord> e = it.next();
                long[] c = counts.computeIfAbsent(bucketOf(e.key()), b -> new long[CURRENT_BYTES + 1]);
                c[OBJECTS]++;
                c[CURRENT_BYTES] += e.value().size();
            }
        }
        long[] total = new long[CURRENT_BYTES + 1];
        List<Map.Entry<String, long[]>> all = new ArrayList<>(counts.entrySet());
        for (int from = 0; from < all.size(); from += BACKFILL_BATCH_BUCKETS) {
            List<Map.Entry<String, long[]>> chunk = all.subList(from, Math.min(all.size(),
                    from + BACKFILL_BATCH_BUCKETS));
            db.write(batch -> {
                for (Map.Entry<String, long[]> e : chunk) {
                    for (byte id = OBJECTS; id <= CURRENT_BYTES; id++) {
                        usage.put(batch, counterKey(e.getKey(), id), encode(e.getValue()[id]));
                    }
                }
            });
            for (Map.Entry<String, long[]> e : chunk) {
                for (int id = OBJECTS; id <= CURRENT_BYTES; id++) {
                    total[id] += e.getValue()[id];
                }
            }
        }
        db.write(batch -> {
            for (byte id = OBJECTS; id <= CURRENT_BYTES; id++) {
                usage.put(batch, concat(TOTAL_PREFIX, new byte[] {id}), encode(total[id]));
            }
            usage.put(batch, BACKFILL_MARK, encode(System.currentTimeMillis()));
        });
        if (!counts.isEmpty()) {
            LOG.info("usage counters computed once for {} buckets of a store written before they existed ({} ms)",
                    counts.size(), (System.nanoTime() - started) / 1_000_000);
        }
        return counts.size();
    }

    /**
     * Recounts {@code bucket} from its versions (a scan; tests and a consistency check compare it with
     * {@link #usage}).
     */
    BucketUsage recount(String bucket, Table<byte[], VersionRecord> versions, Table<byte[], VersionRecord> objects) {
        long[] c = new long[CURRENT_BYTES + 1];
        byte[] prefix = StoreKeys.bucketPrefix(bucket);
        try (KvIterator<byte[], VersionRecord> it = versions.scanRaw(prefix, Bounds.prefixUpperBound(prefix))) {
            while (it.hasNext()) {
                VersionRecord v = it.next().value();
                if (v.deleteMarker()) {
                    c[DELETE_MARKERS]++;
                } else {
                    c[VERSIONS]++;
                    c[BYTES] += v.size();
                }
            }
        }
        try (KvIterator<byte[], VersionRecord> it = objects.scanRaw(prefix, Bounds.prefixUpperBound(prefix))) {
            while (it.hasNext()) {
                c[OBJECTS]++;
                c[CURRENT_BYTES] += it.next().value().size();
            }
        }
        return of(bucket, c);
    }

    // ---- encoding ------------------------------------------------------------------------------------------

    static byte[] counterKey(String bucket, byte counter) {
        return concat(StoreKeys.bucketPrefix(bucket), new byte[] {counter});
    }

    /** The bucket name of a raw object or version key: the bytes before the first 0x00. */
    private static String bucketOf(byte[] rawKey) {
        int end = 0;
        while (end < rawKey.length && rawKey[end] != 0) {
            end++;
        }
        return new String(rawKey, 0, end, StandardCharsets.UTF_8);
    }

    static byte[] encode(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static long decode(byte[] value) {
        if (value == null || value.length != 8) {
            LOG.warn("usage counter value of {} bytes ignored", value == null ? 0 : value.length);
            return 0;
        }
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "UsageLedger(" + Objects.toString(db.directory()) + ")";
    }
}
