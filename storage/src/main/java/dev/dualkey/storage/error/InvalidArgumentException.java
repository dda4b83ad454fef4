package dev.dualkey.storage.error;

/** An argument is out of range or malformed: part number, max-keys, marker... (S3 {@code InvalidArgument}, 400). */
public class InvalidArgumentException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
