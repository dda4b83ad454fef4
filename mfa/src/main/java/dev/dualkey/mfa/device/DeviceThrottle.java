package dev.dualkey.mfa.device;

import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import java.time.Instant;

/**
 * Brute-force guard per device (D12): at most {@value #MAX_FAILURES_PER_STEP} failed checks within one 30 s
 * step; the 5th failure locks the device for 30 s, the next lockout for 60 s, then 120 s, ... up to
 * {@value #MAX_LOCK_SECONDS} s. While locked, checks fail without evaluating the code. A successful check resets
 * the lockout level. The state lives in the {@link DeviceRecord}, so it survives restarts and is updated in the
 * same batch as the check.
 */
public final class DeviceThrottle {
    public static final int MAX_FAILURES_PER_STEP = 5;
    public static final long BASE_LOCK_SECONDS = 30;
    public static final long MAX_LOCK_SECONDS = 15 * 60;

    private DeviceThrottle() {
    }

    public static boolean locked(DeviceRecord d, Instant now) {
        return d.lockedUntil() > now.getEpochSecond();
    }

    /** The record after one more failed check at {@code now}. */
    public static DeviceRecord failure(DeviceRecord d, Instant now) {
        long step = TotpGenerator.stepOf(now);
        int count = d.failStep() == step ? d.failCount() + 1 : 1;
        if (count >= MAX_FAILURES_PER_STEP) {
            int level = d.lockLevel() + 1;
            long seconds = Math.min(MAX_LOCK_SECONDS, BASE_LOCK_SECONDS << Math.min(level - 1, 20));
            return d.withThrottle(step, 0, now.getEpochSecond() + seconds, level);
        }
        return d.withThrottle(step, count, d.lockedUntil(), d.lockLevel());
    }
}
