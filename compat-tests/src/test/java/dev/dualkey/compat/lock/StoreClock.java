package dev.dualkey.compat.lock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The object store's clock in Object Lock tests: real time plus a shift that only grows ({@link #advance}), so a
 * test jumps past a retain-until date in no time. Signatures and TOTP codes keep their own clocks.
 */
public final class StoreClock extends Clock {
    private final AtomicReference<Duration> shift = new AtomicReference<>(Duration.ZERO);

    /** Moves the store's time forward by {@code d}. */
    public void advance(Duration d) {
        shift.updateAndGet(s -> s.plus(d));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
