package dev.dualkey.mfa.signin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory failed-attempt limiter for sign-in, per key (a user or a client address). After {@code maxFailures}
 * failures within {@code window} the key is blocked for {@code baseBlock}, doubling with each further block
 * (capped at 1 hour); a success clears the key. Memory is bounded: when more than {@value #MAX_KEYS} keys are
 * tracked, expired entries are dropped, and if still too many, all (a flood of addresses must not exhaust memory).
 */
final class AttemptLimiter {
    static final int MAX_KEYS = 100_000;
    private static final Duration MAX_BLOCK = Duration.ofHours(1);
    private final Clock clock;
    private final int maxFailures;
    private final Duration window;
    private final Duration baseBlock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Instant windowStart, int failures, Instant blockedUntil, int level) {
    }

    AttemptLimiter(Clock clock, int maxFailures, Duration window, Duration baseBlock) {
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.window = window;
        this.baseBlock = baseBlock;
    }

    boolean blocked(String key) {
        Entry e = entries.get(key);
        return e != null && e.blockedUntil() != null && clock.instant().isBefore(e.blockedUntil());
    }

    void failure(String key) {
        Instant now = clock.instant();
        if (entries.size() > MAX_KEYS) {
            entries.values().removeIf(e -> e.windowStart().plus(window).isBefore(now)
                    && (e.blockedUntil() == null || e.blockedUntil().isBefore(now)));
            if (entries.size() > MAX_KEYS) {
                entries.clear();
            }
        }
        entries.compute(key, (k, e) -> {
            if (e == null || e.windowStart().plus(window).isBefore(now)) {
                e = new Entry(now, 0, e == null ? null : e.blockedUntil(), e == null ? 0 : e.level());
            }
            int failures = e.failures() + 1;
            if (failures >= maxFailures) {
                int level = e.level() + 1;
                Duration block = baseBlock.multipliedBy(1L << Math.min(level - 1, 20));
                if (block.compareTo(MAX_BLOCK) > 0) {
                    block = MAX_BLOCK;
                }
                return new Entry(now, 0, now.plus(block), level);
            }
            return new Entry(e.windowStart(), failures, e.blockedUntil(), e.level());
        });
    }

    void success(String key) {
        entries.remove(key);
    }
}
