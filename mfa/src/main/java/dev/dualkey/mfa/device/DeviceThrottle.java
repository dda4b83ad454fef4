package dev.dualkey.mfa.device;

import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.ThrottleState;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Brute-force guard per device (D12), counted in two lanes ({@link Lane}): what the API sees and what console
 * sign-in sees. In each lane:
 * <ul>
 *   <li>at most {@value #MAX_FAILURES_PER_STEP} wrong codes within one 30 s step: the 5th locks the lane for 30 s,
 *   the next lockout 60 s, then 120 s, ... up to {@value #MAX_LOCK_SECONDS} s; a success resets the back-off;</li>
 *   <li>at most {@value #MAX_FAILURES_PER_WINDOW} wrong codes in any rolling {@value #WINDOW_SECONDS} s (24 h):
 *   once reached, the lane refuses every code until the oldest of them is 24 h old. A success does not clear
 *   this record: the bound holds however often the owner signs in, so a year of guessing is worth at most
 *   365 x 20 guesses per lane.</li>
 * </ul>
 * While locked, checks fail without evaluating the code and are not counted. Only wrong well-formed codes count:
 * a replayed code (valid for a step already consumed) or a malformed one is refused but is no guess, so nobody
 * can lock the owner's device by replaying a code seen once. The state lives in the {@link DeviceRecord}, updated
 * under the device lock in the same batch as the check, so neither a restart nor concurrent requests reset it.
 */
public final class DeviceThrottle {
    public static final int MAX_FAILURES_PER_STEP = 5;
    public static final long BASE_LOCK_SECONDS = 30;
    public static final long MAX_LOCK_SECONDS = 15 * 60;
    /** Wrong codes allowed per lane in any rolling {@link #WINDOW_SECONDS}. */
    public static final int MAX_FAILURES_PER_WINDOW = 20;
    /** The rolling window of {@link #MAX_FAILURES_PER_WINDOW}: 24 hours. */
    public static final long WINDOW_SECONDS = 24 * 60 * 60;

    /** Which counters a check uses. */
    public enum Lane {
        /** {@code x-amz-mfa}, IAM Enable/Resync, console pages that re-ask for a code: reachable with a key. */
        API,
        /** Console sign-in (and its resync), reachable only after the user's password. */
        CONSOLE;

        /** Console sign-in counts on {@link #CONSOLE}; every other purpose on {@link #API}. */
        public static Lane of(Purpose purpose) {
            return purpose == Purpose.CONSOLE_SIGN_IN ? CONSOLE : API;
        }
    }

    private DeviceThrottle() {
    }

    /** True when {@code lane} refuses codes at {@code now}. */
    public static boolean locked(DeviceRecord d, Lane lane, Instant now) {
        return lockout(d, lane, now).isPresent();
    }

    /** Why {@code lane} refuses codes at {@code now} (audited, never shown to clients); empty when it is open. */
    public static Optional<String> lockout(DeviceRecord d, Lane lane, Instant now) {
        ThrottleState s = state(d, lane);
        long t = now.getEpochSecond();
        long[] inWindow = inWindow(s.recentFailures(), t);
        Arrays.sort(inWindow);
        if (inWindow.length >= MAX_FAILURES_PER_WINDOW) {
            // open again when the MAX-th latest failure leaves the window
            long opens = inWindow[inWindow.length - MAX_FAILURES_PER_WINDOW] + WINDOW_SECONDS;
            return Optional.of(MAX_FAILURES_PER_WINDOW + " wrong codes in 24 h (" + lane + "); locked for "
                    + (opens - t) + " s");
        }
        if (s.lockedUntil() > t) {
            return Optional.of(MAX_FAILURES_PER_STEP + " wrong codes in a step (" + lane + "); locked for "
                    + (s.lockedUntil() - t) + " s");
        }
        return Optional.empty();
    }

    /** The record after one more wrong code in {@code lane} at {@code now}. */
    public static DeviceRecord failure(DeviceRecord d, Lane lane, Instant now) {
        ThrottleState s = state(d, lane);
        long step = TotpGenerator.stepOf(now);
        long t = now.getEpochSecond();
        // keep the latest MAX_FAILURES_PER_WINDOW - 1 failures still inside the window, then add this one
        long[] kept = inWindow(s.recentFailures(), t);
        if (kept.length >= MAX_FAILURES_PER_WINDOW) {
            kept = Arrays.copyOfRange(kept, kept.length - (MAX_FAILURES_PER_WINDOW - 1), kept.length);
        }
        long[] recent = Arrays.copyOf(kept, kept.length + 1);
        recent[kept.length] = t;
        int count = s.failStep() == step ? s.failCount() + 1 : 1;
        ThrottleState next;
        if (count >= MAX_FAILURES_PER_STEP) {
            int level = s.lockLevel() + 1;
            long seconds = Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS << Math.min(level - 1, 20));
            next = new ThrottleState(step, 0, t + seconds, level, recent);
        } else {
            next = new ThrottleState(step, count, s.lockedUntil(), s.lockLevel(), recent);
        }
        return with(d, lane, next);
    }

    /** The record after a success in {@code lane}: its back-off is reset, its rolling record kept. */
    public static DeviceRecord success(DeviceRecord d, Lane lane) {
        return with(d, lane, state(d, lane).cleared());
    }

    /** The wrong codes counted in {@code lane} within the rolling window ending at {@code now}. */
    public static int failuresInWindow(DeviceRecord d, Lane lane, Instant now) {
        long t = now.getEpochSecond();
        return inWindow(state(d, lane).recentFailures(), t).length;
    }

    /**
     * The failure times after {@code t - WINDOW_SECONDS}, in their order. A loop, not a stream: every MFA-protected
     * request runs this, rarely enough that it runs interpreted, where a stream pipeline cost tens of microseconds
     * (issue 19, the MFA delete's cost).
     */
    private static long[] inWindow(long[] failures, long t) {
        long[] out = new long[failures.length];
        int n = 0;
        for (long x : failures) {
            if (x > t - WINDOW_SECONDS) {
                out[n++] = x;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    static ThrottleState state(DeviceRecord d, Lane lane) {
        return lane == Lane.API ? d.apiThrottle() : d.consoleThrottle();
    }

    private static DeviceRecord with(DeviceRecord d, Lane lane, ThrottleState s) {
        return lane == Lane.API ? d.withThrottle(s, d.consoleThrottle()) : d.withThrottle(d.apiThrottle(), s);
    }
}
