package dev.dualkey.mfa.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MfaHeaderTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "20899872 301749|20899872|301749",
        "  GAHT12345678   012345  |GAHT12345678|012345",
        "arn:aws:iam::123456789012:mfa/root-account-mfa-device 123456|arn:aws:iam::123456789012:mfa/root-account-mfa-device|123456",
        "arn:aws:iam::123456789012:mfa/team/dev%20654321|arn:aws:iam::123456789012:mfa/team/dev|654321",
        "GAHT12345678\t000000|GAHT12345678|000000"})
    void parsesSerialAndCode(String header, String serial, String code) {
        MfaHeader h = MfaHeader.parse(header).orElseThrow();
        assertEquals(serial, h.serial());
        assertEquals(code, h.code());
        assertTrue(h.toString().endsWith("code=(hidden)]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"970589", "", "   ", "GAHT12345678 12345", "GAHT12345678 1234567", "GAHT12345678 12a456",
        "sh!rt 123456", "GAHT 1234 123456", "GAHT12345678123456", "GAHT12345678 ١٢٣٤٥٦"})
    void malformedHeadersAreRefused(String header) {
        assertTrue(MfaHeader.parse(header).isEmpty(), header);
    }
}
