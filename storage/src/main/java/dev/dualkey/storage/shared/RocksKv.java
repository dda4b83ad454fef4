package dev.dualkey.storage.shared;

import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.Table;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@link SharedKv} in a local RocksDB (the data directory's database): the state of a single gateway in upstream
 * mode without etcd, surviving restarts. Transactions are serialized by one monitor and applied as one synced
 * WriteBatch together with the revision counter.
 * <pre>
 *   shared.kv :- key bytes  -> revision (int64 BE) ++ value bytes
 *   shared.kv :- 0x00 "rev" -> last revision (int64 BE)        (the counter; user keys never start with 0x00)
 * </pre>
 */
public final class RocksKv implements SharedKv {
    /** The column family to declare when opening the database. */
    public static final ColumnFamilySpec FAMILY = ColumnFamilySpec.of("shared.kv",
            "key bytes :- revision (int64 BE) ++ value; 0x00 'rev' :- last revision");
    private static final byte[] COUNTER = {0, 'r', 'e', 'v'};

    private final RocksDatabase db;
    private final Table<byte[], byte[]> table;
    private long revision;

    public RocksKv(RocksDatabase db) {
        this.db = db;
        this.table = db.table(FAMILY.name(), Codecs.BYTES, Codecs.BYTES);
        this.revision = table.get(COUNTER).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
    }

    private static void checkKey(byte[] key) {
        if (key.length == 0 || key[0] == 0) {
            throw new IllegalArgumentException("keys starting with 0x00 are reserved");
        }
    }

    private static Entry entry(byte[] key, byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw);
        long rev = b.getLong();
        return new Entry(key, Arrays.copyOfRange(raw, 8, raw.length), rev);
    }

    @Override
    public Optional<Entry> get(byte[] key) {
        checkKey(key);
        return table.get(key).map(raw -> entry(key, raw));
    }

    @Override
    public List<Entry> range(byte[] from, byte[] to, int limit) {
        List<Entry> out = new ArrayList<>();
        byte[] start = from.length == 0 || from[0] == 0 ? new byte[] {1} : from;
        try (KvIterator<byte[], byte[]> it = table.scanRaw(start, to)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                out.add(entry(e.key(), e.value()));
            }
        }
        return out;
    }

    @Override
    public synchronized boolean commit(List<Compare> compares, List<Write> writes) {
        for (Compare c : compares) {
            long have = get(c.key()).map(Entry::revision).orElse(Compare.ABSENT);
            if (have != c.revision()) {
                return false;
            }
        }
        long rev = revision + 1;
        db.write(batch -> {
            for (Write w : writes) {
                checkKey(w.key());
                if (w.value() == null) {
                    table.delete(batch, w.key());
                } else {
                    table.put(batch, w.key(), ByteBuffer.allocate(8 + w.value().length).putLong(rev)
                            .put(w.value()).array());
                }
            }
            table.put(batch, COUNTER, ByteBuffer.allocate(8).putLong(rev).array());
        });
        revision = rev;
        return true;
    }

    @Override
    public void close() {
        // the database belongs to its opener
    }
}
