package dev.dualkey.mfa.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.mfa.otp.TotpVerifier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
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

    /**
     * The serial and code checks are loops (issue 19: they run interpreted on every MFA-protected request); they
     * accept exactly what the documented expressions accept, for every character up to U+FFFF, at and around the
     * length limits.
     */
    @Test
    void serialAndCodeChecksAcceptExactlyTheDocumentedExpressions() {
        Pattern serial = Pattern.compile("[\\w+=/:,.@-]{1,256}");
        Pattern code = Pattern.compile("[0-9]{6}");
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            for (String s : new String[] {String.valueOf(c), "GAHT" + c + "12", "12345" + c}) {
                assertEquals(serial.matcher(s).matches(), MfaHeader.isSerial(s), () -> "serial " + s);
                assertEquals(code.matcher(s).matches(), TotpVerifier.wellFormed(s), () -> "code " + s);
            }
        }
        for (int n : new int[] {0, 1, 255, 256, 257}) {
            String s = "a".repeat(n);
            assertEquals(serial.matcher(s).matches(), MfaHeader.isSerial(s), "length " + n);
        }
    }
}
