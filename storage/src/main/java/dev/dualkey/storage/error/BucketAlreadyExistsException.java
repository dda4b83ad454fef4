package dev.dualkey.storage.error;

/** The bucket name is taken by another account (S3 {@code BucketAlreadyExists}, 409). */
public class BucketAlreadyExistsException extends StorageException {
    private static final long serialVersionUID = 1L;

    public BucketAlreadyExistsException(String message) {
        super(message);
    }

    public BucketAlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
