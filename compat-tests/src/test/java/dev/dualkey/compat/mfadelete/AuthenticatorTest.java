package dev.dualkey.compat.mfadelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The tests' own authenticator against RFC 6238 appendix B (SHA-1 seed "12345678901234567890"; the RFC prints
 * 8 digits, a 6-digit app shows the last six), so the MFA Delete suites check the server against the RFC.
 */
class AuthenticatorTest {
    private static final Authenticator RFC = new Authenticator("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    @Test
    void rfc6238Vectors() {
        assertEquals("287082", RFC.code(Authenticator.stepOf(Instant.ofEpochSecond(59))));
        assertEquals("081804", RFC.code(Authenticator.stepOf(Instant.ofEpochSecond(1111111109))));
        assertEquals("005924", RFC.code(Authenticator.stepOf(Instant.ofEpochSecond(1234567890))));
        assertEquals("279037", RFC.code(Authenticator.stepOf(Instant.ofEpochSecond(2000000000))));
    }

    @Test
    void base32SeedsDecodeToTheSameSecret() {
        // "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" is the Base32 form of the RFC seed.
        assertEquals(RFC.code(1), Authenticator.ofBase32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").code(1));
    }

    @Test
    void aWrongCodeIsNoneOfTheAcceptedOnes() {
        String wrong = RFC.wrongCode(41152263);
        for (long step = 41152262; step <= 41152264; step++) {
            assertNotEquals(RFC.code(step), wrong);
        }
        assertEquals(6, wrong.length());
    }
}
