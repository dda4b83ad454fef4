package dev.dualkey.gateway.kms;

/**
 * A KMS refusal with AWS KMS's error code ({@code NotFoundException}, {@code DisabledException},
 * {@code KMSInvalidStateException}, {@code AlreadyExistsException}, {@code ValidationException}, ...). S3 answers
 * the first three as {@code KMS.<code>} (400); the admin commands print {@code code: message}.
 */
public final class KmsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;

    public KmsException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** AWS KMS's exception name, e.g. {@code NotFoundException}. */
    public String code() {
        return code;
    }
}
