package dev.dualkey.gateway.s3.multipart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.Test;

class PartNumberTest {

    @Test
    void plainDecimalOneToTenThousandIsAccepted() {
        assertEquals(1, PartNumber.parse("1"));
        assertEquals(10_000, PartNumber.parse("10000"));
        assertEquals(537, PartNumber.parse("537"));
    }

    @Test
    void everyOtherSpellingIsInvalidArgument() {
        for (String v : new String[] {null, "", "0", "10001", "+5", "-1", "05", "00001", " 5", "5 ", "1e3", "0x10",
                "\u0665", "5.0", "99999999999", "2147483648"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> PartNumber.parse(v), String.valueOf(v));
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error());
            assertEquals("Part number must be an integer between 1 and 10000, inclusive", e.getMessage());
        }
    }
}
