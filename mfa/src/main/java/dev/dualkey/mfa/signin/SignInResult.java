package dev.dualkey.mfa.signin;

import java.util.List;

/**
 * Outcome of a sign-in step. The console shows {@link #message()} for FAILED and THROTTLED: one generic text
 * whatever was wrong (account, user, password or code), so it reveals nothing.
 *
 * @param status                what happened
 * @param token                 SIGNED_IN: the new session token (set as cookie); MFA_REQUIRED or a FAILED code
 *                              step: the challenge token to send with the next code; else null
 * @param session               SIGNED_IN only
 * @param deviceSerials         MFA_REQUIRED: the user's devices (to let them pick one); else empty
 * @param resyncSuggested       after {@value SignInService#RESYNC_AFTER_FAILURES} wrong codes: offer resync
 * @param passwordResetRequired SIGNED_IN: the user must set a new password first
 */
public record SignInResult(Status status, String token, Session session, List<String> deviceSerials,
                           boolean resyncSuggested, boolean passwordResetRequired, String message) {
    /** Step outcome. */
    public enum Status {
        SIGNED_IN, MFA_REQUIRED, FAILED, THROTTLED
    }

    public SignInResult {
        deviceSerials = List.copyOf(deviceSerials);
    }

    @Override
    public String toString() {
        return "SignInResult[status=" + status + ", token=(hidden), session=" + session + ", resyncSuggested="
                + resyncSuggested + "]";
    }
}
