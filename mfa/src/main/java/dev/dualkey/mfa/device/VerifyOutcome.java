package dev.dualkey.mfa.device;

/** Result class of one MFA code check. Callers must not tell clients which part (serial or code) was wrong. */
public enum VerifyOutcome {
    /** Code valid for a step after the last accepted one; that step is now consumed. */
    ACCEPTED,
    /** Unknown serial, device not assigned to the user, malformed, wrong or replayed code. */
    INVALID,
    /** The device is locked out after too many failures; the code was not evaluated. */
    THROTTLED
}
