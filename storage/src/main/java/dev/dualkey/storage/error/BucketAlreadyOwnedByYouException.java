package dev.dualkey.storage.error;

/** The caller already owns a bucket of this name (S3 {@code BucketAlreadyOwnedByYou}, 409). */
public class BucketAlreadyOwnedByYouException extends StorageException {
    private static final long serialVersionUID = 1L;

    public BucketAlreadyOwnedByYouException(String message) {
        super(message);
    }

    public BucketAlreadyOwnedByYouException(String message, Throwable cause) {
        super(message, cause);
    }
}
