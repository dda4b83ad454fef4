package dev.dualkey.gateway.s3.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PutBucketCors validation as S3 answers it, the canonical stored form, and rule matching. */
class CorsConfigurationTest {
    static CorsConfiguration parse(String rules) {
        return CorsConfiguration.parse(("<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                + rules + "</CORSConfiguration>").getBytes(StandardCharsets.UTF_8));
    }

    static S3Exception refused(String rules) {
        return assertThrows(S3Exception.class, () -> parse(rules));
    }

    @Test
    void validatesAsS3() {
        assertEquals(S3ErrorCode.MALFORMED_XML, refused("").error());
        assertEquals(S3ErrorCode.MALFORMED_XML, refused("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>")
                .error());
        assertEquals(S3ErrorCode.MALFORMED_XML, refused("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>")
                .error());
        assertEquals(S3ErrorCode.MALFORMED_XML, refused("<CORSRule><AllowedOrigin>*</AllowedOrigin>"
                + "<AllowedMethod>GET</AllowedMethod><Bogus/></CORSRule>").error());
        S3Exception method = refused("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>"
                + "</CORSRule>");
        assertEquals(S3ErrorCode.INVALID_REQUEST, method.error());
        assertEquals("Found unsupported HTTP method in CORS config. Unsupported method is PATCH", method.getMessage());
        S3Exception wild = refused("<CORSRule><AllowedOrigin>http://*.*.com</AllowedOrigin>"
                + "<AllowedMethod>GET</AllowedMethod></CORSRule>");
        assertEquals(S3ErrorCode.INVALID_REQUEST, wild.error());
        assertEquals("AllowedOrigin \"http://*.*.com\" can not have more than one wildcard.", wild.getMessage());
        String rule = "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
        assertEquals(100, parse(rule.repeat(100)).rules().size());
        assertEquals(S3ErrorCode.MALFORMED_XML, refused(rule.repeat(101)).error());
    }

    @Test
    void storedFormRoundTripsAndMatchesFirstRule() {
        CorsConfiguration c = parse("<CORSRule><ID>site</ID><AllowedOrigin>https://*.example.com</AllowedOrigin>"
                + "<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>"
                + "<AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader>"
                + "<ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>"
                + "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>");
        assertEquals(c, CorsConfiguration.fromStored(c.toStored()));
        CorsRule first = c.match("https://app.example.com", "PUT", List.of("x-amz-date", "content-type")).get();
        assertEquals("site", first.id());
        assertFalse(first.anyOrigin());
        assertTrue(c.match("https://app.example.com", "PUT", List.of("authorization")).isEmpty());
        assertTrue(c.match("https://evil.com", "PUT", List.of()).isEmpty());
        assertTrue(c.match("https://evil.com", "GET", List.of()).get().anyOrigin());
        assertTrue(c.match("https://example.com", "DELETE", List.of()).isEmpty());
    }
}
