package dev.dualkey.storage.shared;

import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@link SharedKv} in a local RocksDB (the data directory's database): the state of a single gateway in upstream
 * mode without etcd, surviving restarts. Transactions are serialized by one monitor and applied as one synced
 * WriteBatch.
 * <pre>
 *   shared.kv :- key bytes -> value bytes
 * </pre>
 */
public final class RocksKv implements SharedKv {
    /** The column family to declare when opening the database. */
    public static final ColumnFamilySpec FAMILY = ColumnFamilySpec.of("shared.kv",
            "key bytes :- value bytes (the upstream store's bucket, key and upload records)");

    private final RocksDatabase db;
    private final Table<byte[], byte[]> table;

    public RocksKv(RocksDatabase db) {
        this.db = db;
        this.table = db.table(FAMILY.name(), Codecs.BYTES, Codecs.BYTES);
    }

    private static void checkKey(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
    }

    @Override
    public Optional<Entry> get(byte[] key) {
        checkKey(key);
        return table.get(key).map(v -> new Entry(key, v));
    }

    @Override
    public List<Entry> range(byte[] from, byte[] to, int limit) {
        List<Entry> out = new ArrayList<>();
        try (KvIterator<byte[], byte[]> it = table.scanRaw(from, to)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                out.add(new Entry(e.key(), e.value()));
            }
        }
        return out;
    }

    @Override
    public synchronized boolean commit(List<Compare> compares, List<Write> writes) {
        for (Compare c : compares) {
            if (!Arrays.equals(get(c.key()).map(Entry::value).orElse(null), c.expected())) {
                return false;
            }
        }
        db.write(batch -> {
            for (Write w : writes) {
                checkKey(w.key());
                if (w.value() == null) {
                    table.delete(batch, w.key());
                } else {
                    table.put(batch, w.key(), w.value());
                }
            }
        });
        return true;
    }

    @Override
    public void close() {
        // the database belongs to its opener
    }
}
