package dev.dualkey.storage.kv;

import dev.dualkey.storage.error.StorageException;

/**
 * The shared state store cannot be reached or did not answer in time (etcd down, no quorum, a partition). The
 * request is refused; nothing of it was applied, or (a commit that timed out) it may have been applied: callers
 * treat it as not applied and never report success. The gateway answers S3 {@code ServiceUnavailable} (503) or
 * IAM {@code ServiceFailure}.
 */
public class KvStateUnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    public KvStateUnavailableException(String message) {
        super(message);
    }

    public KvStateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
