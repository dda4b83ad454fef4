package dev.dualkey.gateway.protect;

import dev.dualkey.mfa.device.MfaVerifier;

/**
 * One request's promise to make its MFA code check durable before it answers.
 *
 * <p>Why: a DeleteObject with a code used to pay two WAL fsyncs, one for the consumed code and one for the
 * delete. With {@link ProtectedOperations#deleteObject} the code's outcome is committed without its own fsync
 * and the delete's synced write, ordered after it in the same WAL, makes both durable. {@link #settle()} (in a
 * {@code finally}, before the reply) covers every other ending: a refused code, a failed delete. It costs almost
 * nothing when the delete already synced. Not thread-safe: one per request.
 */
final class PendingSync {
    /** A check began but did not report its ticket (it failed midway): settle with a full WAL sync. */
    private static final long UNKNOWN = Long.MAX_VALUE;
    private final MfaVerifier verifier;
    private long ticket;

    PendingSync(MfaVerifier verifier) {
        this.verifier = verifier;
    }

    /** Called by the gate just before it hands a code to the verifier. */
    void mark() {
        ticket = UNKNOWN;
    }

    /** Called by the gate with the verifier's durability ticket (0: nothing pending). */
    void checked(long durabilityTicket) {
        ticket = durabilityTicket;
    }

    /** Whether a code check still has to reach the disk. */
    public boolean pending() {
        return ticket != 0;
    }

    /** Makes the code check durable, if there was one: free when the delete's synced write began after it. */
    public void settle() {
        if (ticket != 0) {
            verifier.awaitDurable(ticket);
            ticket = 0;
        }
    }
}
