package dev.dualkey.storage.error;

/**
 * Root of every failure the storage module reports. Unchecked: callers map subclasses to protocol errors
 * in one place (the gateway's translator) instead of catching at every call.
 */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
