package dev.dualkey.storage.error;

/** An {@code x-amz-checksum-*} value does not match the bytes received (S3 {@code BadDigest} / {@code InvalidRequest}, 400). */
public class InvalidChecksumException extends StorageException {
    private static final long serialVersionUID = 1L;

    public InvalidChecksumException(String message) {
        super(message);
    }

    public InvalidChecksumException(String message, Throwable cause) {
        super(message, cause);
    }
}
