package dev.dualkey.storage.error;

/**
 * A conditional CompleteMultipartUpload raced another write or delete of its key that happened while the upload
 * was in progress (S3 {@code ConditionalRequestConflict}, 409): the condition was true when the client decided but
 * the key changed under it; S3 asks the client to start the upload again.
 */
public class ConditionalRequestConflictException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ConditionalRequestConflictException(String message) {
        super(message);
    }
}
