package dev.dualkey.storage.error;

/** The bucket still holds versions, delete markers or multipart uploads (S3 {@code BucketNotEmpty}, 409). */
public class BucketNotEmptyException extends StorageException {
    private static final long serialVersionUID = 1L;

    public BucketNotEmptyException(String message) {
        super(message);
    }

    public BucketNotEmptyException(String message, Throwable cause) {
        super(message, cause);
    }
}
