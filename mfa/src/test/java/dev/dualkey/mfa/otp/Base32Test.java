package dev.dualkey.mfa.otp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {
    /** RFC 4648 section 10 vectors, padding removed. */
    @ParameterizedTest
    @CsvSource({"f,MY", "fo,MZXQ", "foo,MZXW6", "foob,MZXW6YQ", "fooba,MZXW6YTB", "foobar,MZXW6YTBOI"})
    void rfc4648Vectors(String plain, String encoded) {
        assertEquals(encoded, Base32.encode(plain.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(plain, new String(Base32.decode(encoded), StandardCharsets.US_ASCII));
        assertEquals(plain, new String(Base32.decode(encoded.toLowerCase()), StandardCharsets.US_ASCII));
    }

    @Test
    void specSeedAndPaddedAndGroupedInput() {
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                Base32.encode("12345678901234567890".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("foob", new String(Base32.decode("MZXW-6YQ="), StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripsRandomBytes() {
        Random r = new Random(42);
        for (int n = 0; n < 70; n++) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            assertArrayEquals(b, Base32.decode(Base32.encode(b)));
        }
    }

    @Test
    void rejectsForeignCharacters() {
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXW1"));
        assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZ=XW"));
    }
}
