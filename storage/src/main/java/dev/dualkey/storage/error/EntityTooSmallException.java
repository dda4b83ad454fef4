package dev.dualkey.storage.error;

/** A part other than the last is smaller than 5 MiB (S3 {@code EntityTooSmall}, 400). */
public class EntityTooSmallException extends StorageException {
    private static final long serialVersionUID = 1L;

    public EntityTooSmallException(String message) {
        super(message);
    }

    public EntityTooSmallException(String message, Throwable cause) {
        super(message, cause);
    }
}
