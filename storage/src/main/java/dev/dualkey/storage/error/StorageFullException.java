package dev.dualkey.storage.error;

/** The disk is (nearly) full; nothing was changed. The store recovers by itself once space is freed (HTTP 507/503). */
public class StorageFullException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageFullException(String message) {
        super(message);
    }

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
