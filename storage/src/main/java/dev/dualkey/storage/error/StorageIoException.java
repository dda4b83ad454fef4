package dev.dualkey.storage.error;

/** An unexpected IO or RocksDB failure; the operation had no visible effect (S3 {@code InternalError}, 500). */
public class StorageIoException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageIoException(String message) {
        super(message);
    }

    public StorageIoException(String message, Throwable cause) {
        super(message, cause);
    }
}
