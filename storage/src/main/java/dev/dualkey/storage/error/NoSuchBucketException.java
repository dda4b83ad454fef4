package dev.dualkey.storage.error;

/** The bucket does not exist (S3 {@code NoSuchBucket}, 404). */
public class NoSuchBucketException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NoSuchBucketException(String message) {
        super(message);
    }

    public NoSuchBucketException(String message, Throwable cause) {
        super(message, cause);
    }
}
