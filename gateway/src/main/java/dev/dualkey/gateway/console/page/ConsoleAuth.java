package dev.dualkey.gateway.console.page;

/**
 * Console sign-in as the pages use it: password, then an MFA code (or a resync with two consecutive codes)
 * when the user has an enabled device, then a session. The gateway implements it over mfa's
 * {@code SignInService}, which owns password checks, throttling per user and per client address, the one-use
 * rule for codes, the session store with idle and absolute timeouts, and the audit log.
 */
public interface ConsoleAuth {
    /** Outcome of a sign-in step. */
    sealed interface Result permits SignedIn, MfaRequired, Failed {
    }

    /** Signed in; {@code sessionToken} goes into a fresh session cookie. */
    record SignedIn(String sessionToken) implements Result {
    }

    /**
     * The password was right and a code is needed.
     *
     * @param challengeToken opaque, short-lived token naming this half-finished sign-in
     * @param deviceSerial   serial of the device to use (shown so the user picks the right app entry)
     */
    record MfaRequired(String challengeToken, String deviceSerial) implements Result {
    }

    /**
     * Refused. One generic message for every reason (unknown account or user, wrong password, wrong code,
     * throttled), so a caller learns nothing about which part was wrong.
     *
     * @param offerResync   true after three wrong codes in a row for this sign-in
     * @param challengeLive whether the MFA step can still be retried with the same challenge
     * @param message       the generic text to show (the same for every cause; throttling has its own)
     */
    record Failed(boolean offerResync, boolean challengeLive, String message) implements Result {
    }

    /** Step 1. {@code userName} is null for the root user (account id or alias + root password). */
    Result password(String accountIdOrAlias, String userName, String password, String clientAddress);

    /** Step 2: one 6-digit code. */
    Result code(String challengeToken, String code, String clientAddress);

    /**
     * Step 2 alternative: resynchronize the device with two consecutive codes; on success the result is
     * {@link MfaRequired} again and the user signs in with the next fresh code.
     */
    Result resync(String challengeToken, String code1, String code2, String clientAddress);

    /** Abandons a challenge. */
    void cancel(String challengeToken);

    /** The signed-in user of a live session (touching its idle timer), or {@code null}. */
    ConsoleUser session(String sessionToken);

    /** Revokes the session on the server. */
    void signOut(String sessionToken);

    /**
     * A pending MFA step.
     *
     * @param deviceSerial serial of the device whose code is asked for
     * @param offerResync  whether three wrong codes in a row were typed
     */
    record Challenge(String deviceSerial, boolean offerResync) {
    }

    /** The pending MFA step named by the token, or {@code null} when unknown or expired. */
    Challenge challenge(String challengeToken);
}
