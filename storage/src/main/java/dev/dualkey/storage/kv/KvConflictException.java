package dev.dualkey.storage.kv;

import dev.dualkey.storage.error.StorageException;

/**
 * A conditional write lost to a concurrent writer more often than its caller retries
 * ({@link KvStore#write(java.util.function.Consumer)} with conditions, or a bounded retry loop). Nothing was
 * written. Rare: services retry a lost compare-and-set a few times before giving up with this.
 */
public class KvConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    public KvConflictException(String message) {
        super(message);
    }
}
