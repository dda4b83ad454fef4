package dev.dualkey.storage.rocks;

import org.rocksdb.ColumnFamilyHandle;
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
    private int operations;

    Batch(RocksDatabase db, WriteBatch writeBatch) {
        this.db = db;
        this.writeBatch = writeBatch;
    }

    void put(RocksDatabase owner, ColumnFamilyHandle cf, byte[] key, byte[] value) {
        checkOwner(owner);
        try {
            writeBatch.put(cf, key, value);
        } catch (RocksDBException e) {
            throw new StorageIoException("cannot stage put: " + e.getMessage(), e);
        }
        grows = true;
        operations++;
    }

    void delete(RocksDatabase owner, ColumnFamilyHandle cf, byte[] key) {
        checkOwner(owner);
        try {
            writeBatch.delete(cf, key);
        } catch (RocksDBException e) {
            throw new StorageIoException("cannot stage delete: " + e.getMessage(), e);
        }
        operations++;
    }

    /** Number of staged puts and deletes. */
    public int size() {
        return operations;
    }

    /** True when the batch stores new values (as opposed to only deleting), so the free-space guard applies. */
    boolean grows() {
        return grows;
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
