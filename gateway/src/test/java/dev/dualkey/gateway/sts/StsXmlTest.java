package dev.dualkey.gateway.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** STS's wire shapes (botocore's sts model: namespace, result wrapper, Query error document). */
class StsXmlTest {
    @Test
    void getSessionTokenDocumentHasTheResultWrapperAndCredentials() {
        Map<String, Object> creds = new LinkedHashMap<>();
        creds.put("AccessKeyId", "ASIAEXAMPLE0000000AA");
        creds.put("SecretAccessKey", "secret");
        creds.put("SessionToken", "to<k>en&");
        creds.put("Expiration", "2026-12-02T08:00:00Z");
        String xml = new String(StsXml.success("GetSessionToken", Map.of("Credentials", creds), "req-1"),
                StandardCharsets.UTF_8);
        assertTrue(xml.contains("<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
                xml);
        assertTrue(xml.contains("<GetSessionTokenResult><Credentials><AccessKeyId>ASIAEXAMPLE0000000AA"
                + "</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>to&lt;k&gt;en&amp;"
                + "</SessionToken><Expiration>2026-12-02T08:00:00Z</Expiration></Credentials>"
                + "</GetSessionTokenResult>"), xml);
        assertTrue(xml.contains("<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"), xml);
    }

    @Test
    void errorDocumentIsAnErrorResponseWithTypeCodeAndMessage() {
        String xml = new String(StsXml.error(new StsException(StsErrorCode.ACCESS_DENIED,
                "MultiFactorAuthentication failed with invalid MFA one time pass code."), "req-2"),
                StandardCharsets.UTF_8);
        assertTrue(xml.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                + "<Type>Sender</Type><Code>AccessDenied</Code><Message>MultiFactorAuthentication failed with"
                + " invalid MFA one time pass code.</Message></Error><RequestId>req-2</RequestId>"
                + "</ErrorResponse>"), xml);
        assertEquals("Receiver", StsErrorCode.INTERNAL_FAILURE.faultType());
        assertEquals(403, StsErrorCode.EXPIRED_TOKEN.httpStatus());
        assertEquals(403, StsErrorCode.INVALID_CLIENT_TOKEN_ID.httpStatus());
    }
}
