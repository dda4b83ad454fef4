package dev.dualkey.storage.error;

/** The version id does not exist for this key, or is malformed (S3 {@code NoSuchVersion}, 404 / {@code InvalidArgument} 400). */
public class NoSuchVersionException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NoSuchVersionException(String message) {
        super(message);
    }

    public NoSuchVersionException(String message, Throwable cause) {
        super(message, cause);
    }
}
