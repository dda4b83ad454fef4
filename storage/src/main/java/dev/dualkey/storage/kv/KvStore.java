package dev.dualkey.storage.kv;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Raw key/value state in named spaces (for RocksDB: column families), with atomic conditional multi-key writes.
 * Keys compare as unsigned bytes within a space; scans are bounded and return at most {@code limit} entries.
 *
 * <p>Every method may throw {@link KvStateUnavailableException} when the store cannot be reached (etcd): the
 * caller refuses the request (503) and never treats it as success.
 */
public interface KvStore extends AutoCloseable {
    /** The current value of {@code key}, if any. */
    Optional<byte[]> get(String space, byte[] key);

    /**
     * At most {@code limit} entries with {@code fromInclusive <= key < toExclusive}, in key order; a null bound
     * is the start or end of the space.
     */
    List<KvPair> scan(String space, byte[] fromInclusive, byte[] toExclusive, int limit);

    /**
     * As {@link #scan}, in descending key order: the at most {@code limit} LARGEST keys with
     * {@code fromInclusive <= key < toExclusive}, largest first (newest-first readers such as the console's audit
     * page).
     */
    List<KvPair> scanReverse(String space, byte[] fromInclusive, byte[] toExclusive, int limit);

    /**
     * Applies {@code txn} durably (fsynced WAL / raft commit) if every condition holds, then runs its
     * {@link KvTxn#afterCommit} actions (with the store's locks released) before returning true. An implementation
     * must run them exactly there: after every write of the transaction happened, never for one that failed.
     *
     * @return false when a condition failed; then nothing was written and no action ran
     */
    boolean commit(KvTxn txn);

    /**
     * {@link #commit(KvTxn)} visible at once but possibly not yet durable: pass the ticket to
     * {@link #awaitDurable(long)} before telling anyone. An implementation that commits durably anyway returns 0.
     * The {@link KvTxn#afterCommit} actions run once the writes are applied, possibly before they are durable.
     *
     * @return the durability ticket, empty when a condition failed (nothing written)
     */
    OptionalLong commitDeferringSync(KvTxn txn);

    /** Returns once the deferred commit with {@code ticket} is durable (0: at once). */
    void awaitDurable(long ticket);

    /**
     * Whether the store answers now (readiness). Cheap for RocksDB (always true while open); for etcd one round
     * trip bounded by a short deadline.
     */
    boolean available();

    /**
     * A number that changes after every write this process commits to {@code space}, when this process is the
     * space's only writer (RocksDB: one process holds the data directory); empty when other processes may write it
     * (etcd: other gateways). For caches of records read from a space: a copy read after the stamp was taken is
     * still the stored record while the stamp is unchanged. A write is counted once it is visible to readers and
     * before its commit returns, so a cache checked after a write's call returned never answers from before it.
     */
    default OptionalLong localWriteStamp(String space) {
        return OptionalLong.empty();
    }

    /** A short description for logs ({@code rocksdb /data}, {@code etcd http://h:2379}). */
    String describe();

    @Override
    void close();

    /** Fills and commits an unconditional (or must-hold) transaction; {@link KvConflictException} if it failed. */
    default void write(Consumer<KvTxn> fill) {
        KvTxn txn = new KvTxn();
        fill.accept(txn);
        if (txn.isEmpty()) {
            return;
        }
        if (!commit(txn)) {
            throw new KvConflictException("a concurrent writer changed the state this write depended on");
        }
    }

    /** {@link #write(Consumer)} through {@link #commitDeferringSync(KvTxn)}; returns the ticket. */
    default long writeDeferringSync(Consumer<KvTxn> fill) {
        KvTxn txn = new KvTxn();
        fill.accept(txn);
        if (txn.isEmpty()) {
            return 0;
        }
        OptionalLong ticket = commitDeferringSync(txn);
        if (ticket.isEmpty()) {
            throw new KvConflictException("a concurrent writer changed the state this write depended on");
        }
        return ticket.getAsLong();
    }
}
