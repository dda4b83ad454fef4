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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Append-only audit log in the {@code mfa.audit} family. Key = epoch millis (8 bytes big-endian) followed by a
 * sequence (8 bytes big-endian), so a forward scan returns records in time order and two records of the same
 * millisecond never collide. The sequence starts at a random non-negative value per process and increases by one
 * per record. In the embedded mode one process writes (RocksDB locks the directory); in cluster mode several
 * gateways append to one log in etcd, and two records collide only if two gateways' random 62-bit sequences are
 * within their record counts of each other AND two records fall into the same millisecond: negligible, and a
 * collision would overwrite one audit record, never decide anything.
 * Records are never updated or deleted by this class.
 */
public final class AuditLog {
    private final MfaStore store;
    private final AtomicLong sequence;

    public AuditLog(MfaStore store) {
        this.store = store;
        this.sequence = new AtomicLong(new SecureRandom().nextLong() >>> 2);
    }

    /** Appends {@code record} in its own synced write. */
    public void append(AuditRecord record) {
        store.kv().write(b -> append(b, record));
    }

    /**
     * Appends {@code record} without waiting for the WAL to reach the disk: it survives a process crash at once and
     * becomes durable against a power cut with the next synced write to the database. For a stream of records that
     * each follow a synced change (the lifecycle worker's deletions): one fsync per change instead of two.
     */
    public void appendDeferringSync(AuditRecord record) {
        store.kv().writeDeferringSync(b -> append(b, record));
    }

    /** Stages {@code record} in {@code batch}, so it commits atomically with the change it describes. */
    public void append(KvTxn batch, AuditRecord record) {
        store.audit().put(batch, key(record.time().toEpochMilli(), sequence.getAndIncrement()), record);
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
