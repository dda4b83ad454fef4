package dev.dualkey.storage.shared;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ordered key/value map shared by every gateway of a cluster, with etcd's consistency model: every write gives
 * the written key a new, strictly greater revision (etcd's {@code mod_revision}); a transaction compares revisions
 * of some keys and, only when all match, applies its puts and deletes atomically. Reads are linearizable.
 *
 * <p>Keys and values are opaque bytes; ranges are in unsigned lexicographic byte order (etcd's order). An
 * implementation throws {@link dev.dualkey.storage.error.SlowDownException} (or another StorageException) when the
 * shared state cannot be reached, never blocks without a deadline, and never applies half a transaction.
 */
public interface SharedKv extends AutoCloseable {

    /**
     * One stored entry.
     *
     * @param key      the key
     * @param value    the value
     * @param revision the revision of its last write (always > 0)
     */
    record Entry(byte[] key, byte[] value, long revision) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A condition of a transaction: {@code key}'s current revision is {@code revision}; {@link #ABSENT} means the key
     * does not exist.
     */
    record Compare(byte[] key, long revision) {
        public static final long ABSENT = 0;
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
