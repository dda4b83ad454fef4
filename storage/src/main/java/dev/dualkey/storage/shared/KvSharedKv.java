package dev.dualkey.storage.shared;

import dev.dualkey.storage.kv.KvPair;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.KvTxn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SharedKv} as one space of a {@link KvStore}: how cluster mode ({@code serve --upstream URL --state
 * etcd://...}) shares the upstream store's index (buckets with their whole configuration, keys with their versions,
 * multipart uploads) between gateways. The mapping is direct, call for call:
 * <ul>
 *   <li>{@link #get} is {@link KvStore#get} in {@link #SPACE} (etcd: a linearizable read);</li>
 *   <li>{@link #range} is {@link KvStore#scan} ({@code to == null}: to the end of the space);</li>
 *   <li>{@link #commit} is one {@link KvTxn}: each {@link SharedKv.Compare} an {@code expect} (etcd:
 *       {@code value == expected}, or {@code version == 0} for absence), each {@link SharedKv.Write} a put or
 *       delete; etcd evaluates and applies it as one {@code Txn} on the raft leader, so two gateways comparing
 *       against the same record cannot both commit.</li>
 * </ul>
 *
 * <p>Layout: etcd key {@code prefix || "shared.kv/" || key}, value = the record bytes unchanged. The space has the
 * name of {@link RocksKv}'s column family, so over {@link dev.dualkey.storage.kv.RocksKvStore} this class reads and
 * writes exactly what {@link RocksKv} does (the contract test runs both over one database).
 *
 * <p>Failure: an unreachable store throws {@link dev.dualkey.storage.kv.KvStateUnavailableException} from any call
 * (the gateway answers 503 ServiceUnavailable); a commit that timed out is reported as that exception, never as
 * success, and its writes may or may not be applied: the callers' records make either outcome safe (a publish
 * not reported leaves at most a visible version whose client saw an error, as a crash after the commit would; a
 * delete is decided again by the retry, whose compare sees the new record).
 */
public final class KvSharedKv implements SharedKv {
    /** The space of the store holding the index (also {@link RocksKv}'s column family name). */
    public static final String SPACE = RocksKv.FAMILY.name();

    private final KvStore store;

    /** The index in {@link #SPACE} of {@code store}; the store stays its opener's to close. */
    public KvSharedKv(KvStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public Optional<Entry> get(byte[] key) {
        checkKey(key);
        return store.get(SPACE, key).map(v -> new Entry(key.clone(), v));
    }

    @Override
    public List<Entry> range(byte[] from, byte[] to, int limit) {
        List<KvPair> page = store.scan(SPACE, from, to, limit);
        List<Entry> out = new ArrayList<>(page.size());
        for (KvPair p : page) {
            out.add(new Entry(p.key(), p.value()));
        }
        return out;
    }

    @Override
    public boolean commit(List<Compare> compares, List<Write> writes) {
        KvTxn txn = new KvTxn();
        for (Compare c : compares) {
            checkKey(c.key());
            txn.expect(SPACE, c.key(), c.expected());
        }
        for (Write w : writes) {
            checkKey(w.key());
            if (w.value() == null) {
                txn.delete(SPACE, w.key());
            } else {
                txn.put(SPACE, w.key(), w.value());
            }
        }
        if (txn.isEmpty()) {
            return true;
        }
        return store.commit(txn);
    }

    @Override
    public void close() {
        // the store belongs to its opener (the serve command closes it after the gateway stops)
    }

    private static void checkKey(byte[] key) {
        if (Objects.requireNonNull(key, "key").length == 0) {
            throw new IllegalArgumentException("empty key");
        }
    }
}
