package dev.dualkey.gateway.auth.sigv2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.auth.SignableRequest;
import dev.dualkey.gateway.auth.SignatureInfo;
import dev.dualkey.gateway.authz.RequestOrigin;
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
 * Signature Version 2 against AWS's published examples ("Signing and authenticating REST requests (AWS signature
 * version 2)": the johnsmith GET, PUT and query-string examples with the documentation's example key) and the
 * refusals S3 answers: bad signature (with StringToSign and StringToSignBytes), skew, expiry, two mechanisms,
 * unknown key, session tokens.
 */
class SigV2VerifierTest {
    static final String AKID = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String SESSION = "ASIASESSIONKEY000001";
    static final String TOKEN = "FwoGZXIvYXdzEXAMPLEtoken/with+base64=chars";
    static final Instant DOC_TIME = Instant.parse("2007-03-27T19:36:42Z");

    static final CredentialProvider KEYS = id -> switch (id) {
        case AKID -> Optional.of(new Credential(id, SECRET, Principal.root("111122223333"), true));
        case SESSION -> Optional.of(new Credential(id, SECRET, new Principal("111122223333", "root", true,
                "arn:aws:iam::111122223333:root", true, null), true,
                new Credential.SessionToken(sha256(TOKEN), false)));
        default -> Optional.empty();
    };

    static SigV2Verifier at(Instant now, String domain) {
        return new SigV2Verifier(KEYS, Clock.fixed(now, ZoneOffset.UTC), domain);
    }

    static SignableRequest req(String method, String path, String query, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.computeIfAbsent(headers[i], k -> new ArrayList<>()).add(headers[i + 1]);
        }
        List<Map.Entry<String, String>> q = new ArrayList<>();
        if (query != null) {
            for (String part : query.split("&")) {
                int eq = part.indexOf('=');
                q.add(new AbstractMap.SimpleImmutableEntry<>(eq < 0 ? part : part.substring(0, eq),
                        eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8)));
            }
        }
        return new SignableRequest(method, path, q, h);
    }

    @Test
    void awsDocumentationGetObjectVirtualHosted() {
        AuthResult r = at(DOC_TIME.plusSeconds(60), "s3.amazonaws.com").verify(req("GET", "/photos/puppy.jpg", null,
                "Host", "johnsmith.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS " + AKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU="));
        assertEquals(AKID, r.accessKeyId());
        assertEquals(SignatureInfo.SIGV2, r.signature().version());
        assertEquals(PayloadMode.UNSIGNED, r.payloadMode());
        assertFalse(r.signature().presigned());
        RequestOrigin origin = RequestOrigin.signed(false, null, r.signature(), null);
        assertEquals("AWS", origin.signatureVersion());
        assertEquals("REST-HEADER", origin.authType());
    }

    @Test
    void awsDocumentationPutObjectPathStyleWithContentType() {
        AuthResult r = at(Instant.parse("2007-03-27T21:15:45Z"), null).verify(req("PUT", "/johnsmith/photos/puppy.jpg",
                null, "Content-Type", "image/jpeg", "Content-Length", "94328", "Host", "127.0.0.1:9000",
                "Date", "Tue, 27 Mar 2007 21:15:45 +0000",
                "Authorization", "AWS " + AKID + ":MyyxeRY7whkBe+bq8fHCL/2kKUg="));
        assertEquals(AKID, r.accessKeyId());
    }

    @Test
    void awsDocumentationQueryStringAuth() {
        AuthResult r = at(Instant.ofEpochSecond(1175139620 - 100), "s3.amazonaws.com").verify(req("GET",
                "/photos/puppy.jpg", "AWSAccessKeyId=" + AKID + "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D"
                        + "&Expires=1175139620", "Host", "johnsmith.s3.amazonaws.com"));
        assertTrue(r.signature().presigned());
        assertNull(r.signature().requestTime());
        RequestOrigin origin = RequestOrigin.signed(false, null, r.signature(), null);
        assertEquals("REST-QUERY-STRING", origin.authType());
        assertEquals("AWS", origin.signatureVersion());
    }

    @Test
    void expiredQueryStringIsAccessDeniedWithExpiresAndServerTime() {
        S3Exception e = assertThrows(S3Exception.class, () -> at(Instant.ofEpochSecond(1175139621),
                "s3.amazonaws.com").verify(req("GET", "/photos/puppy.jpg", "AWSAccessKeyId=" + AKID
                + "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
                "Host", "johnsmith.s3.amazonaws.com")));
        assertEquals(S3ErrorCode.ACCESS_DENIED, e.error());
        assertEquals("Request has expired", e.getMessage());
        assertEquals("2007-03-29T03:40:20Z", e.extras().get("Expires"));
        assertEquals("2007-03-29T03:40:21Z", e.extras().get("ServerTime"));
    }

    @Test
    void incompleteOrBadQueryParametersAreAccessDenied() {
        S3Exception missing = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET",
                "/b/k", "AWSAccessKeyId=" + AKID + "&Signature=x")));
        assertEquals(S3ErrorCode.ACCESS_DENIED, missing.error());
        assertEquals("Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
                missing.getMessage());
        S3Exception bad = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET",
                "/b/k", "AWSAccessKeyId=" + AKID + "&Signature=x&Expires=tomorrow")));
        assertEquals("Invalid date (should be seconds since epoch): tomorrow", bad.getMessage());
    }

    @Test
    void wrongSignatureAnswersStringToSignAndBytes() {
        S3Exception e = assertThrows(S3Exception.class, () -> at(DOC_TIME, "s3.amazonaws.com").verify(req("GET",
                "/photos/puppy.jpg", null, "Host", "johnsmith.s3.amazonaws.com",
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS " + AKID + ":AAAAs1WEIj+Ydj0vQ697zp+IXMU=")));
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
        assertEquals("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
                e.extras().get("StringToSign"));
        assertTrue(e.extras().get("StringToSignBytes").startsWith("47 45 54 0a 0a 0a 54"));
        assertEquals("AAAAs1WEIj+Ydj0vQ697zp+IXMU=", e.extras().get("SignatureProvided"));
        assertEquals(AKID, e.extras().get("AWSAccessKeyId"));
    }

    @Test
    void theSameSignatureForAnotherBucketOrSubResourceFails() {
        // The bucket is in the canonical resource: the signature of johnsmith's key is worth nothing elsewhere.
        assertSignatureMismatch(() -> at(DOC_TIME, "s3.amazonaws.com").verify(req("GET", "/photos/puppy.jpg", null,
                "Host", "other.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS " + AKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=")));
        // A sub-resource appended to a signed GET (e.g. ?acl, ?retention) changes the operation: it must be signed.
        for (String sub : List.of("acl", "retention", "legal-hold", "tagging", "versionId=abc", "uploadId=1")) {
            assertSignatureMismatch(() -> at(DOC_TIME, "s3.amazonaws.com").verify(req("GET", "/photos/puppy.jpg",
                    sub, "Host", "johnsmith.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                    "Authorization", "AWS " + AKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=")));
        }
        // An x-amz header added to a signed request (x-amz-mfa, x-amz-acl) is part of the string to sign.
        assertSignatureMismatch(() -> at(DOC_TIME, "s3.amazonaws.com").verify(req("GET", "/photos/puppy.jpg", null,
                "Host", "johnsmith.s3.amazonaws.com", "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "x-amz-mfa", "123 456789", "Authorization", "AWS " + AKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=")));
    }

    @Test
    void canonicalResourceAndAmzHeadersFollowAws() {
        assertEquals("/b/k%20x?acl&versionId=v1", SigV2StringToSign.canonicalResource(null, "/b/k%20x",
                List.of(Map.entry("versionId", "v1"), Map.entry("prefix", "p"), Map.entry("acl", ""))));
        assertEquals("/b/?versioning", SigV2StringToSign.canonicalResource(null, "/b",
                List.of(Map.entry("versioning", ""))));
        assertEquals("/", SigV2StringToSign.canonicalResource(null, "/", List.of()));
        assertEquals("/b/?response-content-type=text/plain", SigV2StringToSign.canonicalResource("b", "/",
                List.of(Map.entry("response-content-type", "text/plain"))));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("X-Amz-Meta-ReviewedBy", List.of("joe@example.com", "jane@example.com"));
        headers.put("x-amz-date", List.of("Tue, 27 Mar 2007 21:20:26 +0000"));
        headers.put("X-Amz-Meta-FileChecksum", List.of(" 0x02661779 "));
        headers.put("Content-Type", List.of("x"));
        assertEquals("PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\n\n"
                        + "x-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n"
                        + "x-amz-meta-filechecksum:0x02661779\n"
                        + "x-amz-meta-reviewedby:joe@example.com,jane@example.com\n/static.johnsmith.net/db-backup.dat.gz",
                SigV2StringToSign.of("PUT", "4gJE4saaMU4BqNR0kLY+lw==", "application/x-download", "",
                        SigV2StringToSign.amzHeaders(headers, List.of()), "/static.johnsmith.net/db-backup.dat.gz"));
    }

    @Test
    void xAmzDateReplacesDateAndIsSigned() {
        String sts = "GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:36:42 +0000\n/b/k";
        String sig = SigV2Verifier.sign(SECRET, sts);
        AuthResult r = at(DOC_TIME, null).verify(req("GET", "/b/k", null, "Date", "garbage, ignored",
                "x-amz-date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS " + AKID + ":" + sig));
        assertEquals(DOC_TIME, r.signature().requestTime());
    }

    @Test
    void skewOfMoreThanFifteenMinutesIsRequestTimeTooSkewed() {
        String sts = "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k";
        SignableRequest r = req("GET", "/b/k", null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS " + AKID + ":" + SigV2Verifier.sign(SECRET, sts));
        at(DOC_TIME.plusSeconds(900), null).verify(r);
        S3Exception e = assertThrows(S3Exception.class, () -> at(DOC_TIME.plusSeconds(901), null).verify(r));
        assertEquals(S3ErrorCode.REQUEST_TIME_TOO_SKEWED, e.error());
        assertEquals("Tue, 27 Mar 2007 19:36:42 +0000", e.extras().get("RequestTime"));
        assertEquals("900000", e.extras().get("MaxAllowedSkewMilliseconds"));
        assertThrows(S3Exception.class, () -> at(DOC_TIME.minusSeconds(901), null).verify(r));
        S3Exception noDate = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                null, "Authorization", "AWS " + AKID + ":x")));
        assertEquals(S3ErrorCode.ACCESS_DENIED, noDate.error());
        assertEquals("AWS authentication requires a valid Date or x-amz-date header", noDate.getMessage());
    }

    @Test
    void oneMechanismPerRequestAndWellFormedHeader() {
        for (String q : List.of("X-Amz-Algorithm=AWS4-HMAC-SHA256", "Signature=abc", "X-Amz-Signature=abc")) {
            S3Exception e = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k", q,
                    "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS " + AKID + ":x")));
            assertEquals(S3ErrorCode.INVALID_ARGUMENT, e.error(), q);
            assertTrue(e.getMessage().startsWith("Only one auth mechanism allowed"));
        }
        S3Exception both = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                "AWSAccessKeyId=" + AKID + "&Signature=x&Expires=1&X-Amz-Credential=y")));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, both.error());
        S3Exception malformed = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS " + AKID)));
        assertEquals(S3ErrorCode.INVALID_ARGUMENT, malformed.error());
        assertEquals("AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
                malformed.getMessage());
    }

    @Test
    void unknownKeyAndSessionTokens() {
        String sts = "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k";
        S3Exception unknown = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS AKIANOSUCHKEY:x")));
        assertEquals(S3ErrorCode.INVALID_ACCESS_KEY_ID, unknown.error());
        // a session key without its token, with a wrong one, and a token on a long-term key
        S3Exception noToken = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization", "AWS " + SESSION + ":" + SigV2Verifier.sign(SECRET, sts))));
        assertEquals(S3ErrorCode.INVALID_TOKEN, noToken.error());
        String withToken = "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\nx-amz-security-token:" + TOKEN + "\n/b/k";
        AuthResult ok = at(DOC_TIME, null).verify(req("GET", "/b/k", null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000",
                "x-amz-security-token", TOKEN, "Authorization", "AWS " + SESSION + ":"
                        + SigV2Verifier.sign(SECRET, withToken)));
        assertTrue(ok.principal().temporary());
        S3Exception wrong = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k", null,
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-security-token", TOKEN + "x",
                "Authorization", "AWS " + SESSION + ":x")));
        assertEquals(S3ErrorCode.INVALID_TOKEN, wrong.error());
        S3Exception onLongTerm = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("GET", "/b/k",
                null, "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-security-token", TOKEN,
                "Authorization", "AWS " + AKID + ":x")));
        assertEquals(S3ErrorCode.INVALID_TOKEN, onLongTerm.error());
        // presigned with the token in the query, as botocore puts it
        String q = "GET\n\n\n1175139620\nx-amz-security-token:" + TOKEN + "\n/b/k";
        AuthResult presigned = at(Instant.ofEpochSecond(1175139000), null).verify(req("GET", "/b/k",
                "AWSAccessKeyId=" + SESSION + "&Signature=" + java.net.URLEncoder.encode(SigV2Verifier.sign(SECRET, q),
                        StandardCharsets.UTF_8) + "&Expires=1175139620&x-amz-security-token="
                        + java.net.URLEncoder.encode(TOKEN, StandardCharsets.UTF_8)));
        assertTrue(presigned.principal().temporary());
    }

    @Test
    void streamingPayloadNeedsSigV4() {
        String sts = "PUT\n\n\nTue, 27 Mar 2007 19:36:42 +0000\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n/b/k";
        S3Exception e = assertThrows(S3Exception.class, () -> at(DOC_TIME, null).verify(req("PUT", "/b/k", null,
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                "Authorization", "AWS " + AKID + ":" + SigV2Verifier.sign(SECRET, sts))));
        assertEquals(S3ErrorCode.INVALID_REQUEST, e.error());
    }

    @Test
    void theS3VerifierAcceptsSigV2OnlyWhenEnabledAndNeverForOtherServices() {
        SignableRequest r = req("GET", "/photos/puppy.jpg", null, "Host", "johnsmith.s3.amazonaws.com",
                "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS " + AKID + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
        Clock clock = Clock.fixed(DOC_TIME, ZoneOffset.UTC);
        SigV4Verifier off = new SigV4Verifier(KEYS, clock, "s3", "us-east-1");
        S3Exception e = assertThrows(S3Exception.class, () -> off.verify(r, null));
        assertEquals(S3ErrorCode.INVALID_REQUEST, e.error());
        assertEquals("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.",
                e.getMessage());
        assertEquals(SignatureInfo.SIGV2, off.withSigV2("s3.amazonaws.com").verify(r, null).signature().version());
        assertThrows(IllegalStateException.class, () -> new SigV4Verifier(KEYS, clock, "iam").withSigV2(null));
        assertThrows(IllegalStateException.class, () -> new SigV4Verifier(KEYS, clock, "sts").withSigV2(null));
    }

    private static void assertSignatureMismatch(org.junit.jupiter.api.function.Executable call) {
        S3Exception e = assertThrows(S3Exception.class, call);
        assertEquals(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH, e.error());
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
