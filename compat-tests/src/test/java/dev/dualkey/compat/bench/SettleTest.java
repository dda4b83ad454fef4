package dev.dualkey.compat.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The machine line each recorded run carries (issue 19): it states the page cache and free memory it started on. */
class SettleTest {
    @Test
    void theMachineLineStatesThePageCacheAndFreeMemory() throws Exception {
        String seen = Settle.machine(Duration.ZERO); // one sample, no waiting for quiet
        assertTrue(seen.matches(".*; dirty\\+writeback \\d+ MiB; page cache [1-9]\\d* MiB, free [1-9]\\d* MiB\\)"), seen);
    }
}
