package dev.dualkey.mfa.session;

/**
 * GetSessionToken's MFA proof failed; the session was not issued. The check itself is in the audit log (by
 * {@code MfaVerifier}), never with the code.
 */
public final class SessionMfaException extends RuntimeException {
    /** Why the proof failed, as far as the caller may be told. */
    public enum Reason {
        /** The serial is not an enabled device of the caller (unknown, someone else's, or not enabled). */
        UNKNOWN_SERIAL,
        /** The device is the caller's, but the code was wrong, replayed, malformed or the device is locked out. */
        INVALID_CODE
    }

    private final Reason reason;

    public SessionMfaException(Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
