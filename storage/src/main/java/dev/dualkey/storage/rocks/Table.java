package dev.dualkey.storage.rocks;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed view of one column family. Thread-safe. Single-key {@link #put(Object, Object)} and
 * {@link #delete(Object)} are synced writes of their own; use {@link RocksDatabase#write} with the
 * {@code Batch} overloads to change several keys or tables atomically.
 *
 * <p>Scans are bounded: every iterator gets an {@code iterate_upper_bound}, so a prefix scan never walks into
 * other prefixes, and the {@code limit} variants return at most {@code limit} entries.
 *
 * @param <K> key type, encoded by an order-preserving {@link Codec} when ranges matter
 * @param <V> value type
 */
public final class Table<K, V> {
    private final RocksDatabase db;
    private final String name;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;

    Table(RocksDatabase db, String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        this.db = db;
        this.name = name;
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
    }

    /** The column family name. */
    public String name() {
        return name;
    }

    public Codec<K> keyCodec() {
        return keyCodec;
    }

    public Codec<V> valueCodec() {
        return valueCodec;
    }

    /** The committed value of {@code key}, if any. */
    public Optional<V> get(K key) {
        byte[] raw = db.get(name, keyCodec.encode(Objects.requireNonNull(key, "key")));
        return raw == null ? Optional.empty() : Optional.of(valueCodec.decode(raw));
    }

    /** Stores {@code value} under {@code key} in its own synced write. */
    public void put(K key, V value) {
        db.write(b -> put(b, key, value));
    }

    /** Removes {@code key} in its own synced write (no error when absent). */
    public void delete(K key) {
        db.write(b -> delete(b, key));
    }

    /** Stages a put in {@code batch}. */
    public void put(Batch batch, K key, V value) {
        batch.put(db, name, keyCodec.encode(Objects.requireNonNull(key, "key")),
                valueCodec.encode(Objects.requireNonNull(value, "value")));
    }

    /** Stages a delete in {@code batch}. */
    public void delete(Batch batch, K key) {
        batch.delete(db, name, keyCodec.encode(Objects.requireNonNull(key, "key")));
    }

    /**
     * Stages a merge operand for {@code key} in {@code batch}; meaningful only for families whose merge operator
     * is set (see {@link RocksDatabase}: {@code uint64add} for {@link UsageLedger}'s counters).
     */
    public void merge(Batch batch, K key, V operand) {
        batch.merge(db, name, keyCodec.encode(Objects.requireNonNull(key, "key")),
                valueCodec.encode(Objects.requireNonNull(operand, "operand")));
    }

    /** Iterates every entry whose encoded key starts with {@code prefix}, in key byte order. Close it. */
    public KvIterator<K, V> scanPrefix(byte[] prefix) {
        return scanRaw(prefix, Bounds.prefixUpperBound(prefix));
    }

    /** Iterates every entry whose encoded key starts with the encoding of {@code prefixKey}. Close it. */
    public KvIterator<K, V> scanPrefix(K prefixKey) {
        return scanPrefix(keyCodec.encode(prefixKey));
    }

    /** At most {@code limit} entries whose encoded key starts with {@code prefix}. */
    public List<KvEntry<K, V>> scanPrefix(byte[] prefix, int limit) {
        try (KvIterator<K, V> it = scanPrefix(prefix)) {
            return drain(it, limit);
        }
    }

    /**
     * Iterates entries with {@code fromInclusive <= key < upperExclusive} in raw byte order. Either bound may be
     * null (table start / table end). Close it.
     */
    public KvIterator<K, V> scanRaw(byte[] fromInclusive, byte[] upperExclusive) {
        return db.iterator(name, fromInclusive, upperExclusive, keyCodec, valueCodec);
    }

    /**
     * Iterates entries with {@code fromInclusive <= key < upperExclusive} from the last down to the first (raw byte
     * order reversed). Either bound may be null. Close it.
     */
    public KvIterator<K, V> scanRawReverse(byte[] fromInclusive, byte[] upperExclusive) {
        return db.iterator(name, fromInclusive, upperExclusive, keyCodec, valueCodec, true);
    }

    /** At most {@code limit} entries starting at {@code fromInclusive} (page-wise table walks). */
    public List<KvEntry<K, V>> range(K fromInclusive, int limit) {
        try (KvIterator<K, V> it = scanRaw(keyCodec.encode(fromInclusive), null)) {
            return drain(it, limit);
        }
    }

    private static <K, V> List<KvEntry<K, V>> drain(KvIterator<K, V> it, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        List<KvEntry<K, V>> out = new ArrayList<>(Math.min(limit, 1024));
        while (out.size() < limit && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}
