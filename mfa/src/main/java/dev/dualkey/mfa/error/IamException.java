package dev.dualkey.mfa.error;

/**
 * Root of every domain failure of the identity and MFA layer. Each subclass is one IAM error; it carries the
 * IAM wire code and HTTP status from the IAM service model so the gateway maps all of them in one place
 * (by {@link #code()} and {@link #httpStatus()}) instead of a switch per class. Messages mirror AWS texts and
 * never contain a secret, a password or a one-time code.
 */
public abstract class IamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected IamException(String message) {
        super(message);
    }

    /** The IAM error code, e.g. {@code NoSuchEntity}. */
    public abstract String code();

    /** The HTTP status the IAM model gives this error. */
    public abstract int httpStatus();

    /** All modelled errors here are the caller's fault ({@code <Type>Sender</Type>}). */
    public boolean senderFault() {
        return true;
    }
}
