package dev.dualkey.storage.shared;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordered key/value map shared by every gateway of a cluster: reads are linearizable; a transaction compares the
 * current values of some keys with what the caller read and, only when all are equal, applies its puts and deletes
 * atomically (etcd: {@code Txn(If(value == v...)).Then(put..., delete...)}; the same model as the {@code KvStore}
 * of the etcd branch, restricted to one space).
 *
 * <p>Comparing values rather than revisions admits the ABA case (a record changed and changed back): the callers'
 * records make that harmless, since a decision taken on a value is the same decision on an equal value (a bucket
 * record holds the whole configuration; a key record holds every version with its id and commit time).
 *
 * <p>Keys and values are opaque bytes; ranges are in unsigned lexicographic byte order (etcd's order). An
 * implementation throws {@link dev.dualkey.storage.error.SlowDownException} (or another StorageException) when the
 * shared state cannot be reached, never blocks without a deadline, and never applies half a transaction.
 */
public interface SharedKv extends AutoCloseable {

    /** One stored entry. */
    record Entry(byte[] key, byte[] value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A condition of a transaction: {@code key}'s current value equals {@code expected}; null: it is absent. */
    record Compare(byte[] key, byte[] expected) {
    }

    /** One write of a transaction: a put when {@code value} is non-null, else a delete. */
    record Write(byte[] key, byte[] value) {
        public static Write put(byte[] key, byte[] value) {
            return new Write(key, Objects.requireNonNull(value, "value"));
        }

        public static Write delete(byte[] key) {
            return new Write(key, null);
        }
    }

    /** The entry at {@code key}. */
    Optional<Entry> get(byte[] key);

    /** Up to {@code limit} entries with {@code from <= key < to}, in key order ({@code to} null: no upper bound). */
    List<Entry> range(byte[] from, byte[] to, int limit);

    /**
     * Applies {@code writes} atomically if every compare holds; returns false (nothing written) otherwise.
     */
    boolean commit(List<Compare> compares, List<Write> writes);

    @Override
    void close();
}
