package dev.dualkey.storage.error;

/** The object key is longer than 1024 UTF-8 bytes (S3 {@code KeyTooLongError}, 400). */
public class KeyTooLongException extends StorageException {
    private static final long serialVersionUID = 1L;

    public KeyTooLongException(String message) {
        super(message);
    }

    public KeyTooLongException(String message, Throwable cause) {
        super(message, cause);
    }
}
