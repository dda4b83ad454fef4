package dev.dualkey.storage.error;

/** The bucket name breaks S3's naming rules (S3 {@code InvalidBucketName}, 400). */
public class InvalidBucketNameException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidBucketNameException(String message) {
        super(message);
    }

    public InvalidBucketNameException(String message, Throwable cause) {
        super(message, cause);
    }
}
