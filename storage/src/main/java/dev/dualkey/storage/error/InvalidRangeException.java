package dev.dualkey.storage.error;

/** The requested byte range cannot be satisfied for the object's size (S3 {@code InvalidRange}, 416). */
public class InvalidRangeException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidRangeException(String message) {
        super(message);
    }

    public InvalidRangeException(String message, Throwable cause) {
        super(message, cause);
    }
}
