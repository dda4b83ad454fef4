package dev.dualkey.storage.error;

/**
 * A body writer received no bytes for longer than the abandoned-write timeout and was reaped: its temp data is
 * gone and nothing was changed (S3 {@code RequestTimeout}, 400: "Your socket connection to the server was not
 * read from or written to within the timeout period.").
 */
public class RequestTimeoutException extends StorageException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }
}
