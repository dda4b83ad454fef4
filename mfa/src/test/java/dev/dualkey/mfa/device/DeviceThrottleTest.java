package dev.dualkey.mfa.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.ThrottleState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of {@link DeviceThrottle} on records alone, with instants chosen by hand (the clock advances). */
class DeviceThrottleTest {
    /** 10 s into a 30 s step. */
    private static final Instant T0 = Instant.ofEpochSecond(1_800_000_010L);

    private static DeviceRecord device() {
        return new DeviceRecord("GAHT00000001", DeviceType.HARDWARE, "111111111111", null, null, new byte[] {1},
                T0, "root", T0, 0, DeviceRecord.NO_STEP, Map.of(), ThrottleState.NONE, ThrottleState.NONE,
                new long[0]);
    }

    private static DeviceRecord fail(DeviceRecord d, DeviceThrottle.Lane lane, Instant at, int times) {
        for (int i = 0; i < times; i++) {
            d = DeviceThrottle.failure(d, lane, at);
        }
        return d;
    }

    @Test
    void fifthFailureInAStepLocksWithDoublingBackOffCappedAtFifteenMinutes() {
        DeviceRecord d = fail(device(), DeviceThrottle.Lane.API, T0, 4);
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0), "4 wrong codes in a step are allowed");
        d = fail(d, DeviceThrottle.Lane.API, T0, 1);
        assertTrue(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0.plusSeconds(29)));
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0.plusSeconds(30)));
        long[] expected = {60, 120, 240, 480, 900, 900};
        Instant t = T0;
        for (long seconds : expected) {
            t = t.plusSeconds(1000); // past every lock, and a new step
            d = fail(d, DeviceThrottle.Lane.API, t, 5);
            assertEquals(t.getEpochSecond() + seconds, d.apiThrottle().lockedUntil());
        }
    }

    @Test
    void failuresSpreadOverStepsDoNotLockPerStepButHitTheRollingBound() {
        DeviceRecord d = device();
        Instant t = T0;
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_WINDOW - 1; i++) {
            d = DeviceThrottle.failure(d, DeviceThrottle.Lane.API, t);
            t = t.plus(Duration.ofMinutes(60));
        }
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, t), "19 in 18 h");
        d = DeviceThrottle.failure(d, DeviceThrottle.Lane.API, t);
        assertTrue(DeviceThrottle.lockout(d, DeviceThrottle.Lane.API, t).orElseThrow()
                .startsWith("20 wrong codes in 24 h"));
        // opens when the first failure (T0) is 24 h old
        assertTrue(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0.plus(Duration.ofHours(24)).minusSeconds(1)));
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0.plus(Duration.ofHours(24))));
    }

    @Test
    void theRecordKeepsAtMostTheBoundAndForgetsWhatLeftTheWindow() {
        DeviceRecord d = device();
        Instant t = T0;
        for (int i = 0; i < 100; i++) {
            d = DeviceThrottle.failure(d, DeviceThrottle.Lane.API, t);
            t = t.plus(Duration.ofHours(2));
        }
        assertTrue(d.apiThrottle().recentFailures().length <= DeviceThrottle.MAX_FAILURES_PER_WINDOW);
        assertEquals(12, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, t.minus(Duration.ofHours(2))));
        d = device();
        for (int i = 0; i < 100; i++) {
            d = DeviceThrottle.failure(d, DeviceThrottle.Lane.API, T0.plusSeconds(i * 60L));
        }
        assertEquals(DeviceThrottle.MAX_FAILURES_PER_WINDOW, d.apiThrottle().recentFailures().length);
    }

    @Test
    void aSuccessResetsTheBackOffButNotTheRollingCount() {
        DeviceRecord d = fail(device(), DeviceThrottle.Lane.API, T0, 5);
        d = DeviceThrottle.success(d, DeviceThrottle.Lane.API);
        assertEquals(0, d.apiThrottle().lockLevel());
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, T0));
        assertEquals(5, DeviceThrottle.failuresInWindow(d, DeviceThrottle.Lane.API, T0));
    }

    @Test
    void lanesAreIndependent() {
        DeviceRecord d = device();
        Instant t = T0;
        for (int i = 0; i < DeviceThrottle.MAX_FAILURES_PER_WINDOW; i++) {
            d = DeviceThrottle.failure(d, DeviceThrottle.Lane.API, t);
            t = t.plusSeconds(60);
        }
        assertTrue(DeviceThrottle.locked(d, DeviceThrottle.Lane.API, t));
        assertFalse(DeviceThrottle.locked(d, DeviceThrottle.Lane.CONSOLE, t));
        assertEquals(ThrottleState.NONE, d.consoleThrottle());
        assertEquals(DeviceThrottle.Lane.CONSOLE, DeviceThrottle.Lane.of(Purpose.CONSOLE_SIGN_IN));
        assertEquals(DeviceThrottle.Lane.API, DeviceThrottle.Lane.of(Purpose.S3_MFA_DELETE));
        assertEquals(DeviceThrottle.Lane.API, DeviceThrottle.Lane.of(Purpose.OTHER));
    }
}
