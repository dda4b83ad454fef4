package dev.dualkey.storage.error;

/** The store is temporarily unable to accept writes (write stall or lock deadline); retry later (S3 {@code SlowDown}, 503). */
public class SlowDownException extends StorageException {
    private static final long serialVersionUID = 1L;

    public SlowDownException(String message) {
        super(message);
    }

    public SlowDownException(String message, Throwable cause) {
        super(message, cause);
    }
}
