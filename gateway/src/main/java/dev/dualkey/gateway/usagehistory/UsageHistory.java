package dev.dualkey.gateway.usagehistory;

import dev.dualkey.storage.kv.KvPair;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The usage history table in the state store (RocksDB column family, or etcd prefix, {@value #SPACE}).
 *
 * <p>Byte layout. Key: series name (UTF-8) || 0x00 || sample time in epoch milliseconds (8 bytes, big-endian), so
 * one series' samples are contiguous and in time order. Series names: {@code b/BUCKET} (a bucket),
 * {@code a/ACCOUNTID} (the sum of an account's buckets at that sample), {@code t} (the store's total). Value,
 * version 1: 0x01 || bytes (8 B BE) || objects (8 B BE) || versions (8 B BE); a reader ignores trailing bytes, so
 * later versions may append fields.
 *
 * <p>A sample's time is the start of its interval, so two gateways sharing an etcd state store (or a restart within
 * the hour) write the same key and the table holds one sample per interval.
 */
public final class UsageHistory {
    /** The space (column family) name. */
    public static final String SPACE = "gateway.usage_history";
    /** Its column family, to open the database with (identity store families). */
    public static final ColumnFamilySpec FAMILY = ColumnFamilySpec.of(SPACE,
            "series 00 || epochMillis :- 01 || bytes || objects || versions");
    private static final byte VERSION = 1;

    private final KvStore kv;

    public UsageHistory(KvStore kv) {
        this.kv = kv;
    }

    /** A bucket's series name. */
    public static String bucketSeries(String bucket) {
        return "b/" + bucket;
    }

    /** An account's series name (the sum of its buckets). */
    public static String accountSeries(String accountId) {
        return "a/" + accountId;
    }

    /** The store-wide series name. */
    public static final String TOTAL_SERIES = "t";

    /** Writes samples and deletes keys in one atomic write. */
    void write(List<Entry> samples, List<byte[]> doomed) {
        kv.write(txn -> {
            for (Entry e : samples) {
                txn.put(SPACE, key(e.series(), e.sample().time()), value(e.sample()));
            }
            for (byte[] k : doomed) {
                txn.delete(SPACE, k);
            }
        });
    }

    /** A sample of a series, to write. */
    record Entry(String series, UsageSample sample) {
    }

    /** Up to {@code limit} keys of {@code series} stamped before {@code cutoff}, oldest first. */
    List<byte[]> keysBefore(String series, Instant cutoff, int limit) {
        List<byte[]> out = new ArrayList<>();
        for (KvPair p : kv.scan(SPACE, key(series, Instant.EPOCH), key(series, cutoff), limit)) {
            out.add(p.key());
        }
        return out;
    }

    /** The newest {@code limit} samples of {@code series} at or after {@code from}, oldest first. */
    public List<UsageSample> series(String series, Instant from, int limit) {
        List<KvPair> pairs = kv.scanReverse(SPACE, key(series, from), end(series), limit);
        List<UsageSample> out = new ArrayList<>(pairs.size());
        for (int i = pairs.size() - 1; i >= 0; i--) {
            out.add(decode(pairs.get(i)));
        }
        return out;
    }

    /**
     * The first series name after {@code after} (null: the first of the table) with at least one sample, if any:
     * one bounded scan (one key) per call, so a sweep over every series costs one read per series whatever the
     * number of samples.
     */
    Optional<String> nextSeries(String after) {
        List<KvPair> first = kv.scan(SPACE, after == null ? null : end(after), null, 1);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        byte[] k = first.get(0).key();
        return Optional.of(new String(k, 0, k.length - 9, StandardCharsets.UTF_8));
    }

    /** Up to {@code limit} keys of {@code series}, oldest first (a deleted bucket's series, to remove). */
    List<byte[]> keysOf(String series, int limit) {
        List<byte[]> out = new ArrayList<>();
        for (KvPair p : kv.scan(SPACE, key(series, Instant.EPOCH), end(series), limit)) {
            out.add(p.key());
        }
        return out;
    }

    static byte[] key(String series, Instant time) {
        byte[] name = series.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 9).put(name).put((byte) 0)
                .putLong(Math.max(0, time.toEpochMilli())).array();
    }

    /** The first key after every key of {@code series}. */
    private static byte[] end(String series) {
        byte[] name = series.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1).put(name).put((byte) 1).array();
    }

    private static byte[] value(UsageSample s) {
        return ByteBuffer.allocate(25).put(VERSION).putLong(s.bytes()).putLong(s.objects()).putLong(s.versions())
                .array();
    }

    private static UsageSample decode(KvPair p) {
        ByteBuffer k = ByteBuffer.wrap(p.key());
        long millis = k.getLong(p.key().length - 8);
        ByteBuffer v = ByteBuffer.wrap(p.value());
        v.get(); // version
        return new UsageSample(Instant.ofEpochMilli(millis), v.getLong(), v.getLong(), v.getLong());
    }
}
