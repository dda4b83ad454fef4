package dev.dualkey.gateway.sts.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.sts.StsErrorCode;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** Which requests are STS's, and SigV4 failures in STS's words. */
class StsEndpointTest {
    @Test
    void stsRequestsAreThoseWhoseScopeNamesSts() {
        assertTrue(StsEndpoint.scopeNamesSts(post("AWS4-HMAC-SHA256 Credential=AKIA/20261202/us-east-1/sts/"
                + "aws4_request, SignedHeaders=host, Signature=00")));
        assertFalse(StsEndpoint.scopeNamesSts(post("AWS4-HMAC-SHA256 Credential=AKIA/20261202/us-east-1/iam/"
                + "aws4_request, SignedHeaders=host, Signature=00")));
        assertFalse(StsEndpoint.scopeNamesSts(post(null)), "unsigned forms stay IAM's (MissingAuthenticationToken)");
        assertTrue(StsEndpoint.scopeNamesSts(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=AKIA%2F20261202%2Fus-east-1%2Fsts"
                        + "%2Faws4_request&X-Amz-Signature=00")));
        assertFalse(StsEndpoint.scopeNamesSts(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/bucket/key?X-Amz-Credential=AKIA%2F20261202%2Fus-east-1%2Fs3%2Faws4_request")));
    }

    @Test
    void signatureFailuresInStsWords() {
        assertEquals(StsErrorCode.INVALID_CLIENT_TOKEN_ID,
                StsEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.INVALID_TOKEN)).errorCode());
        assertEquals(StsErrorCode.INVALID_CLIENT_TOKEN_ID,
                StsEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID)).errorCode());
        assertEquals("The security token included in the request is expired",
                StsEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.EXPIRED_TOKEN)).getMessage());
        assertEquals(StsErrorCode.MISSING_AUTHENTICATION_TOKEN,
                StsEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.ACCESS_DENIED)).errorCode());
        assertEquals(StsErrorCode.SIGNATURE_DOES_NOT_MATCH,
                StsEndpoint.fromSignatureError(new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED)).errorCode());
    }

    private static HttpRequest post(String authorization) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
        r.headers().set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        if (authorization != null) {
            r.headers().set("Authorization", authorization);
        }
        return r;
    }
}
