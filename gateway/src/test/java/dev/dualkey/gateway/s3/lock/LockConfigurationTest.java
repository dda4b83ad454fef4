package dev.dualkey.gateway.s3.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** PutObjectLockConfiguration's validation table (spec §1.2) and the stored form. */
class LockConfigurationTest {
    private static LockConfiguration parse(String inner) {
        return LockConfiguration.parse(("<ObjectLockConfiguration>" + inner + "</ObjectLockConfiguration>")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static S3ErrorCode refused(String inner) {
        return assertThrows(S3Exception.class, () -> parse(inner)).error();
    }

    @Test
    void validationTable() {
        assertEquals(LockConfiguration.ENABLED_ONLY, parse("<ObjectLockEnabled>Enabled</ObjectLockEnabled>"));
        assertEquals(new LockConfiguration("GOVERNANCE", 1, null), parse("<ObjectLockEnabled>Enabled</ObjectLockEnabled>"
                + "<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>"));
        String enabled = "<ObjectLockEnabled>Enabled</ObjectLockEnabled>";
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(""));
        assertEquals(S3ErrorCode.MALFORMED_XML, refused("<ObjectLockEnabled>Disabled</ObjectLockEnabled>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(enabled + "<Rule></Rule>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(enabled + "<Rule><DefaultRetention><Mode>GOVERNANCE</Mode>"
                + "</DefaultRetention></Rule>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(enabled + "<Rule><DefaultRetention><Mode>governance</Mode>"
                + "<Days>1</Days></DefaultRetention></Rule>"));
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(enabled + "<Rule><DefaultRetention><Mode>GOVERNANCE</Mode>"
                + "<Days>1</Days><Years>1</Years></DefaultRetention></Rule>"));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused(enabled + "<Rule><DefaultRetention><Mode>GOVERNANCE</Mode>"
                + "<Days>0</Days></DefaultRetention></Rule>"));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused(enabled + "<Rule><DefaultRetention><Mode>GOVERNANCE</Mode>"
                + "<Years>-1</Years></DefaultRetention></Rule>"));
        assertEquals(S3ErrorCode.INVALID_RETENTION_PERIOD, refused(enabled + "<Rule><DefaultRetention><Mode>"
                + "COMPLIANCE</Mode><Days>36501</Days></DefaultRetention></Rule>"));
    }

    @Test
    void storedFormRoundTripsAndDefaultsAreExact() {
        LockConfiguration years = new LockConfiguration("COMPLIANCE", null, 2);
        assertEquals(years, LockConfiguration.fromStored(years.stored()));
        assertEquals(Instant.parse("2026-02-28T10:00:00Z"),
                years.defaultRetainUntil(Instant.parse("2024-02-28T10:00:00Z")));
        assertEquals(Instant.parse("2024-03-01T10:00:00.123Z"), new LockConfiguration("GOVERNANCE", 2, null)
                .defaultRetainUntil(Instant.parse("2024-02-28T10:00:00.123Z")));
    }
}
