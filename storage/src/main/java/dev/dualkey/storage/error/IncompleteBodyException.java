package dev.dualkey.storage.error;

/** Fewer or more bytes arrived than the declared Content-Length (S3 {@code IncompleteBody}, 400). */
public class IncompleteBodyException extends StorageException {
    private static final long serialVersionUID = 1L;

    public IncompleteBodyException(String message) {
        super(message);
    }

    public IncompleteBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
