package dev.dualkey.storage.error;

/** The part list of CompleteMultipartUpload is not strictly ascending (S3 {@code InvalidPartOrder}, 400). */
public class InvalidPartOrderException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidPartOrderException(String message) {
        super(message);
    }

    public InvalidPartOrderException(String message, Throwable cause) {
        super(message, cause);
    }
}
