package dev.dualkey.mfa.store;

import java.util.Arrays;

/**
 * The wrong-code counters of one device for one lane (the API, or console sign-in), persisted in the
 * {@link DeviceRecord} and changed only under the device lock, in one batch with the check's audit record.
 * The rules that read and write it are in {@code device.DeviceThrottle}.
 *
 * @param failStep       TOTP step in which {@code failCount} failures were counted
 * @param failCount      wrong codes during {@code failStep}
 * @param lockedUntil    epoch second until which checks fail unevaluated (0 = not locked)
 * @param lockLevel      consecutive per-step lockouts since the last success (drives the growing back-off)
 * @param recentFailures epoch seconds of the latest wrong codes, oldest first, at most the rolling bound's
 *                       count (older entries are dropped as new ones arrive); never cleared by a success
 */
public record ThrottleState(long failStep, int failCount, long lockedUntil, int lockLevel, long[] recentFailures) {
    /** No failure recorded. */
    public static final ThrottleState NONE = new ThrottleState(0, 0, 0, 0, new long[0]);

    public ThrottleState {
        recentFailures = recentFailures.clone();
    }

    @Override
    public long[] recentFailures() {
        return recentFailures.clone();
    }

    /** Per-step counters and lockout cleared (a success); the rolling record of failures stays. */
    public ThrottleState cleared() {
        return new ThrottleState(failStep, 0, 0, 0, recentFailures);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ThrottleState t && t.failStep == failStep && t.failCount == failCount
                && t.lockedUntil == lockedUntil && t.lockLevel == lockLevel
                && Arrays.equals(t.recentFailures, recentFailures);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(failStep) * 31 + Arrays.hashCode(recentFailures);
    }

    @Override
    public String toString() {
        return "ThrottleState[failStep=" + failStep + ", failCount=" + failCount + ", lockedUntil=" + lockedUntil
                + ", lockLevel=" + lockLevel + ", recentFailures=" + Arrays.toString(recentFailures) + "]";
    }
}
