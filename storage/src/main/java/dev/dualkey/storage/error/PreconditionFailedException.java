package dev.dualkey.storage.error;

/** A conditional write or copy precondition did not hold (S3 {@code PreconditionFailed}, 412). */
public class PreconditionFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String message) {
        super(message);
    }

    public PreconditionFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
