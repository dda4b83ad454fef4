package dev.dualkey.mfa.otp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpGeneratorTest {
    private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    /** RFC 4226 Appendix D: HOTP values for counters 0-9. */
    @ParameterizedTest
    @CsvSource({"0,755224", "1,287082", "2,359152", "3,969429", "4,338314", "5,254676", "6,287922", "7,162583",
        "8,399871", "9,520489"})
    void rfc4226Vectors(long counter, String expected) {
        assertEquals(expected, TotpGenerator.code(SEED, counter));
    }

    /** RFC 6238 Appendix B (SHA1), last 6 of the 8 digits; includes T beyond 2^32 seconds. */
    @ParameterizedTest
    @CsvSource({"59,287082", "1111111109,081804", "1111111111,050471", "1234567890,005924", "2000000000,279037",
        "20000000000,353130"})
    void rfc6238Vectors(long unixSeconds, String expected) {
        assertEquals(expected, TotpGenerator.code(SEED, Instant.ofEpochSecond(unixSeconds)));
    }

    @ParameterizedTest
    @CsvSource({"0,0", "29,0", "30,1", "59,1", "-1,-1"})
    void stepsAreThirtySecondsFloor(long unixSeconds, long step) {
        assertEquals(step, TotpGenerator.stepOf(Instant.ofEpochSecond(unixSeconds)));
    }

    @Test
    void codesOfConsecutiveStepsUnderOneKeyAreTheRfc4226Codes() {
        // RFC 4226 appendix D, counters 0..9
        String[] rfc = {"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
                "520489"};
        int[] codes = TotpGenerator.codesAt(SEED, 0, rfc.length);
        byte[] digits = new byte[TotpGenerator.DIGITS];
        for (int i = 0; i < rfc.length; i++) {
            TotpGenerator.digits(codes[i], digits);
            assertEquals(rfc[i], new String(digits, StandardCharsets.US_ASCII), "counter " + i);
        }
        TotpGenerator.digits(7, digits);
        assertEquals("000007", new String(digits, StandardCharsets.US_ASCII), "zero-padded");
    }
}
