package dev.dualkey.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The request-hygiene rules of the verifier (issue 12 F): every x-amz-* header and host signed, one auth
 * mechanism per request, the server's region and service in the scope, X-Amz-Expires within 1..604800, a
 * presigned URL's payload hash bound to the body. Requests are signed here with {@link SigV4Signer}'s own
 * pieces at a fixed clock, so each test changes exactly the one thing it is about.
 */
class SigV4HygieneTest {
    static final String AK = "AKIAIOSFODNN7EXAMPLE";
    static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");
    static final String AMZ_DATE = "20261202T070000Z";
    static final String EMPTY = SigV4Signer.EMPTY_SHA256;
    static final CredentialProvider KEYS = id -> id.equals(AK)
            ? Optional.of(new Credential(AK, SK, Principal.root("111122223333"), true)) : Optional.empty();

    static SigV4Verifier s3(Instant now) {
        return new SigV4Verifier(KEYS, Clock.fixed(now, ZoneOffset.UTC), "s3", "us-east-1");
    }

    /** Header auth over {@code headers}, signing exactly {@code signed} (names in lower case, sorted). */
    static SignableRequest headerSigned(String region, String service, List<String> signed, String... kv) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put(kv[i].toLowerCase(java.util.Locale.ROOT), List.of(kv[i + 1]));
        }
        String scope = SigV4Signer.scope(AMZ_DATE.substring(0, 8), region, service);
        String canonical = SigV4Signer.canonicalRequest("PUT", "/bucket/key", "",
                SigV4Signer.canonicalHeaders(h, signed), signed, h.getOrDefault("x-amz-content-sha256",
                        List.of(EMPTY)).get(0));
        String sig = SigV4Signer.signature(SigV4Signer.signingKey(SK, AMZ_DATE.substring(0, 8), region, service),
                SigV4Signer.stringToSign(AMZ_DATE, scope, canonical));
        h.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=" + AK + "/" + scope + ", SignedHeaders="
                + String.join(";", signed) + ", Signature=" + sig));
        return new SignableRequest("PUT", "/bucket/key", List.of(), h);
    }

    /** A presigned PUT whose query carries {@code extraQuery} (signed) and whose wire has {@code headers}. */
    static SignableRequest presigned(String region, long expires, String amzDate, List<String> signed,
                                     Map<String, String> extraQuery, String... kv) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            h.put(kv[i].toLowerCase(java.util.Locale.ROOT), List.of(kv[i + 1]));
        }
        String scope = SigV4Signer.scope(amzDate.substring(0, 8), region, "s3");
        List<Map.Entry<String, String>> q = new ArrayList<>();
        q.add(Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"));
        q.add(Map.entry("X-Amz-Credential", AK + "/" + scope));
        q.add(Map.entry("X-Amz-Date", amzDate));
        q.add(Map.entry("X-Amz-Expires", Long.toString(expires)));
        q.add(Map.entry("X-Amz-SignedHeaders", String.join(";", signed)));
        extraQuery.forEach((k, v) -> q.add(Map.entry(k, v)));
        String payload = extraQuery.getOrDefault("X-Amz-Content-Sha256",
                signed.contains("x-amz-content-sha256") ? h.get("x-amz-content-sha256").get(0) : "UNSIGNED-PAYLOAD");
        String canonical = SigV4Signer.canonicalRequest("PUT", "/bucket/key", SigV4Signer.canonicalQuery(q),
                SigV4Signer.canonicalHeaders(h, signed), signed, payload);
        String sig = SigV4Signer.signature(SigV4Signer.signingKey(SK, amzDate.substring(0, 8), region, "s3"),
                SigV4Signer.stringToSign(amzDate, scope, canonical));
        q.add(Map.entry("X-Amz-Signature", sig));
        return new SignableRequest("PUT", "/bucket/key", q, h);
    }

    static S3Exception refused(SigV4Verifier v, SignableRequest req) {
        return assertThrows(S3Exception.class, () -> v.verify(req, null));
    }

    @Test
    void correctlySignedRequestPasses() {
        SignableRequest req = headerSigned("us-east-1", "s3",
                List.of("host", "x-amz-content-sha256", "x-amz-date", "x-amz-meta-a"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE, "x-amz-meta-a", "1");
        assertEquals(AK, s3(NOW).verify(req, null).accessKeyId());
    }

    @Test
    void unsignedAmzHeaderIsRefusedNamingIt() {
        SignableRequest req = headerSigned("us-east-1", "s3", List.of("host", "x-amz-content-sha256", "x-amz-date"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE,
                "x-amz-copy-source", "/other/secret", "X-Amz-Mfa", "123 456");
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        assertEquals("There were headers present in the request which were not signed", e.getMessage());
        assertEquals("x-amz-copy-source, x-amz-mfa", e.extras().get("HeadersNotSigned"));
    }

    @Test
    void unsignedContentSha256AndDateAreRefusedToo() {
        SignableRequest req = headerSigned("us-east-1", "s3", List.of("host"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        assertEquals("x-amz-content-sha256, x-amz-date", refused(s3(NOW), req).extras().get("HeadersNotSigned"));
    }

    @Test
    void hostMustBeSigned() {
        SignableRequest req = headerSigned("us-east-1", "s3", List.of("x-amz-content-sha256", "x-amz-date"),
                "Host", "a.example", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        assertEquals("host", e.extras().get("HeadersNotSigned"));
    }

    @Test
    void headerAndQueryAuthTogetherAreRefused() {
        SignableRequest signed = headerSigned("us-east-1", "s3", List.of("host", "x-amz-content-sha256", "x-amz-date"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        SignableRequest both = new SignableRequest("PUT", "/bucket/key",
                List.of(Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")), signed.headers());
        S3Exception e = refused(s3(NOW), both);
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error());
        assertEquals("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query"
                + " string parameter or the Authorization header should be specified", e.getMessage());
        SignableRequest withV2 = new SignableRequest("PUT", "/bucket/key",
                List.of(Map.entry("Signature", "x")), signed.headers());
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, refused(s3(NOW), withV2).error());
    }

    @Test
    void otherRegionIsMalformedAndNamesTheServerRegion() {
        SignableRequest req = headerSigned("eu-west-1", "s3", List.of("host", "x-amz-content-sha256", "x-amz-date"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, e.error());
        assertEquals(400, e.error().httpStatus());
        assertEquals("The authorization header is malformed; the region 'eu-west-1' is wrong; expecting"
                + " 'us-east-1'", e.getMessage());
        assertEquals("us-east-1", e.extras().get("Region"));
    }

    @Test
    void presignedOtherRegionIsAQueryParametersError() {
        SignableRequest req = presigned("eu-west-1", 60, AMZ_DATE, List.of("host"), Map.of(), "Host", "h");
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, e.error());
        assertEquals("us-east-1", e.extras().get("Region"));
    }

    @Test
    void iamScopedSignatureNeverAuthenticatesS3() {
        SignableRequest req = headerSigned("us-east-1", "iam", List.of("host", "x-amz-content-sha256", "x-amz-date"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        assertEquals(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, refused(s3(NOW), req).error());
        SigV4Verifier iam = new SigV4Verifier(KEYS, Clock.fixed(NOW, ZoneOffset.UTC), "iam");
        SignableRequest s3Scoped = headerSigned("us-east-1", "s3",
                List.of("host", "x-amz-content-sha256", "x-amz-date"),
                "Host", "h", "x-amz-content-sha256", EMPTY, "x-amz-date", AMZ_DATE);
        assertEquals(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, refused(iam, s3Scoped).error());
        assertEquals(AK, iam.verify(req, null).accessKeyId());
    }

    @Test
    void presignedUnsignedAmzHeaderIsRefused() {
        SignableRequest req = presigned("us-east-1", 60, AMZ_DATE, List.of("host"), Map.of(),
                "Host", "h", "x-amz-acl", "public-read");
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        assertEquals("x-amz-acl", e.extras().get("HeadersNotSigned"));
        SignableRequest ok = presigned("us-east-1", 60, AMZ_DATE, List.of("host", "x-amz-acl"), Map.of(),
                "Host", "h", "x-amz-acl", "public-read");
        assertEquals(PayloadMode.UNSIGNED, s3(NOW).verify(ok, null).payloadMode());
    }

    @Test
    void presignedWithoutHostIsRefused() {
        SignableRequest req = presigned("us-east-1", 60, AMZ_DATE, List.of("x-amz-acl"), Map.of(),
                "Host", "h", "x-amz-acl", "private");
        assertEquals("host", refused(s3(NOW), req).extras().get("HeadersNotSigned"));
    }

    @Test
    void presignedExpiresOutsideOneToSevenDaysIsRefused() {
        for (long expires : new long[] {0, -1, 604_801}) {
            SignableRequest req = presigned("us-east-1", expires, AMZ_DATE, List.of("host"), Map.of(), "Host", "h");
            assertEquals(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR, refused(s3(NOW), req).error(),
                    "X-Amz-Expires=" + expires);
        }
        assertEquals(AK, s3(NOW).verify(presigned("us-east-1", 1, AMZ_DATE, List.of("host"), Map.of(), "Host", "h"),
                null).accessKeyId());
        assertEquals(AK, s3(NOW).verify(presigned("us-east-1", 604_800, AMZ_DATE, List.of("host"), Map.of(),
                "Host", "h"), null).accessKeyId());
    }

    @Test
    void presignedDateBeyondTheSkewWindowIsNotValidYet() {
        SignableRequest req = presigned("us-east-1", 604_800, "20261202T071600Z", List.of("host"), Map.of(),
                "Host", "h");
        S3Exception e = refused(s3(NOW), req);
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        assertEquals("Request is not valid yet", e.getMessage());
        assertEquals(AK, s3(NOW.plusSeconds(60)).verify(req, null).accessKeyId());
    }

    @Test
    void presignedQueryPayloadHashIsEnforcedAsHashed() {
        String hash = SigV4Signer.sha256Hex("hello");
        AuthResult r = s3(NOW).verify(presigned("us-east-1", 60, AMZ_DATE, List.of("host"),
                Map.of("X-Amz-Content-Sha256", hash), "Host", "h"), null);
        assertEquals(PayloadMode.HASHED, r.payloadMode());
        assertEquals(hash, r.signature().payloadHash());
    }

    @Test
    void presignedSignedContentSha256HeaderIsEnforcedAsHashed() {
        String hash = SigV4Signer.sha256Hex("hello");
        AuthResult r = s3(NOW).verify(presigned("us-east-1", 60, AMZ_DATE, List.of("host", "x-amz-content-sha256"),
                Map.of(), "Host", "h", "x-amz-content-sha256", hash), null);
        assertEquals(PayloadMode.HASHED, r.payloadMode());
        assertEquals(hash, r.signature().payloadHash());
    }

    @Test
    void presignedUnsignedContentSha256HeaderIsRefused() {
        SignableRequest req = presigned("us-east-1", 60, AMZ_DATE, List.of("host"), Map.of(),
                "Host", "h", "x-amz-content-sha256", SigV4Signer.sha256Hex("x"));
        assertEquals("x-amz-content-sha256", refused(s3(NOW), req).extras().get("HeadersNotSigned"));
    }
}
