package dev.dualkey.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import org.junit.jupiter.api.Test;

/** {@code x-amz-copy-source}: a bad escape anywhere is 400 InvalidArgument, never an unchecked exception. */
class CopySourceTest {

    @Test
    void encodedSourceWithVersionParses() {
        CopySource s = CopySource.parse("/bucket/a%20b%2Bc?versionId=v%2F1");
        assertEquals("bucket", s.bucket());
        assertEquals("a b+c", s.key());
        assertEquals("v/1", s.versionId());
        assertNull(CopySource.parse("bucket/k").versionId());
    }

    @Test
    void badEscapesAreInvalidArgument() {
        for (String h : new String[] {"bucket/k?versionId=%%", "bucket/%zz", "bucket/k%", "bucket/k%4",
                "bucket/k?versionId=%", "bucket/k?%zz=1", "bucket/%ff%fe", "bucket/%c3",
                "/bucket/k?versionId=%e2%82"}) {
            S3Exception e = assertThrows(S3Exception.class, () -> CopySource.parse(h), h);
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error(), h);
            assertEquals("x-amz-copy-source", e.extras().get("ArgumentName"));
        }
    }
}
