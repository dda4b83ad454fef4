package dev.dualkey.gateway.mfadelete;

/**
 * An {@code x-amz-mfa} value that is not {@code serial code}. S3 answers 400 InvalidArgument with the value echoed in
 * {@code ArgumentValue}; the value is kept here only for that purpose and never logged.
 */
public final class MalformedMfaHeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient String argumentValue;

    public MalformedMfaHeaderException(String argumentValue) {
        super("Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}", null, false,
                false);
        this.argumentValue = argumentValue;
    }

    /** The header value as received (trimmed), for the error document's {@code ArgumentValue}. */
    public String argumentValue() {
        return argumentValue;
    }
}
