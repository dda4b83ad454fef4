package dev.dualkey.gateway.s3.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.protect.Outcome;
import dev.dualkey.gateway.protect.ProtectedRefusalException;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.protect.Refusal;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.PublishCheck;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each refusal's S3 wire (spec D3, D4, D8): status, code, message, ArgumentName/Value. */
class S3RefusalsTest {
    private static final ProtectedRequest REQ = new ProtectedRequest(Principal.root("111111111111"), "AKIA",
            "arn:aws:iam::111111111111:mfa/root 970589", true, null);

    @Test
    void eachRefusalHasItsS3Error() {
        S3Exception required = S3Refusals.toS3(Refusal.MFA_REQUIRED, null);
        assertEquals(S3ErrorCode.ACCESS_DENIED, required.error());
        assertEquals(403, required.error().httpStatus());
        assertEquals("Mfa Authentication must be used for this request", required.getMessage());

        S3Exception owner = S3Refusals.toS3(Refusal.NOT_BUCKET_OWNER, "x 123456");
        assertEquals(S3ErrorCode.ACCESS_DENIED, owner.error());
        assertEquals("This operation may only be performed by the bucket owner", owner.getMessage());

        S3Exception session = S3Refusals.toS3(Refusal.MFA_WITH_SESSION_CREDENTIALS, "x 123456");
        assertEquals(S3ErrorCode.INVALID_REQUEST, session.error());
        assertEquals(400, session.error().httpStatus());

        S3Exception http = S3Refusals.toS3(Refusal.MFA_OVER_HTTP, "x 123456");
        assertEquals(S3ErrorCode.INVALID_REQUEST, http.error());
        assertEquals("Requests that include x-amz-mfa must use HTTPS", http.getMessage());

        S3Exception malformed = S3Refusals.toS3(Refusal.MFA_MALFORMED, " 970589 ");
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, malformed.error());
        assertEquals("x-amz-mfa", malformed.extras().get("ArgumentName"));
        assertEquals("970589", malformed.extras().get("ArgumentValue"));

        S3Exception invalid = S3Refusals.toS3(Refusal.MFA_INVALID, "serial 123456");
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, invalid.error());
        assertEquals(malformed.getMessage(), invalid.getMessage());
        assertNull(invalid.extras().get("ArgumentValue"), "a well-formed code is never echoed");
    }

    @Test
    void everyRefusalIsWorded() {
        Set<Refusal> seen = EnumSet.noneOf(Refusal.class);
        for (Refusal r : Refusal.values()) {
            S3Exception e = S3Refusals.toS3(r, "h");
            assertFalse(e.getMessage().isBlank());
            seen.add(r);
        }
        assertEquals(EnumSet.allOf(Refusal.class), seen);
    }

    @Test
    void outcomesAndStreamedChecksTranslateTheSameWay() {
        assertEquals("ok", S3Refusals.orThrow(Outcome.allowed("ok"), REQ));
        S3Exception e = assertThrows(S3Exception.class,
                () -> S3Refusals.orThrow(Outcome.refused(Refusal.MFA_REQUIRED), REQ));
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        PublishCheck refusing = (b, replaces) -> {
            throw new ProtectedRefusalException(Refusal.MFA_WITH_SESSION_CREDENTIALS);
        };
        S3Exception streamed = assertThrows(S3Exception.class,
                () -> S3Refusals.asS3(refusing, REQ).check(null, true));
        assertEquals(S3ErrorCode.INVALID_REQUEST, streamed.error());
    }
}
