package dev.dualkey.gateway.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The worker's settings ({@code dualkey serve --lifecycle-*}).
 *
 * @param clock             the time the rules are evaluated at (tests move it days ahead in seconds)
 * @param interval          pause between two passes over all buckets
 * @param versionsPerSecond versions and delete markers examined per second (listing I/O), 0 = unlimited
 * @param deletesPerSecond  deletions (markers added, versions removed, uploads aborted) per second, 0 = unlimited
 * @param pageSize          versions listed per page; the cursor is persisted after every page (1..1000)
 */
public record LifecycleSettings(Clock clock, Duration interval, double versionsPerSecond, double deletesPerSecond,
                                int pageSize) {
    public LifecycleSettings {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("lifecycle interval must be positive");
        }
        if (versionsPerSecond < 0 || deletesPerSecond < 0) {
            throw new IllegalArgumentException("lifecycle rates must not be negative");
        }
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("lifecycle page size must be 1..1000");
        }
    }

    /** Hourly passes, 2000 versions and 200 deletions per second, pages of 1000, the system clock. */
    public static LifecycleSettings defaults() {
        return new LifecycleSettings(Clock.systemUTC(), Duration.ofHours(1), 2000, 200, 1000);
    }

    public LifecycleSettings withClock(Clock c) {
        return new LifecycleSettings(c, interval, versionsPerSecond, deletesPerSecond, pageSize);
    }

    public LifecycleSettings withInterval(Duration d) {
        return new LifecycleSettings(clock, d, versionsPerSecond, deletesPerSecond, pageSize);
    }

    public LifecycleSettings withRates(double versions, double deletes) {
        return new LifecycleSettings(clock, interval, versions, deletes, pageSize);
    }

    public LifecycleSettings withPageSize(int n) {
        return new LifecycleSettings(clock, interval, versionsPerSecond, deletesPerSecond, n);
    }
}
