package dev.dualkey.mfa.audit;

import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append-only audit log in the {@code mfa.audit} family. Key = epoch millis (8 bytes big-endian) followed by a
 * sequence (8 bytes big-endian), so a forward scan returns records in time order and two records of the same
 * millisecond never collide. The sequence starts at a random non-negative value per process and increases by one
 * per record. In the embedded mode one process writes (RocksDB locks the directory); in cluster mode several
 * gateways append to one log in etcd, and two records collide only if two gateways' random 62-bit sequences are
 * within their record counts of each other AND two records fall into the same millisecond: negligible, and a
 * collision would overwrite one audit record, never decide anything.
 * Records are never updated. They are deleted only by {@link #pruneBefore}, which the server's retention task
 * calls for records older than the retention setting (default 365 days, {@code serve --audit-retention-days}): no
 * API, policy or admin command deletes one earlier.
 *
 * <p>Listeners ({@link #addListener}) hear a record only once the write that stores it is committed, exactly once,
 * and never when that write fails (a lost compare-and-set, an I/O error, etcd unreachable): whoever commits, the
 * record reaches them through the transaction's {@link KvTxn#afterCommit} action, which only a successful commit
 * runs (a riding MFA check's: when its ride was written). So the metrics and the alert webhook never report a device
 * enabled, a sign-in or a key created that did not happen, and a retried transaction is heard once (SECURITY.md
 * AC1). There is no other way to tell them. They run on the committing thread, possibly under the caller's locks
 * (device, account), so they must return at once (the alert webhook only enqueues).
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private final MfaStore store;
    private final AtomicLong sequence;
    private final List<Consumer<AuditRecord>> listeners = new CopyOnWriteArrayList<>();

    public AuditLog(MfaStore store) {
        this.store = store;
        this.sequence = new AtomicLong(new SecureRandom().nextLong() >>> 2);
    }

    /** Appends {@code record} in its own synced write; the listeners hear it once that write is committed. */
    public void append(AuditRecord record) {
        store.kv().write(b -> append(b, record));
    }

    /**
     * Appends {@code record} without waiting for the WAL to reach the disk: it survives a process crash at once and
     * becomes durable against a power cut with the next synced write to the database. For a stream of records that
     * each follow a synced change (the lifecycle worker's deletions): one fsync per change instead of two. The
     * listeners hear it once the write is applied.
     */
    public void appendDeferringSync(AuditRecord record) {
        store.kv().writeDeferringSync(b -> append(b, record));
    }

    /**
     * Stages {@code record} in {@code batch}, so it commits atomically with the change it describes; the listeners
     * hear it when, and only if, {@code batch} is committed ({@link KvTxn#afterCommit}).
     */
    public void append(KvTxn batch, AuditRecord record) {
        stage(batch, record);
        batch.afterCommit(() -> notifyListeners(record));
    }

    private void stage(KvTxn batch, AuditRecord record) {
        store.audit().put(batch, key(record.time().toEpochMilli(), sequence.getAndIncrement()), record);
    }

    /**
     * Calls {@code listener} with every record committed from now on (see the class comment for when): the metrics
     * count MFA checks and sign-ins from them, the alert webhook enqueues security events. It must be fast.
     */
    public void addListener(Consumer<AuditRecord> listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Stops calling {@code listener}. */
    public void removeListener(Consumer<AuditRecord> listener) {
        listeners.remove(listener);
    }

    private void notifyListeners(AuditRecord record) {
        for (Consumer<AuditRecord> l : listeners) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                // A listener's failure must not fail the change the record describes (it is already written).
                LOG.warn("audit listener failed", e);
            }
        }
    }

    /** A page of records, newest first, and where the next (older) page starts; {@code next} null at the end. */
    public record Page(List<Positioned> records, String next) {
    }

    /**
     * Up to {@code limit} records passing {@code filter}, newest first, older than position {@code before} (a
     * {@link Positioned#position()} from a previous page; null for the newest). Examines at most
     * {@code scanBudget} records: a page may then hold fewer than {@code limit} records with a {@code next} cursor
     * to go on from, so that a filter that matches rarely costs one bounded scan per page. The cursor is a record's
     * key, so it is stable while new records arrive (they sort after it) and while old ones are pruned.
     *
     * @throws IllegalArgumentException when {@code before} is not a position
     */
    public Page page(AuditFilter filter, String before, int limit, int scanBudget) {
        byte[] upper = before == null || before.isEmpty() ? null : position(before);
        if (filter.to() != null) {
            byte[] toKey = key(Math.max(0, filter.to().toEpochMilli()), 0);
            if (upper == null || Arrays.compareUnsigned(toKey, upper) < 0) {
                upper = toKey;
            }
        }
        byte[] lower = filter.from() == null ? null : key(Math.max(0, filter.from().toEpochMilli()), 0);
        List<Positioned> out = new ArrayList<>();
        String last = null;
        int examined = 0;
        try (KvIterator<byte[], AuditRecord> it = store.audit().scanRawReverse(lower, upper)) {
            while (it.hasNext()) {
                if (out.size() == limit || examined == scanBudget) {
                    return new Page(out, last);
                }
                KvEntry<byte[], AuditRecord> e = it.next();
                examined++;
                last = HexFormat.of().formatHex(e.key());
                if (filter.matches(e.value())) {
                    out.add(new Positioned(last, e.value()));
                }
            }
        }
        return new Page(out, null);
    }

    /**
     * Deletes up to {@code max} records stamped before {@code cutoff}, oldest first, in one write; returns how many.
     * The retention task calls it repeatedly, so no single write (or pause) grows with the backlog.
     */
    public int pruneBefore(Instant cutoff, int max) {
        byte[] upper = key(Math.max(0, cutoff.toEpochMilli()), 0);
        List<byte[]> doomed = new ArrayList<>();
        try (KvIterator<byte[], AuditRecord> it = store.audit().scanRaw(null, upper)) {
            while (doomed.size() < max && it.hasNext()) {
                doomed.add(it.next().key());
            }
        }
        if (!doomed.isEmpty()) {
            store.kv().write(b -> doomed.forEach(k -> store.audit().delete(b, k)));
        }
        return doomed.size();
    }

    private static byte[] position(String hex) {
        byte[] k;
        try {
            k = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an audit position: " + hex);
        }
        if (k.length != 16) {
            throw new IllegalArgumentException("not an audit position: " + hex);
        }
        return k;
    }

    /** Up to {@code limit} records with time at or after {@code from}, oldest first. */
    public List<AuditRecord> read(Instant from, int limit) {
        List<AuditRecord> out = new ArrayList<>();
        try (KvIterator<byte[], AuditRecord> it = store.audit().scanRaw(key(Math.max(0, from.toEpochMilli()), 0),
                null)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], AuditRecord> e = it.next();
                out.add(e.value());
            }
        }
        return out;
    }

    /** A record and its position in the log (hex of its 16-byte key), for readers that resume. */
    public record Positioned(String position, AuditRecord record) {
    }

    /**
     * Up to {@code limit} records with time at or after {@code from}, oldest first, each with its position;
     * for tailing the log ({@code dualkey admin audit --follow}): a reader re-reads a short window and skips the
     * positions it has seen, because a record stamped earlier may commit after a later one.
     */
    public List<Positioned> readPositioned(Instant from, int limit) {
        List<Positioned> out = new ArrayList<>();
        try (KvIterator<byte[], AuditRecord> it = store.audit().scanRaw(key(Math.max(0, from.toEpochMilli()), 0),
                null)) {
            while (out.size() < limit && it.hasNext()) {
                KvEntry<byte[], AuditRecord> e = it.next();
                out.add(new Positioned(java.util.HexFormat.of().formatHex(e.key()), e.value()));
            }
        }
        return out;
    }

    private static byte[] key(long millis, long seq) {
        byte[] k = new byte[16];
        System.arraycopy(Codecs.LONG.encode(millis), 0, k, 0, 8);
        System.arraycopy(Codecs.LONG.encode(seq), 0, k, 8, 8);
        return k;
    }
}
