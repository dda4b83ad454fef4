package dev.dualkey.compat.s3;

import static dev.dualkey.compat.S3Assertions.assertV1Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.s3.AmazonS3;
import dev.dualkey.compat.AwsCli;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The S3 error document, exactly: {@code <?xml ...?><Error><Code/><Message/>...<RequestId/><HostId/></Error>}
 * without a namespace, {@code Content-Type: application/xml}, the operation-specific fields S3 adds
 * ({@code BucketName}, {@code Key}, ...), and {@code x-amz-request-id} / {@code x-amz-id-2} equal to the
 * document's {@code RequestId} / {@code HostId}. Checked raw and as SDK v1 and the aws CLI surface it.
 */
@ExtendWith(GatewayExtension.class)
class ErrorShapeTest {

    private static GatewayEndpoint gateway;
    private static RawS3 raw;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        raw = new RawS3(gw);
    }

    @AfterAll
    static void close() {
        raw.close();
    }

    private static List<String> childNames(RawS3.Response response) {
        Element root = response.xml().getDocumentElement();
        List<String> names = new ArrayList<>();
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                names.add(n.getNodeName());
            }
        }
        return names;
    }

    /** Common envelope of every S3 error document. */
    private static void assertEnvelope(RawS3.Response response, int status, String code) {
        assertEquals(status, response.status(), response::bodyText);
        assertTrue(response.bodyText().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), response::bodyText);
        Element root = response.xml().getDocumentElement();
        assertEquals("Error", root.getTagName());
        assertEquals("", root.getAttribute("xmlns"), "S3 error documents carry no namespace");
        List<String> names = childNames(response);
        assertEquals("Code", names.get(0), () -> "children " + names);
        assertEquals("Message", names.get(1), () -> "children " + names);
        assertTrue(names.contains("RequestId") && names.contains("HostId"), () -> "children " + names);
        assertEquals(code, response.errorCode());
        assertTrue(!response.xmlText("Message").orElse("").isBlank());
        assertEquals("application/xml", response.header("Content-Type").orElse("").split(";")[0].trim());
        assertEquals(response.header("x-amz-request-id").orElseThrow(), response.xmlText("RequestId").orElse(null));
        assertEquals(response.header("x-amz-id-2").orElseThrow(), response.xmlText("HostId").orElse(null));
        assertEquals(Integer.toString(response.body().length), response.header("Content-Length").orElse(null));
    }

    @Test
    void noSuchBucketNamesTheBucket(TestBuckets buckets) {
        String missing = buckets.newName();
        RawS3.Response response = raw.request("GET", "/" + missing).query("list-type", "2").send();
        assertEnvelope(response, 404, "NoSuchBucket");
        assertEquals(missing, response.xmlText("BucketName").orElse(null));
    }

    @Test
    void noSuchKeyNamesTheKey(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = raw.request("GET", "/" + bucket + "/dir/absent.txt").send();
        assertEnvelope(response, 404, "NoSuchKey");
        assertEquals("dir/absent.txt", response.xmlText("Key").orElse(null));
    }

    @Test
    void noSuchUploadAndBucketNotEmpty(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response noUpload = raw.request("GET", "/" + bucket + "/k").query("uploadId", "no-such-upload").send();
        assertEnvelope(noUpload, 404, "NoSuchUpload");
        raw.request("PUT", "/" + bucket + "/k").body("x").send();
        RawS3.Response notEmpty = raw.request("DELETE", "/" + bucket).send();
        assertEnvelope(notEmpty, 409, "BucketNotEmpty");
        assertEquals(bucket, notEmpty.xmlText("BucketName").orElse(null));
    }

    @Test
    void authenticationFailuresUseTheSameEnvelope(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response denied = raw.request("GET", "/" + bucket).key(gateway.otherAccount()).send();
        assertEnvelope(denied, 403, "AccessDenied");
        RawS3.Response unknown = raw.request("GET", "/" + bucket)
                .key(new dev.dualkey.compat.AccessKey("AKIAUNKNOWNKEY000000", "whatever-secret-000000000000000000000000"))
                .send();
        assertEnvelope(unknown, 403, "InvalidAccessKeyId");
        assertEquals("AKIAUNKNOWNKEY000000", unknown.xmlText("AWSAccessKeyId").orElse(null));
    }

    /** A HEAD failure has S3's status and request id headers but no body at all. */
    @Test
    void headErrorHasNoBody(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response response = raw.request("HEAD", "/" + bucket + "/absent").send();
        assertEquals(404, response.status());
        assertEquals(0, response.body().length);
        assertTrue(response.header("x-amz-request-id").isPresent());
        assertTrue(response.header("x-amz-id-2").isPresent());
    }

    /**
     * {@code HEAD /} on the service: S3 answers 405 (there is no HeadService), signed or anonymous, with the request
     * id headers and, being a HEAD, no body. A 501 here read as "feature missing" to monitors probing with HEAD.
     */
    @Test
    void headOnTheServiceIsMethodNotAllowed() throws Exception {
        RawS3.Response signed = raw.request("HEAD", "/").send();
        assertEquals(405, signed.status());
        assertEquals(0, signed.body().length);
        assertTrue(signed.header("x-amz-request-id").isPresent());
        java.net.http.HttpResponse<byte[]> anonymous = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway.endpoint() + "/"))
                        .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, anonymous.statusCode());
        assertEquals(0, anonymous.body().length);
        assertTrue(anonymous.headers().firstValue("x-amz-request-id").isPresent());
        // GET / stays ListBuckets: the root's own list for a signed request
        assertEquals(200, raw.request("GET", "/").send().status());
    }

    /** Successful responses carry request ids too, and every request gets its own. */
    @Test
    void everyResponseHasItsOwnRequestId(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response a = raw.request("HEAD", "/" + bucket).send();
        RawS3.Response b = raw.request("HEAD", "/" + bucket).send();
        assertEquals(200, a.status());
        String idA = a.header("x-amz-request-id").orElseThrow();
        String idB = b.header("x-amz-request-id").orElseThrow();
        assertNotEquals(idA, idB);
        assertTrue(idA.matches("[0-9A-Za-z]{8,}"), idA);
    }

    /** SDK v1 parses the document into code, status, request id, extended request id and the raw XML. */
    @Test
    void sdkV1SeesTheParsedDocument(TestBuckets buckets) {
        String bucket = buckets.create();
        AmazonS3 v1 = Clients.v1(gateway);
        try {
            var e = assertV1Error(404, "NoSuchKey", () -> v1.getObject(bucket, "absent"));
            assertTrue(e.getErrorResponseXml().contains("<Code>NoSuchKey</Code>"), e::getErrorResponseXml);
            assertTrue(e.getRequestId() != null && !e.getRequestId().isBlank());
            assertTrue(e.getExtendedRequestId() != null && !e.getExtendedRequestId().isBlank());
            assertEquals("absent", e.getAdditionalDetails().get("Key"));
            var missing = assertV1Error(404, "NoSuchBucket", () -> v1.listObjects(bucket + "-absent"));
            assertEquals(bucket + "-absent", missing.getAdditionalDetails().get("BucketName"));
            assertV1Error(409, "BucketNotEmpty", () -> {
                v1.putObject(bucket, "k", "x");
                v1.deleteBucket(bucket);
            });
            assertNull(v1.listObjects(bucket).getNextMarker());
        } finally {
            v1.shutdown();
        }
    }

    /** The aws CLI prints S3's code, and for HEAD the status, and exits non-zero. */
    @Test
    void cliReportsCodes(TestBuckets buckets, @TempDir Path dir) {
        AwsCli aws = AwsCli.require(gateway, dir);
        String missing = buckets.newName();
        AwsCli.Result list = aws.run("s3api", "list-objects-v2", "--bucket", missing);
        assertNotEquals(0, list.exitCode());
        assertTrue(list.stderr().contains("NoSuchBucket"), list::stderr);
        AwsCli.Result head = aws.run("s3api", "head-bucket", "--bucket", missing);
        assertNotEquals(0, head.exitCode());
        assertTrue(head.stderr().contains("404"), head::stderr);
        String bucket = buckets.create();
        AwsCli.Result denied = aws.as(gateway.otherAccount()).run("s3api", "list-objects-v2", "--bucket", bucket);
        assertNotEquals(0, denied.exitCode());
        assertTrue(denied.stderr().contains("AccessDenied"), denied::stderr);
    }
}
