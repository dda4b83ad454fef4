package dev.dualkey.storage.error;

/**
 * A bucket configuration change that the bucket's state forbids (S3 409 {@code InvalidBucketState}), e.g. suspending
 * versioning on an Object Lock bucket, or enabling Object Lock while versioning is not Enabled. The message is
 * S3's wording.
 */
public class InvalidBucketStateException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidBucketStateException(String message) {
        super(message);
    }
}
