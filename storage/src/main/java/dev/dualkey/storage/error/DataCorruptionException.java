package dev.dualkey.storage.error;

/**
 * Stored bytes failed their integrity check (an AES-GCM tag, a length): bit rot, a truncated or swapped file, or
 * tampering. Never served as data. S3 {@code InternalError} (500) before a response started; after it started the
 * gateway aborts the connection so that no client receives a complete, wrong body.
 */
public class DataCorruptionException extends StorageIoException {
    private static final long serialVersionUID = 1L;

    public DataCorruptionException(String message) {
        super(message);
    }

    public DataCorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
