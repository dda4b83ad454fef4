package dev.dualkey.mfa.secret;

/** A sealed secret could not be opened: corrupted, moved to another record, or a different master key. */
public class SecretBoxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SecretBoxException(String message) {
        super(message);
    }
}
