package dev.dualkey.storage.rocks;

import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The free-space guard's reading of the file system ({@code statfs}), reused for a short while when it leaves
 * plenty of room. Every data-storing write asks the guard ({@link RocksDatabase#checkFreeSpace()}), which made
 * one {@code statfs} per small PUT (issue 19: 1.01 calls per 4 KiB PUT; 0.04-0.07 with this probe). A reading is
 * reused for at most {@link #MAX_AGE_MILLIS} and only while it was at least {@link #MARGIN_BYTES} above the
 * reserve: for the guard to be wrong, more than 1 GiB would have to be written within 100 ms, and the full-disk
 * path behind the guard (RocksDB's NoSpace, the ballast) still holds. Near the reserve every call reads again, so
 * refusals and the first write after space comes back are exactly as without the probe.
 *
 * <p>Thread-safe without a lock: the last reading is one immutable record in a volatile field; two threads that
 * both find it stale both call {@code statfs}, which is harmless. The clock is read before {@code statfs}, so a
 * reading's age is never underestimated; a clock that goes backwards makes the reading stale.
 */
final class FreeSpaceProbe {
    /** Longest reuse of a reading. */
    static final long MAX_AGE_MILLIS = 100;
    /** A reading is reused only when it was at least this much above the reserve. */
    static final long MARGIN_BYTES = 1L << 30;

    private record Reading(long usableBytes, long atMillis) {
    }

    private final LongSupplier statfs;
    private final Clock clock;
    private final long reservedBytes;
    private volatile Reading last;

    /**
     * @param statfs        usable bytes of the file system now (a {@code statfs} call); may throw
     * @param clock         time of the readings
     * @param reservedBytes the guard's reserve
     */
    FreeSpaceProbe(LongSupplier statfs, Clock clock, long reservedBytes) {
        this.statfs = Objects.requireNonNull(statfs, "statfs");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (reservedBytes < 0) {
            throw new IllegalArgumentException("negative reserve");
        }
        this.reservedBytes = reservedBytes;
    }

    /** Usable bytes for the guard: a fresh reading, or a recent one that was far above the reserve. */
    long usableBytes() {
        long now = clock.millis();
        Reading r = last;
        if (r != null && r.usableBytes() - reservedBytes >= MARGIN_BYTES
                && now >= r.atMillis() && now - r.atMillis() < MAX_AGE_MILLIS) {
            return r.usableBytes();
        }
        long usable = statfs.getAsLong();
        last = new Reading(usable, now);
        return usable;
    }

    /** Drops the last reading (the disk turned out full): the next call reads again. */
    void forget() {
        last = null;
    }
}
