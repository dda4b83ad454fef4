package dev.dualkey.mfa.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TotpVerifierTest {
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final long NOW = 60_000_000L;

    @Test
    void returnsTheMatchedStepWithinTheWindow() {
        assertEquals(OptionalLong.of(NOW - 1), TotpVerifier.matchStep(SEED, TotpGenerator.code(SEED, NOW - 1), NOW, 1,
                Long.MIN_VALUE));
        assertEquals(OptionalLong.of(NOW + 1), TotpVerifier.matchStep(SEED, TotpGenerator.code(SEED, NOW + 1), NOW, 1,
                Long.MIN_VALUE));
        assertTrue(TotpVerifier.matchStep(SEED, TotpGenerator.code(SEED, NOW + 2), NOW, 1, Long.MIN_VALUE).isEmpty());
    }

    @Test
    void refusesStepsAtOrBeforeTheLastAccepted() {
        String code = TotpGenerator.code(SEED, NOW);
        assertTrue(TotpVerifier.matchStep(SEED, code, NOW, 1, NOW).isEmpty());
        assertTrue(TotpVerifier.matchStep(SEED, code, NOW, 1, NOW + 1).isEmpty());
        assertEquals(OptionalLong.of(NOW), TotpVerifier.matchStep(SEED, code, NOW, 1, NOW - 1));
    }

    @Test
    void rejectsMalformedCodes() {
        assertTrue(TotpVerifier.matchStep(SEED, "12345", NOW, 1, Long.MIN_VALUE).isEmpty());
        assertTrue(TotpVerifier.matchStep(SEED, "1234567", NOW, 1, Long.MIN_VALUE).isEmpty());
        assertTrue(TotpVerifier.matchStep(SEED, "12a456", NOW, 1, Long.MIN_VALUE).isEmpty());
        assertTrue(TotpVerifier.matchStep(SEED, null, NOW, 1, Long.MIN_VALUE).isEmpty());
        assertFalse(TotpVerifier.wellFormed("１２３４５６")); // full-width digits are not ASCII digits
    }

    @Test
    void consecutivePairFoundAcrossTheWideWindowAndReturnsSecondStep() {
        long t = NOW - 17;
        OptionalLong r = TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED, t), TotpGenerator.code(SEED,
                t + 1), NOW, Long.MIN_VALUE);
        assertEquals(OptionalLong.of(t + 1), r);
        long oldest = NOW - TotpVerifier.PAIR_SEARCH_STEPS;
        assertEquals(OptionalLong.of(oldest + 1), TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED,
                oldest), TotpGenerator.code(SEED, oldest + 1), NOW, Long.MIN_VALUE), "20 steps back");
        assertTrue(TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED, oldest - 1), TotpGenerator.code(SEED,
                oldest), NOW, Long.MIN_VALUE).isEmpty(), "21 steps back");
    }

    @Test
    void pairFromTheFutureIsRefused() {
        // (now, now + 1) is the latest pair accepted: the second code at most one step ahead
        assertEquals(OptionalLong.of(NOW + 1), TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED, NOW),
                TotpGenerator.code(SEED, NOW + 1), NOW, Long.MIN_VALUE));
        for (long t = NOW + 1; t <= NOW + 20; t++) {
            assertTrue(TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED, t), TotpGenerator.code(SEED,
                    t + 1), NOW, Long.MIN_VALUE).isEmpty(), "pair starting " + (t - NOW) + " steps ahead");
        }
    }

    @Test
    void pairRefusedWhenNotConsecutiveOutOfRangeOrAlreadyUsed() {
        String c0 = TotpGenerator.code(SEED, NOW);
        String c2 = TotpGenerator.code(SEED, NOW + 2);
        assertTrue(TotpVerifier.matchConsecutive(SEED, c0, c2, NOW, Long.MIN_VALUE).isEmpty());
        assertTrue(TotpVerifier.matchConsecutive(SEED, c2, c0, NOW, Long.MIN_VALUE).isEmpty());
        long far = NOW - 25;
        assertTrue(TotpVerifier.matchConsecutive(SEED, TotpGenerator.code(SEED, far), TotpGenerator.code(SEED,
                far + 1), NOW, Long.MIN_VALUE).isEmpty());
        String cm1 = TotpGenerator.code(SEED, NOW - 1);
        assertTrue(TotpVerifier.matchConsecutive(SEED, cm1, c0, NOW, NOW - 1).isEmpty());
        assertEquals(OptionalLong.of(NOW), TotpVerifier.matchConsecutive(SEED, cm1, c0, NOW, NOW - 2));
        assertTrue(TotpVerifier.matchConsecutive(SEED, "12345", c0, NOW, Long.MIN_VALUE).isEmpty());
    }
}
