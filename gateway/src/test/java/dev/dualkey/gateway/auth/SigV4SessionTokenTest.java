package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SigV4 with temporary (STS session) credentials: the session token must come with the request (signed header or
 * presigned query parameter) and equal the session's; expired sessions and tokens on long-term keys are refused.
 * The requests are signed here with {@link SigV4Signer}'s primitives at a fixed time.
 */
class SigV4SessionTokenTest {
    static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");
    static final String AMZ_DATE = "20261202T070000Z";
    static final String SCOPE = "20261202/us-east-1/s3/aws4_request";
    static final String LONG_TERM = "AKIALONGTERMKEY00001";
    static final String SESSION = "ASIASESSIONKEY000001";
    static final String EXPIRED = "ASIAEXPIREDKEY000001";
    static final String SECRET = "session/Secret+Key0000000000000000000000";
    static final String TOKEN = "FwoGZXIvYXdzEXAMPLEtoken/with+base64=chars";
    static final Instant MFA_AT = NOW.minusSeconds(120);

    static final CredentialProvider KEYS = id -> switch (id) {
        case LONG_TERM -> Optional.of(new Credential(id, SECRET, Principal.root("111122223333"), true));
        case SESSION -> Optional.of(new Credential(id, SECRET, new Principal("111122223333", "root", true,
                "arn:aws:iam::111122223333:root", true, MFA_AT), true,
                new Credential.SessionToken(sha256(TOKEN), false)));
        case EXPIRED -> Optional.of(new Credential(id, SECRET, new Principal("111122223333", "alice", false,
                "arn:aws:iam::111122223333:user/alice", true, null), true,
                new Credential.SessionToken(sha256(TOKEN), true)));
        default -> Optional.empty();
    };

    final SigV4Verifier verifier = new SigV4Verifier(KEYS, Clock.fixed(NOW, ZoneOffset.UTC), "s3");

    @Test
    void sessionWithItsSignedTokenAuthenticatesAsTemporaryWithItsMfaContext() {
        AuthResult r = verifier.verify(headerSigned(SESSION, TOKEN, true), null);
        assertTrue(r.principal().temporary());
        assertEquals(MFA_AT, r.principal().mfaAuthenticatedAt());
        assertEquals(120L, r.principal().mfaAgeSeconds(NOW));
        assertEquals(SESSION, r.accessKeyId());
    }

    @Test
    void presignedSessionCarriesTheTokenInTheQuery() {
        AuthResult r = verifier.verify(presigned(SESSION, TOKEN), null);
        assertTrue(r.principal().temporary());
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(presigned(SESSION, null)));
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(presigned(SESSION, TOKEN + "A")));
    }

    @Test
    void missingWrongOrUnsignedTokenIsInvalidToken() {
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(headerSigned(SESSION, null, false)));
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(headerSigned(SESSION, TOKEN.substring(1), true)));
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(headerSigned(SESSION, TOKEN + "x", true)));
        // An x-amz-security-token outside SignedHeaders is refused before the token is looked at: every x-amz-*
        // header must be signed (403 AccessDenied, HeadersNotSigned), which is stricter than InvalidToken.
        assertEquals(S3ErrorCode.ACCESS_DENIED, refusal(headerSigned(SESSION, TOKEN, false)), "token not signed");
    }

    @Test
    void expiredSessionIsExpiredTokenEvenWithTheRightToken() {
        assertEquals(S3ErrorCode.EXPIRED_TOKEN, refusal(headerSigned(EXPIRED, TOKEN, true)));
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(headerSigned(EXPIRED, "wrong", true)));
    }

    @Test
    void longTermKeyWithAStrayTokenIsInvalidTokenAndWithoutOneIsNotTemporary() {
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(headerSigned(LONG_TERM, TOKEN, true)));
        assertEquals(S3ErrorCode.INVALID_TOKEN, refusal(presigned(LONG_TERM, TOKEN)));
        AuthResult r = verifier.verify(headerSigned(LONG_TERM, null, false), null);
        assertFalse(r.principal().temporary());
        assertNull(r.principal().mfaAuthenticatedAt());
        assertNull(r.principal().mfaAgeSeconds(NOW));
    }

    @Test
    void theRightTokenDoesNotReplaceTheSignature() {
        SignableRequest good = headerSigned(SESSION, TOKEN, true);
        Map<String, List<String>> h = new LinkedHashMap<>(good.headers());
        String auth = h.get("authorization").get(0);
        h.put("authorization", List.of(auth.substring(0, auth.length() - 4) + "0000"));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH,
                refusal(new SignableRequest("GET", "/bucket/key", List.of(), h)));
    }

    @Test
    void sessionTokenDigestComparison() {
        Credential.SessionToken t = new Credential.SessionToken(sha256(TOKEN), false);
        assertTrue(t.matches(TOKEN));
        assertFalse(t.matches(null));
        assertFalse(t.matches(""));
        assertFalse(t.toString().contains(TOKEN));
        assertThrows(IllegalArgumentException.class, () -> new Credential(SESSION, SECRET,
                Principal.root("111122223333"), true, t), "a session needs a temporary principal");
    }

    private S3ErrorCode refusal(SignableRequest req) {
        return assertThrows(S3Exception.class, () -> verifier.verify(req, null)).error();
    }

    /** GET /bucket/key, header auth; the token header is sent when non-null and signed when {@code signToken}. */
    static SignableRequest headerSigned(String akid, String token, boolean signToken) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("host", List.of("127.0.0.1:9000"));
        h.put("x-amz-content-sha256", List.of(SigV4Signer.EMPTY_SHA256));
        h.put("x-amz-date", List.of(AMZ_DATE));
        List<String> signed = new ArrayList<>(List.of("host", "x-amz-content-sha256", "x-amz-date"));
        if (token != null) {
            h.put("x-amz-security-token", List.of(token));
            if (signToken) {
                signed.add("x-amz-security-token");
            }
        }
        String canonical = SigV4Signer.canonicalRequest("GET", SigV4Signer.canonicalUri("/bucket/key"),
                SigV4Signer.canonicalQuery(List.of()), SigV4Signer.canonicalHeaders(h, signed), signed,
                SigV4Signer.EMPTY_SHA256);
        String sig = sign(canonical);
        h.put("authorization", List.of(SigV4Signer.ALGORITHM + " Credential=" + akid + "/" + SCOPE
                + ", SignedHeaders=" + String.join(";", signed) + ", Signature=" + sig));
        return new SignableRequest("GET", "/bucket/key", List.of(), h);
    }

    /** A presigned GET /bucket/key; {@code X-Amz-Security-Token} in the signed query when non-null. */
    static SignableRequest presigned(String akid, String token) {
        List<Map.Entry<String, String>> q = new ArrayList<>();
        q.add(entry("X-Amz-Algorithm", SigV4Signer.ALGORITHM));
        q.add(entry("X-Amz-Credential", akid + "/" + SCOPE));
        q.add(entry("X-Amz-Date", AMZ_DATE));
        q.add(entry("X-Amz-Expires", "300"));
        if (token != null) {
            q.add(entry("X-Amz-Security-Token", token));
        }
        q.add(entry("X-Amz-SignedHeaders", "host"));
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("host", List.of("127.0.0.1:9000"));
        String canonical = SigV4Signer.canonicalRequest("GET", SigV4Signer.canonicalUri("/bucket/key"),
                SigV4Signer.canonicalQuery(q), SigV4Signer.canonicalHeaders(h, List.of("host")), List.of("host"),
                "UNSIGNED-PAYLOAD");
        q.add(entry("X-Amz-Signature", sign(canonical)));
        return new SignableRequest("GET", "/bucket/key", q, h);
    }

    private static String sign(String canonicalRequest) {
        String sts = SigV4Signer.stringToSign(AMZ_DATE, SCOPE, canonicalRequest);
        return SigV4Signer.signature(SigV4Signer.signingKey(SECRET, "20261202", "us-east-1", "s3"), sts);
    }

    private static Map.Entry<String, String> entry(String k, String v) {
        return new AbstractMap.SimpleEntry<>(k, v);
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
