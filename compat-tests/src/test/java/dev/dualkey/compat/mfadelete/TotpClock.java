package dev.dualkey.compat.mfadelete;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The clock one test server checks TOTP codes against. Tests move it forward by whole 30-second steps instead of
 * sleeping; it never moves back, so a code a test has spent can never become acceptable again. SigV4 keeps real
 * time (the server gets the system clock for signatures).
 */
public final class TotpClock extends Clock {
    static final Duration STEP = Duration.ofSeconds(30);

    private final AtomicReference<Instant> now;

    /** Starts at the beginning of the current real TOTP step, so codes sit in the middle of nothing. */
    TotpClock() {
        long seconds = Instant.now().getEpochSecond();
        this.now = new AtomicReference<>(Instant.ofEpochSecond(seconds - Math.floorMod(seconds, 30) + 1));
    }

    /** Moves forward by {@code steps} whole steps and returns the new current step. */
    public long advance(int steps) {
        Instant moved = now.updateAndGet(t -> t.plus(STEP.multipliedBy(steps)));
        return Authenticator.stepOf(moved);
    }

    /** The current step, {@code floor(epochSeconds / 30)}. */
    public long step() {
        return Authenticator.stepOf(now.get());
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test TOTP clock is UTC only");
    }
}
