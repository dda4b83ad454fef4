package dev.dualkey.gateway.warmup;

import dev.dualkey.mfa.otp.TotpGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The warm-up server's TOTP clock (issue 19): it stands in the middle of one 30-second step until the warm-up moves
 * it one step on, before each MFA check it sends. A real clock gives one fresh code per device every 30 s, and
 * every accepted code is refused afterwards, so a warm-up of seconds could check one code; on this clock each check
 * is the first of its step, never a replay. Only the throw-away warm-up server reads it (its identity store's
 * {@code totpClock}); SigV4 keeps the real clock.
 */
final class WarmUpTotpClock extends Clock {
    private final AtomicLong step;

    /** @param step the step to start in (the real clock's, so the device's creation time looks ordinary) */
    WarmUpTotpClock(long step) {
        this.step = new AtomicLong(step);
    }

    /** The current step. */
    long step() {
        return step.get();
    }

    /** Moves to the next step and returns it. */
    long next() {
        return step.incrementAndGet();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(step.get() * TotpGenerator.STEP_SECONDS + TotpGenerator.STEP_SECONDS / 2);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("the warm-up's TOTP clock is UTC only");
        }
        return this;
    }
}
