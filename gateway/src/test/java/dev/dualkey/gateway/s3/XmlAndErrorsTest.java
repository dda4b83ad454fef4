package dev.dualkey.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3ErrorWriter;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.error.StorageErrorTranslator;
import dev.dualkey.gateway.s3.xml.VersioningConfiguration;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class XmlAndErrorsTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyErrorCodeIsAWireCode() {
        for (S3ErrorCode c : S3ErrorCode.values()) {
            assertTrue(c.code().matches("(KMS\\.)?[A-Z][A-Za-z0-9]+"), c.name()); // KMS.*: S3's SSE-KMS codes
            assertTrue(c.httpStatus() >= 300 && c.httpStatus() < 600, c.name());
        }
    }

    @Test
    void errorDocumentHasS3ShapeAndEscapesText() {
        S3Exception e = new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", "a<b>&c");
        Reply r = S3ErrorWriter.render(e, "/bkt/a<b>&c", "REQ1", "HOST1");
        assertEquals(404, r.status());
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code>"
                + "<Message>The specified key does not exist.</Message><Key>a&lt;b&gt;&amp;c</Key>"
                + "<Resource>/bkt/a&lt;b&gt;&amp;c</Resource><RequestId>REQ1</RequestId><HostId>HOST1</HostId>"
                + "</Error>", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void storageExceptionsTranslateOnce() {
        S3Exception marker = StorageErrorTranslator.translate(new NoSuchKeyException("gone", "v1"), "bkt", "k", null);
        assertEquals(S3ErrorCode.NO_SUCH_KEY, marker.error());
        assertEquals("true", marker.headers().get("x-amz-delete-marker"));
        assertEquals("v1", marker.headers().get("x-amz-version-id"));
        S3Exception mna = StorageErrorTranslator.translate(
                new MethodNotAllowedException("marker", "v2", Instant.EPOCH), "bkt", "k", "v2");
        assertEquals(405, mna.error().httpStatus());
        assertEquals("v2", mna.headers().get("x-amz-version-id"));
        S3Exception notEmpty = StorageErrorTranslator.translate(new BucketNotEmptyException("x"), "bkt", null, null);
        assertEquals(409, notEmpty.error().httpStatus());
        assertEquals("bkt", notEmpty.extras().get("BucketName"));
        // Internal messages are never echoed for unexpected failures.
        S3Exception io = StorageErrorTranslator.translate(new StorageIoException("disk /x failed"), "b", "k", null);
        assertEquals(S3ErrorCode.INTERNAL_ERROR, io.error());
        assertEquals(S3ErrorCode.INTERNAL_ERROR.defaultMessage(), io.getMessage());
    }

    @Test
    void versioningConfigurationFollowsTheSpecRows() {
        VersioningConfiguration on = VersioningConfiguration.parse(b(
                "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status>"
                        + "</VersioningConfiguration>"));
        assertEquals(VersioningState.ENABLED, on.status());
        assertNull(on.mfaDelete());
        VersioningConfiguration mfa = VersioningConfiguration.parse(b(
                "<VersioningConfiguration><Status>Suspended</Status><MfaDelete>Enabled</MfaDelete>"
                        + "</VersioningConfiguration>"));
        assertEquals(VersioningState.SUSPENDED, mfa.status());
        assertEquals(MfaDeleteState.ENABLED, mfa.mfaDelete());
        assertEquals(S3ErrorCode.ILLEGAL_VERSIONING_CONFIGURATION, assertThrows(S3Exception.class,
                () -> VersioningConfiguration.parse(b("<VersioningConfiguration/>"))).error());
        assertEquals(S3ErrorCode.ILLEGAL_VERSIONING_CONFIGURATION, assertThrows(S3Exception.class,
                () -> VersioningConfiguration.parse(b("<VersioningConfiguration><MfaDelete>Disabled</MfaDelete>"
                        + "</VersioningConfiguration>"))).error());
        for (String bad : new String[] {"enabled", "Disabled", ""}) {
            assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class,
                    () -> VersioningConfiguration.parse(b("<VersioningConfiguration><Status>" + bad
                            + "</Status></VersioningConfiguration>"))).error(), bad);
        }
        assertEquals(S3ErrorCode.MALFORMED_XML, assertThrows(S3Exception.class,
                () -> VersioningConfiguration.parse(b("<VersioningConfiguration><Status>Enabled"))).error());
    }

    @Test
    void xmlParserRefusesDoctypeAndEntities() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Delete><Object><Key>&x;</Key></Object></Delete>";
        assertEquals(S3ErrorCode.MALFORMED_XML,
                assertThrows(S3Exception.class, () -> XmlElement.parse(b(xxe))).error());
        XmlElement ok = XmlElement.parse(b("<Delete><Object><Key> spaced key </Key></Object></Delete>"));
        assertEquals(" spaced key ", ok.children("Object").get(0).child("Key").orElseThrow().rawText());
    }
}
