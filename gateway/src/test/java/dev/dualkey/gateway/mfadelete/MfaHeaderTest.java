package dev.dualkey.gateway.mfadelete;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MfaHeaderTest {

    private static final String ARN = "arn:aws:iam::123456789012:mfa/root-account-mfa-device";

    @Test
    void parsesVirtualDeviceArnAndCode() {
        MfaHeader h = MfaHeader.parse(ARN + " 123456");
        assertEquals(ARN, h.serialNumber());
        assertEquals("123456", h.code());
    }

    @Test
    void parsesHardwareSerial() {
        MfaHeader h = MfaHeader.parse("GAHT10000001 000042");
        assertEquals("GAHT10000001", h.serialNumber());
        assertEquals("000042", h.code());
    }

    @Test
    void acceptsPercentTwentySeparatorAndSurroundingAndRepeatedWhitespace() {
        assertEquals(new MfaHeader("GAHT10000001", "123456"), MfaHeader.parse("GAHT10000001%20123456"));
        assertEquals(new MfaHeader("GAHT10000001", "123456"), MfaHeader.parse("  GAHT10000001   123456 "));
        assertEquals(new MfaHeader("GAHT10000001", "123456"), MfaHeader.parse("GAHT10000001\t123456"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "970589", "GAHT10000001", "GAHT10000001 12345", "GAHT10000001 1234567",
        "GAHT10000001 12a456", "GAHT10000001123456", "short 123456", "bad serial! 123456", "GAHT10000001 123456 x"})
    void rejectsMalformedValues(String raw) {
        MalformedMfaHeaderException e = assertThrows(MalformedMfaHeaderException.class, () -> MfaHeader.parse(raw));
        assertEquals(raw.strip(), e.argumentValue());
    }

    @Test
    void rejectsNull() {
        assertThrows(MalformedMfaHeaderException.class, () -> MfaHeader.parse(null));
    }

    @Test
    void toStringHidesTheCode() {
        assertFalse(MfaHeader.parse("GAHT10000001 654321").toString().contains("654321"));
    }
}
