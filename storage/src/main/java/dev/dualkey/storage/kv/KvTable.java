package dev.dualkey.storage.kv;

import dev.dualkey.storage.rocks.Bounds;
import dev.dualkey.storage.rocks.Codec;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * A typed view of one space of a {@link KvStore}, with the shape of {@code rocks.Table} so that code written
 * against tables moves over by changing types: single-key writes of their own, staged writes into a
 * {@link KvTxn}, bounded scans. Thread-safe.
 *
 * <p>For compare-and-set: {@link #read(Object)} returns the decoded value together with the exact stored bytes,
 * and {@link #expect(KvTxn, Object, Optional)} makes a transaction commit only if the key still holds them.
 *
 * <p>Iterators fetch {@value #PAGE} entries per round trip; a page is a consistent snapshot, the whole iteration
 * is not (as a RocksDB iterator over a live database with concurrent writers is per key, not per scan).
 */
public final class KvTable<K, V> {
    static final int PAGE = 256;

    /** A value as read, with the stored bytes a compare-and-set compares against. */
    public record Versioned<V>(V value, byte[] raw) {
    }

    private final KvStore store;
    private final String space;
    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;

    public KvTable(KvStore store, String space, Codec<K> keyCodec, Codec<V> valueCodec) {
        this.store = Objects.requireNonNull(store, "store");
        this.space = Objects.requireNonNull(space, "space");
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
    }

    public String name() {
        return space;
    }

    public KvStore store() {
        return store;
    }

    public Codec<K> keyCodec() {
        return keyCodec;
    }

    public Codec<V> valueCodec() {
        return valueCodec;
    }

    public Optional<V> get(K key) {
        return store.get(space, encodeKey(key)).map(valueCodec::decode);
    }

    /** The value and its stored bytes, for {@link #expect}. */
    public Optional<Versioned<V>> read(K key) {
        return store.get(space, encodeKey(key)).map(raw -> new Versioned<>(valueCodec.decode(raw), raw));
    }

    /** Makes {@code txn} commit only if {@code key} still holds {@code seen} (absent when empty). */
    public void expect(KvTxn txn, K key, Optional<Versioned<V>> seen) {
        txn.expect(space, encodeKey(key), seen.map(Versioned::raw).orElse(null));
    }

    /** Makes {@code txn} commit only if {@code key} is absent. */
    public void expectAbsent(KvTxn txn, K key) {
        txn.expectAbsent(space, encodeKey(key));
    }

    public void put(K key, V value) {
        store.write(t -> put(t, key, value));
    }

    public void delete(K key) {
        store.write(t -> delete(t, key));
    }

    public void put(KvTxn txn, K key, V value) {
        txn.put(space, encodeKey(key), valueCodec.encode(Objects.requireNonNull(value, "value")));
    }

    public void delete(KvTxn txn, K key) {
        txn.delete(space, encodeKey(key));
    }

    public KvIterator<K, V> scanPrefix(byte[] prefix) {
        return scanRaw(prefix, Bounds.prefixUpperBound(prefix));
    }

    public KvIterator<K, V> scanPrefix(K prefixKey) {
        return scanPrefix(keyCodec.encode(prefixKey));
    }

    public List<KvEntry<K, V>> scanPrefix(byte[] prefix, int limit) {
        return decode(store.scan(space, prefix, Bounds.prefixUpperBound(prefix), limit));
    }

    /** Entries with {@code fromInclusive <= key < upperExclusive}, lazily in pages; either bound may be null. */
    public KvIterator<K, V> scanRaw(byte[] fromInclusive, byte[] upperExclusive) {
        return new PagedIterator(fromInclusive, upperExclusive, false);
    }

    /**
     * Entries with {@code fromInclusive <= key < upperExclusive} in DESCENDING key order, lazily in pages; either
     * bound may be null.
     */
    public KvIterator<K, V> scanRawReverse(byte[] fromInclusive, byte[] upperExclusive) {
        return new PagedIterator(fromInclusive, upperExclusive, true);
    }

    public List<KvEntry<K, V>> range(K fromInclusive, int limit) {
        return decode(store.scan(space, keyCodec.encode(fromInclusive), null, limit));
    }

    private byte[] encodeKey(K key) {
        return keyCodec.encode(Objects.requireNonNull(key, "key"));
    }

    private List<KvEntry<K, V>> decode(List<KvPair> raw) {
        List<KvEntry<K, V>> out = new ArrayList<>(raw.size());
        for (KvPair p : raw) {
            out.add(new KvEntry<>(keyCodec.decode(p.key()), valueCodec.decode(p.value())));
        }
        return out;
    }

    /**
     * Pages through a range in either direction. Forward: each next page starts just after the last key seen
     * (that key with a 0 byte appended, the smallest larger key). Reverse: each page's smallest key is the next
     * page's exclusive upper bound.
     */
    private final class PagedIterator implements KvIterator<K, V> {
        private final boolean reverse;
        private byte[] lower;
        private byte[] upper;
        private List<KvPair> page = List.of();
        private int at;
        private boolean exhausted;

        PagedIterator(byte[] lower, byte[] upper, boolean reverse) {
            this.lower = lower;
            this.upper = upper;
            this.reverse = reverse;
        }

        @Override
        public boolean hasNext() {
            if (at < page.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            page = reverse ? store.scanReverse(space, lower, upper, PAGE) : store.scan(space, lower, upper, PAGE);
            at = 0;
            if (page.size() < PAGE) {
                exhausted = true;
            } else {
                byte[] last = page.get(page.size() - 1).key();
                if (reverse) {
                    upper = last;
                } else {
                    lower = Arrays.copyOf(last, last.length + 1);
                }
            }
            return !page.isEmpty();
        }

        @Override
        public KvEntry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KvPair p = page.get(at++);
            return new KvEntry<>(keyCodec.decode(p.key()), valueCodec.decode(p.value()));
        }

        @Override
        public void close() {
            page = List.of();
            exhausted = true;
        }
    }
}
