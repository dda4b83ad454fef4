package dev.dualkey.storage.rocks;

import dev.dualkey.storage.rocks.StoreRecords.BucketRecord;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded {@code storage.buckets} records kept in memory (issue 19). A small PUT read its bucket's record three
 * times (the gateway's HeadBucket for authorization and encryption, the writer's existence check, the publish under
 * the bucket lock): three RocksDB lookups, whose blocks the memtables' share of the block cache often evicts, and
 * three decodes of the configuration (tags, policy, sub-resource documents: a tenth of the heap a PUT allocated).
 * Bucket records change rarely (create, delete, configuration) and only through {@link RocksObjectStore}, which
 * calls {@link #changed} after every such write.
 *
 * <p>Why no reader ever sees a stale record, not even for a moment: a writer changes the database first, then, in
 * one atomic step on the name's map entry ({@link ConcurrentHashMap#compute}), counts the change and removes the
 * name. A reader notes the count, reads the database, and in one atomic step on the same entry puts what it read
 * only if the count has not moved. A reader that read the old value read it before the write, so before the count
 * moved: if its step comes after the writer's it sees the count moved and puts nothing; if before, the writer's
 * step removes the entry, and does so before the writer releases its bucket write lock (bucket configuration such
 * as MFA Delete and the policy is read under the bucket's read lock where it matters). Absent buckets are not
 * cached (a NoSuchBucket costs a lookup, as before).
 *
 * <p>Memory: at most {@link #MAX_ENTRIES} records (a record is its name, owner, region, tags, policy and
 * sub-resource documents: a policy is at most 20 KiB); past that, further buckets are read from the database
 * each time.
 */
final class BucketRecordCache {
    /** Buckets whose records are kept; the rest are read each time. */
    static final int MAX_ENTRIES = 256;

    private final Table<String, BucketRecord> table;
    private final ConcurrentHashMap<String, BucketRecord> records = new ConcurrentHashMap<>();
    /** Bucket record writes so far (only their order relative to a reader's lookup matters). */
    private final AtomicLong changes = new AtomicLong();

    BucketRecordCache(Table<String, BucketRecord> table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    /** The committed record of {@code name}, if any: from memory, or read and kept. */
    Optional<BucketRecord> get(String name) {
        BucketRecord kept = records.get(name);
        if (kept != null) {
            return Optional.of(kept);
        }
        long before = changes.get();
        Optional<BucketRecord> read = table.get(name);
        if (read.isPresent() && records.size() < MAX_ENTRIES) {
            BucketRecord r = read.get();
            // kept only if no bucket write counted since the read began (atomic with changed() on this name)
            records.compute(name, (k, held) -> changes.get() == before ? r : held);
        }
        return read;
    }

    /**
     * The record of {@code name} was written (or a write of it failed part way): forget it. Called after the
     * database write, never before it.
     */
    void changed(String name) {
        records.compute(name, (k, held) -> {
            changes.incrementAndGet();
            return null;
        });
    }

    /** Records held (tests). */
    int size() {
        return records.size();
    }
}
