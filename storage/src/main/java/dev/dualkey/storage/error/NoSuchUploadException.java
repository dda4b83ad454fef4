package dev.dualkey.storage.error;

/** The multipart upload id is unknown, completed or aborted (S3 {@code NoSuchUpload}, 404). */
public class NoSuchUploadException extends StorageException {
    private static final long serialVersionUID = 1L;

    public NoSuchUploadException(String message) {
        super(message);
    }

    public NoSuchUploadException(String message, Throwable cause) {
        super(message, cause);
    }
}
