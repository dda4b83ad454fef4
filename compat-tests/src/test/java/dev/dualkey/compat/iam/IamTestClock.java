package dev.dualkey.compat.iam;

import dev.dualkey.compat.mfadelete.Authenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The TOTP clock of the in-process gateway: tests move it forward by whole 30-second steps instead of
 * sleeping. SigV4 keeps real time. It only ever moves forward, so tests sharing one gateway cannot make
 * each other's codes replayable.
 */
public final class IamTestClock extends Clock {
    /** The clock the in-process gateway verifies TOTP codes with. */
    public static final IamTestClock CLOCK = new IamTestClock();

    private volatile Instant now = Instant.now();

    private IamTestClock() {}

    /** Moves forward by {@code steps} TOTP steps (30 s each) and returns the new current step. */
    public synchronized long advanceSteps(int steps) {
        now = now.plus(Duration.ofSeconds(30L * steps));
        return step();
    }

    /** The current TOTP step, {@code floor(epochSeconds / 30)}. */
    public long step() {
        return Authenticator.stepOf(now);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test TOTP clock is UTC only");
    }

    @Override
    public Instant instant() {
        return now;
    }
}
