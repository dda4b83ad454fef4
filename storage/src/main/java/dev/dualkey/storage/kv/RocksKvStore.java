package dev.dualkey.storage.kv;

import dev.dualkey.storage.rocks.Batch;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.Table;
import dev.dualkey.storage.rocks.WriteRide;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link KvStore} over the data directory's {@link RocksDatabase}: a space is a column family (it must be one the
 * database was opened with), a key and a value are stored as they are, so the layout of every existing family is
 * unchanged.
 *
 * <p>Atomicity of conditional commits: the conditions are read and the batch written while holding the striped
 * locks of every key the transaction touches (conditions and writes), taken in stripe order. Every write through
 * any {@code RocksKvStore} of the same database takes them, so a condition cannot be invalidated between its
 * check and the write: {@link #over(RocksDatabase)} hands out one instance per database for that reason.
 */
public final class RocksKvStore implements KvStore {
    private static final int STRIPES = 256;
    /** Weak both ways: a store references its database, so a strong value would keep every closed one alive. */
    private static final Map<RocksDatabase, WeakReference<RocksKvStore>> INSTANCES = new WeakHashMap<>();

    private final RocksDatabase db;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Map<String, Table<byte[], byte[]>> tables = new ConcurrentHashMap<>();
    /** {@link #localWriteStamp}: per space, bumped after every write to it through this store (the only writer). */
    private final Map<String, AtomicLong> writeStamps = new ConcurrentHashMap<>();

    private RocksKvStore(RocksDatabase db) {
        this.db = db;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The one store over {@code db} (shared so that every writer takes the same locks). */
    public static RocksKvStore over(RocksDatabase db) {
        synchronized (INSTANCES) {
            WeakReference<RocksKvStore> ref = INSTANCES.get(db);
            RocksKvStore s = ref == null ? null : ref.get();
            if (s == null) {
                // no writer holds the previous one any more (else it would still be reachable): new locks are safe
                s = new RocksKvStore(db);
                INSTANCES.put(db, new WeakReference<>(s));
            }
            return s;
        }
    }

    public RocksDatabase database() {
        return db;
    }

    private Table<byte[], byte[]> table(String space) {
        return tables.computeIfAbsent(space, s -> db.table(s, Codecs.BYTES, Codecs.BYTES));
    }

    @Override
    public Optional<byte[]> get(String space, byte[] key) {
        return table(space).get(key);
    }

    @Override
    public List<KvPair> scan(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        List<KvPair> out = new ArrayList<>(Math.min(limit, 256));
        if (limit == 0) {
            return out;
        }
        try (KvIterator<byte[], byte[]> it = table(space).scanRaw(fromInclusive, toExclusive)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                out.add(new KvPair(e.key(), e.value()));
            }
        }
        return out;
    }

    @Override
    public List<KvPair> scanReverse(String space, byte[] fromInclusive, byte[] toExclusive, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + limit);
        }
        List<KvPair> out = new ArrayList<>(Math.min(limit, 256));
        if (limit == 0) {
            return out;
        }
        try (KvIterator<byte[], byte[]> it = table(space).scanRawReverse(fromInclusive, toExclusive)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                out.add(new KvPair(e.key(), e.value()));
            }
        }
        return out;
    }

    @Override
    public boolean commit(KvTxn txn) {
        if (apply(txn, fill -> {
            db.write(fill);
            return 0;
        }) < 0) {
            return false;
        }
        txn.committed(); // synced, stripes released
        return true;
    }

    /** The {@link KvTxn#afterCommit} actions run once the write is applied (visible), before it is synced. */
    @Override
    public OptionalLong commitDeferringSync(KvTxn txn) {
        long ticket = apply(txn, db::writeDeferringSync);
        if (ticket < 0) {
            return OptionalLong.empty();
        }
        txn.committed();
        return OptionalLong.of(ticket);
    }

    /**
     * {@link #commit(KvTxn)} whose writes ride in the WriteBatch of the caller's next write to this database through
     * {@code ride} (issue 19: a spent MFA code in the delete it authorizes, one write and one fsync, atomic). The
     * conditions are checked now, under the stripe locks of every key the transaction touches, and those stripes
     * stay held until {@link WriteRide#settle()}: no other commit can read or change these keys' conditions before
     * the ride is written (or, if its write failed, abandoned), so a concurrent check of the same MFA device waits,
     * then loses its compare-and-set, re-reads and sees the step spent. The transaction's
     * {@link KvTxn#afterCommit} actions go to the ride ({@link WriteRide#afterWritten}): they run in its settle,
     * after the batch carrying these writes was written, and never when that write failed.
     *
     * <p>Lock order for a caller: its own locks (an object store's bucket and key locks, a device lock), then these
     * stripes, then the database's close lock inside the write. A thread holding stripes in {@link #commit} waits
     * for no lock but the close lock, so holding them across the caller's write cannot deadlock.
     *
     * @return false when a condition failed: nothing attached, nothing held
     * @throws IllegalArgumentException when {@code ride} is for another database (nothing attached)
     * @throws IllegalStateException    when {@code ride} already carries something
     */
    public boolean commitRiding(KvTxn txn, WriteRide ride) {
        if (ride.database() != db) {
            throw new IllegalArgumentException("a ride for " + ride.database().directory() + " cannot carry a commit "
                    + "to " + db.directory());
        }
        if (ride.pending()) {
            throw new IllegalStateException("the ride already carries a commit");
        }
        List<KvTxn.Condition> conditions = txn.conditions();
        List<KvTxn.Op> ops = txn.ops();
        int[] held = stripesOf(conditions, ops);
        for (int s : held) {
            stripes[s].lock();
        }
        boolean attached = false;
        try {
            if (!conditionsHold(conditions)) {
                return false;
            }
            // counted when the ride settles: after the caller's write carried these ops (or failed)
            ride.attach(b -> stage(b, ops), () -> {
                stamp(ops);
                unlock(held);
            });
            attached = true;
            List<Runnable> after = txn.takeAfterCommit();
            if (!after.isEmpty()) {
                ride.afterWritten(() -> KvTxn.runAll(after));
            }
            return true;
        } finally {
            if (!attached) {
                unlock(held);
            }
        }
    }

    @Override
    public void awaitDurable(long ticket) {
        if (ticket > 0) {
            db.syncWalThrough(ticket);
        }
    }

    /**
     * Every write to this database's KV spaces goes through this store ({@link #over} hands out one per database,
     * and the database is locked to this process), so the count of its writes is the space's whole history here.
     */
    @Override
    public OptionalLong localWriteStamp(String space) {
        return OptionalLong.of(stampOf(space).get());
    }

    private AtomicLong stampOf(String space) {
        return writeStamps.computeIfAbsent(space, s -> new AtomicLong());
    }

    /** Counts a write of {@code ops} (after it is visible; also after a failed one, which costs a cache miss only). */
    private void stamp(List<KvTxn.Op> ops) {
        for (KvTxn.Op op : ops) {
            stampOf(op.space()).incrementAndGet();
        }
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public String describe() {
        return "rocksdb " + db.directory();
    }

    /** The database belongs to the storage engine, which closes it. */
    @Override
    public void close() {
    }

    interface Writer {
        long write(Consumer<Batch> fill);
    }

    /** @return the writer's result (0 or a ticket), -1 when a condition failed */
    private long apply(KvTxn txn, Writer writer) {
        List<KvTxn.Condition> conditions = txn.conditions();
        List<KvTxn.Op> ops = txn.ops();
        int[] held = stripesOf(conditions, ops);
        for (int s : held) {
            stripes[s].lock();
        }
        try {
            if (!conditionsHold(conditions)) {
                return -1;
            }
            if (ops.isEmpty()) {
                return 0;
            }
            try {
                return writer.write(b -> stage(b, ops));
            } finally {
                stamp(ops); // before the stripes are released and before the commit returns
            }
        } finally {
            unlock(held);
        }
    }

    /** Whether every condition holds now; the caller holds the conditions' stripes. */
    private boolean conditionsHold(List<KvTxn.Condition> conditions) {
        for (KvTxn.Condition c : conditions) {
            Optional<byte[]> now = table(c.space()).get(c.key());
            boolean holds = c.expected() == null ? now.isEmpty()
                    : now.isPresent() && Arrays.equals(now.get(), c.expected());
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private void stage(Batch b, List<KvTxn.Op> ops) {
        for (KvTxn.Op op : ops) {
            if (op.isDelete()) {
                table(op.space()).delete(b, op.key());
            } else {
                table(op.space()).put(b, op.key(), op.value());
            }
        }
    }

    private void unlock(int[] held) {
        for (int i = held.length - 1; i >= 0; i--) {
            stripes[held[i]].unlock();
        }
    }

    private static int[] stripesOf(List<KvTxn.Condition> conditions, List<KvTxn.Op> ops) {
        int[] all = new int[conditions.size() + ops.size()];
        int n = 0;
        for (KvTxn.Condition c : conditions) {
            all[n++] = stripe(c.space(), c.key());
        }
        for (KvTxn.Op o : ops) {
            all[n++] = stripe(o.space(), o.key());
        }
        // sorted, without duplicates (the lock order); a loop rather than an IntStream: it runs on every commit and
        // every MFA check, mostly interpreted there (issue 19: about 0.08 ms of CPU per MFA delete as a stream)
        Arrays.sort(all);
        int d = 0;
        for (int i = 0; i < all.length; i++) {
            if (d == 0 || all[i] != all[d - 1]) {
                all[d++] = all[i];
            }
        }
        return d == all.length ? all : Arrays.copyOf(all, d);
    }

    private static int stripe(String space, byte[] key) {
        int h = space.hashCode() * 31 + Arrays.hashCode(key);
        h ^= h >>> 16;
        return Math.floorMod(h, STRIPES);
    }
}
