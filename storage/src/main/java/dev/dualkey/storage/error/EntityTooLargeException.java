package dev.dualkey.storage.error;

/** The body exceeds the size allowed for the operation (S3 {@code EntityTooLarge}, 400). */
public class EntityTooLargeException extends StorageException {
    private static final long serialVersionUID = 1L;

    public EntityTooLargeException(String message) {
        super(message);
    }

    public EntityTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
