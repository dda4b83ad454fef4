package dev.dualkey.storage.error;

/** The Content-MD5 sent does not match the bytes received (S3 {@code BadDigest}, 400). */
public class BadDigestException extends StorageException {
    private static final long serialVersionUID = 1L;

    public BadDigestException(String message) {
        super(message);
    }

    public BadDigestException(String message, Throwable cause) {
        super(message, cause);
    }
}
