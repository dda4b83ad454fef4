package dev.dualkey.storage.rocks;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import dev.dualkey.storage.error.StorageIoException;

/**
 * The changes of one atomic write, possibly across several tables. Obtained only inside
 * {@link RocksDatabase#write}; fill it with {@link Table#put(Batch, Object, Object)} and
 * {@link Table#delete(Batch, Object)}. Reads made while filling a batch see the committed state, not the
 * batch's own pending changes. Not thread-safe; do not keep a reference after the lambda returns.
 */
public final class Batch {
    private final RocksDatabase db;
    private final WriteBatch writeBatch;
    private boolean grows;
    private boolean releasesData;
    private int operations;

    Batch(RocksDatabase db, WriteBatch writeBatch) {
        this.db = db;
        this.writeBatch = writeBatch;
    }

    void put(RocksDatabase owner, String family, byte[] key, byte[] value) {
        checkOwner(owner);
        try {
            writeBatch.put(db.handle(family), key, value);
        } catch (RocksDBException e) {
            throw new StorageIoException("cannot stage put: " + e.getMessage(), e);
        }
        grows = true;
        operations++;
    }

    void delete(RocksDatabase owner, String family, byte[] key) {
        checkOwner(owner);
        try {
            writeBatch.delete(db.handle(family), key);
        } catch (RocksDBException e) {
            throw new StorageIoException("cannot stage delete: " + e.getMessage(), e);
        }
        operations++;
    }

    /**
     * Stages a RocksDB merge operand (the family's merge operator combines it with the stored value at read and
     * compaction time: {@link UsageLedger}'s counters). Like a delete, a merge does not count as growing for the
     * free-space guard: its operands are a few bytes that compaction folds away.
     */
    void merge(RocksDatabase owner, String family, byte[] key, byte[] operand) {
        checkOwner(owner);
        try {
            writeBatch.merge(db.handle(family), key, operand);
        } catch (RocksDBException e) {
            throw new StorageIoException("cannot stage merge: " + e.getMessage(), e);
        }
        operations++;
    }

    /** Number of staged puts, deletes and merges. */
    public int size() {
        return operations;
    }

    /**
     * Declares that this batch removes stored data (a DELETE, an abort): it then passes the free-space guard
     * even if it also stages small puts (a promoted version, a delete marker), so that a (nearly) full disk can
     * still be cleaned up.
     */
    public void releasesData() {
        releasesData = true;
    }

    /** True when the free-space guard applies: the batch stores new values and was not declared a release. */
    boolean grows() {
        return grows && !releasesData;
    }

    WriteBatch writeBatch() {
        return writeBatch;
    }

    private void checkOwner(RocksDatabase owner) {
        if (owner != db) {
            throw new IllegalArgumentException("table belongs to another database than this batch");
        }
    }
}
