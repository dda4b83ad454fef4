package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.storage.error.StorageIoException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * When the free-space guard may reuse a statfs reading: only far above the reserve and only briefly. A scripted
 * statfs counts its calls; the clock moves by hand.
 */
class FreeSpaceProbeTest {
    private static final long RESERVE = 64L << 20;
    private static final long FAR = RESERVE + FreeSpaceProbe.MARGIN_BYTES;

    private final AbandonedWriteTest.MutableClock clock =
            new AbandonedWriteTest.MutableClock(Instant.parse("2026-12-03T08:00:00Z"));

    /** A statfs whose answer the test sets, counting its calls. */
    private static final class ScriptedStatfs implements LongSupplier {
        long usable;
        int calls;

        @Override
        public long getAsLong() {
            calls++;
            return usable;
        }
    }

    private void advanceMillis(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    @Test
    void farAboveTheReserveAReadingIsReusedForLessThan100Milliseconds() {
        ScriptedStatfs statfs = new ScriptedStatfs();
        statfs.usable = FAR;
        FreeSpaceProbe probe = new FreeSpaceProbe(statfs, clock, RESERVE);
        assertEquals(FAR, probe.usableBytes());
        statfs.usable = 0; // the disk fills up: not seen until the reading is 100 ms old
        advanceMillis(FreeSpaceProbe.MAX_AGE_MILLIS - 1);
        assertEquals(FAR, probe.usableBytes());
        assertEquals(1, statfs.calls);
        advanceMillis(1);
        assertEquals(0, probe.usableBytes());
        assertEquals(2, statfs.calls);
    }

    @Test
    void lessThanTheMarginAboveTheReserveEveryCallReadsAgain() {
        ScriptedStatfs statfs = new ScriptedStatfs();
        statfs.usable = FAR - 1;
        FreeSpaceProbe probe = new FreeSpaceProbe(statfs, clock, RESERVE);
        for (int i = 1; i <= 5; i++) {
            assertEquals(FAR - 1, probe.usableBytes());
            assertEquals(i, statfs.calls, "no reuse within 1 GiB of the reserve");
        }
        statfs.usable = RESERVE - 1; // below the reserve: the guard refuses on this very call
        assertEquals(RESERVE - 1, probe.usableBytes());
        statfs.usable = RESERVE; // space freed: seen at once, no clock movement needed
        assertEquals(RESERVE, probe.usableBytes());
        assertEquals(7, statfs.calls);
    }

    @Test
    void aNearReadingIsNeverReusedEvenAfterAFarOne() {
        ScriptedStatfs statfs = new ScriptedStatfs();
        statfs.usable = FAR;
        FreeSpaceProbe probe = new FreeSpaceProbe(statfs, clock, RESERVE);
        probe.usableBytes();
        advanceMillis(FreeSpaceProbe.MAX_AGE_MILLIS);
        statfs.usable = RESERVE + 1;
        assertEquals(RESERVE + 1, probe.usableBytes());
        statfs.usable = RESERVE - 1;
        assertEquals(RESERVE - 1, probe.usableBytes(), "the near reading was not reused");
        assertEquals(3, statfs.calls);
    }

    @Test
    void aClockThatWentBackwardsMakesTheReadingStale() {
        ScriptedStatfs statfs = new ScriptedStatfs();
        statfs.usable = FAR;
        FreeSpaceProbe probe = new FreeSpaceProbe(statfs, clock, RESERVE);
        probe.usableBytes();
        advanceMillis(-1);
        probe.usableBytes();
        assertEquals(2, statfs.calls);
    }

    @Test
    void forgetMakesTheNextCallRead() {
        ScriptedStatfs statfs = new ScriptedStatfs();
        statfs.usable = FAR;
        FreeSpaceProbe probe = new FreeSpaceProbe(statfs, clock, RESERVE);
        probe.usableBytes();
        probe.forget();
        statfs.usable = 5;
        assertEquals(5, probe.usableBytes());
        assertEquals(2, statfs.calls);
    }

    @Test
    void aFailedStatfsIsPassedOnAndNothingIsKept() {
        int[] calls = {0};
        FreeSpaceProbe probe = new FreeSpaceProbe(() -> {
            if (++calls[0] == 1) {
                throw new StorageIoException("cannot read free space");
            }
            return FAR;
        }, clock, RESERVE);
        assertThrows(StorageIoException.class, probe::usableBytes);
        assertEquals(FAR, probe.usableBytes());
        assertEquals(2, calls[0]);
    }

    @Test
    void aNegativeReserveIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FreeSpaceProbe(() -> 0, clock, -1));
    }
}
