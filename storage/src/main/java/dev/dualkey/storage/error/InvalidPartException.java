package dev.dualkey.storage.error;

/** A part named in CompleteMultipartUpload is missing or its ETag differs (S3 {@code InvalidPart}, 400). */
public class InvalidPartException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidPartException(String message) {
        super(message);
    }

    public InvalidPartException(String message, Throwable cause) {
        super(message, cause);
    }
}
