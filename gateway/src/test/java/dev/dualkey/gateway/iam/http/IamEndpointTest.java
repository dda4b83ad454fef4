package dev.dualkey.gateway.iam.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.action.IamActions;
import dev.dualkey.gateway.iam.error.IamErrorCode;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IamEndpointTest {
    private final IamEndpoint endpoint = new IamEndpoint(new SigV4Verifier(id -> Optional.empty(), Clock.systemUTC(),
            "iam"), new IamQueryHandler(IamActions.over(null), (c, a, r) -> null, e -> null));

    private static HttpRequest request(HttpMethod method, String uri, Map<String, String> headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        headers.forEach((k, v) -> r.headers().set(k, v));
        return r;
    }

    @Test
    void routesByCredentialScopeService() {
        String iam = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=abc";
        String s3 = iam.replace("/iam/", "/s3/");
        assertTrue(endpoint.accepts(request(HttpMethod.POST, "/", Map.of("Authorization", iam))));
        assertFalse(endpoint.accepts(request(HttpMethod.POST, "/", Map.of("Authorization", s3))));
        assertFalse(endpoint.accepts(request(HttpMethod.PUT, "/bucket/key", Map.of("Authorization", s3))));
        assertTrue(endpoint.accepts(request(HttpMethod.GET, "/?Action=ListUsers&X-Amz-Credential="
                + "AKIAEXAMPLE%2F20260101%2Fus-east-1%2Fiam%2Faws4_request", Map.of())));
        // Unsigned form posts are IAM's, so they get IAM's MissingAuthenticationToken.
        assertTrue(endpoint.accepts(request(HttpMethod.POST, "/",
                Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))));
        assertFalse(endpoint.accepts(request(HttpMethod.POST, "/bucket?delete",
                Map.of("Content-Type", "application/x-www-form-urlencoded"))));
    }

    @Test
    void signatureErrorsUseIamCodes() {
        assertEquals(IamErrorCode.INVALID_CLIENT_TOKEN_ID,
                IamEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID)).errorCode());
        assertEquals(IamErrorCode.SIGNATURE_DOES_NOT_MATCH,
                IamEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)).errorCode());
        assertEquals(IamErrorCode.SIGNATURE_DOES_NOT_MATCH,
                IamEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED)).errorCode());
        assertEquals(IamErrorCode.MISSING_AUTHENTICATION_TOKEN,
                IamEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.ACCESS_DENIED, "Access Denied")).errorCode());
        assertEquals(IamErrorCode.INCOMPLETE_SIGNATURE, IamEndpoint.fromSignatureError(
                new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED, "bad header")).errorCode());
    }

    @Test
    void hygieneRefusalsAreSignatureErrorsNotAMissingToken() {
        var unsigned = IamEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.ACCESS_DENIED,
                "There were headers present in the request which were not signed").with("HeadersNotSigned", "host"));
        assertEquals(IamErrorCode.INCOMPLETE_SIGNATURE, unsigned.errorCode());
        assertEquals(IamErrorCode.REQUEST_EXPIRED, IamEndpoint.fromSignatureError(new S3Exception(
                S3ErrorCode.ACCESS_DENIED, "Request has expired").with("Expires", "2026-01-01T00:00:00Z")).errorCode());
        assertEquals(IamErrorCode.INCOMPLETE_SIGNATURE, IamEndpoint.fromSignatureError(new S3Exception(
                S3ErrorCode.INVALID_ARGUMENT, "Only one auth mechanism allowed")).errorCode());
    }

    @Test
    void frontDoorFailuresAreIamErrorsNotServerFaults() {
        assertEquals(IamErrorCode.SERVICE_FAILURE, IamEndpoint.translate(new IllegalStateException("x")).errorCode());
        assertEquals(IamErrorCode.SIGNATURE_DOES_NOT_MATCH, IamEndpoint.translate(
                new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)).errorCode());
    }

    @Test
    void aBadPercentEscapeInTheUriIsTheClientsErrorNeverAServiceFailure() {
        // found by RequestFuzzTest: a signed IAM request for "/%" answered 500 ServiceFailure
        dev.dualkey.gateway.http.RequestHead head = new dev.dualkey.gateway.http.RequestHead("id", "host",
                request(HttpMethod.POST, "/%", Map.of("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/"
                        + "20260101/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc")), false);
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.dualkey.gateway.iam.error.IamException.class,
                () -> ((dev.dualkey.gateway.http.Exchange.Aggregated) endpoint.begin(head)).complete(new byte[0]));
        // The client's error (the signature is refused first, or the path), never a 500 ServiceFailure.
        org.junit.jupiter.api.Assertions.assertNotEquals(IamErrorCode.SERVICE_FAILURE, e.errorCode());
        assertTrue(e.errorCode().httpStatus() < 500, e.errorCode() + " is a client error");
    }

    @Test
    void callerKeepsTheUserPath() {
        assertEquals(new IamCaller("123456789012", "alice", "/team/a/"), IamEndpoint.caller(
                new Principal("123456789012", "alice", false, "arn:aws:iam::123456789012:user/team/a/alice")));
        assertEquals(new IamCaller("123456789012", "bob", "/"), IamEndpoint.caller(
                Principal.user("123456789012", "bob")));
        assertTrue(IamEndpoint.caller(Principal.root("123456789012")).isRoot());
    }
}
