package dev.dualkey.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.TlsConfig;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.auth.SigV4Signer;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway over HTTP against a real RocksDB store in a temp directory, driven by the JDK HttpClient with
 * requests signed like an SDK signs them. Real SDK clients are covered by compat-tests.
 */
class GatewayEndToEndTest {
    static final String AK = "AKIDROOT0000000001";
    static final String SK = "root-secret-key-0000000000000000000000001";
    static final String AK2 = "AKIDOTHER000000002";
    static final String SK2 = "other-secret-key-000000000000000000000002";
    static final CredentialProvider KEYS = id -> switch (id) {
        case AK -> Optional.of(new Credential(AK, SK, Principal.root("111111111111"), true));
        case AK2 -> Optional.of(new Credential(AK2, SK2, Principal.root("222222222222"), true));
        default -> Optional.empty();
    };

    @TempDir
    static Path dir;
    static StorageEngine engine;
    static GatewayServer server;
    static GatewayServer tlsServer;
    static HttpClient http;

    @BeforeAll
    static void start() {
        engine = StorageEngine.open(dir.resolve("data"), List.of());
        server = GatewayServer.builder().objectStore(engine.objectStore()).credentialProvider(KEYS)
                .s3Address(new InetSocketAddress("127.0.0.1", 0)).start();
        tlsServer = GatewayServer.builder().objectStore(engine.objectStore()).credentialProvider(KEYS)
                .s3Address(new InetSocketAddress("127.0.0.1", 0)).tls(TlsConfig.selfSigned()).start();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        server.close();
        tlsServer.close();
        engine.close();
    }

    static String bucket() {
        return "b-" + UUID.randomUUID().toString().substring(0, 12);
    }

    static HttpResponse<byte[]> send(String method, String pathAndQuery, byte[] body, String... headers) {
        return send(server, http, method, pathAndQuery, body, AK, SK, Instant.now(), headers);
    }

    static HttpResponse<byte[]> send(GatewayServer s, HttpClient client, String method, String pathAndQuery,
                                     byte[] body, String ak, String sk, Instant time, String... headers) {
        URI uri = URI.create(s.s3Endpoint() + pathAndQuery);
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        String hash = h.containsKey("x-amz-content-sha256") ? h.remove("x-amz-content-sha256")
                : SigV4Signer.hex(SigV4Signer.sha256().digest(body));
        Map<String, String> signed = new LinkedHashMap<>(h);
        signed.putAll(TestSigner.sign(method, uri, h, hash, ak, sk, time));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body.length == 0 && !method.equals("PUT") && !method.equals("POST")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach(b::header);
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static String errorCode(HttpResponse<byte[]> r) {
        String t = text(r);
        int a = t.indexOf("<Code>");
        return a < 0 ? null : t.substring(a + 6, t.indexOf("</Code>"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String md5b64(byte[] b) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void bucketLifecycleAndOwnership() {
        String b = bucket();
        assertEquals(200, send("PUT", "/" + b, new byte[0]).statusCode());
        // us-east-1 (this server's region): AWS's legacy 200 for a re-create by the owner (409 elsewhere:
        // compat-tests acl.RegionalCreateBucketTest)
        HttpResponse<byte[]> again = send("PUT", "/" + b, new byte[0]);
        assertEquals(200, again.statusCode());
        HttpResponse<byte[]> other = send(server, http, "PUT", "/" + b, new byte[0], AK2, SK2, Instant.now());
        assertEquals("BucketAlreadyExists", errorCode(other));
        HttpResponse<byte[]> foreign = send(server, http, "GET", "/" + b, new byte[0], AK2, SK2, Instant.now());
        assertEquals(403, foreign.statusCode());
        assertEquals("AccessDenied", errorCode(foreign));
        assertTrue(text(send("GET", "/", new byte[0])).contains("<Name>" + b + "</Name>"));
        assertEquals(200, send("HEAD", "/" + b, new byte[0]).statusCode());
        HttpResponse<byte[]> loc = send("GET", "/" + b + "?location", new byte[0]);
        assertTrue(text(loc).contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""));
        send("PUT", "/" + b + "/k", bytes("x"));
        HttpResponse<byte[]> notEmpty = send("DELETE", "/" + b, new byte[0]);
        assertEquals(409, notEmpty.statusCode());
        assertEquals("BucketNotEmpty", errorCode(notEmpty));
        assertEquals(204, send("DELETE", "/" + b + "/k", new byte[0]).statusCode());
        assertEquals(204, send("DELETE", "/" + b, new byte[0]).statusCode());
        HttpResponse<byte[]> gone = send("HEAD", "/" + b, new byte[0]);
        assertEquals(404, gone.statusCode());
        assertEquals(0, gone.body().length);
        assertEquals("InvalidBucketName", errorCode(send("PUT", "/ab", new byte[0])));
    }

    @Test
    void createBucketWithLocationConstraint() {
        byte[] other = bytes("<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
                + "</CreateBucketConfiguration>");
        HttpResponse<byte[]> r = send("PUT", "/" + bucket(), other);
        assertEquals(400, r.statusCode());
        assertEquals("IllegalLocationConstraintException", errorCode(r));
        byte[] east = bytes("<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint>"
                + "</CreateBucketConfiguration>");
        assertEquals("InvalidLocationConstraint", errorCode(send("PUT", "/" + bucket(), east)));
        String b = bucket();
        byte[] empty = bytes("<CreateBucketConfiguration/>");
        assertEquals(200, send("PUT", "/" + b, empty).statusCode());
        HttpResponse<byte[]> acl = send("GET", "/" + b + "?acl", new byte[0]);
        assertTrue(text(acl).contains("<Permission>FULL_CONTROL</Permission>"), text(acl));
        HttpResponse<byte[]> noAcl = send("PUT", "/" + b + "?acl", new byte[0]);
        assertEquals(400, noAcl.statusCode());
        assertEquals("MissingSecurityHeader", errorCode(noAcl));
    }

    @Test
    void putGetHeadWithMetadataRangesAndConditions() throws Exception {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        byte[] data = bytes("0123456789abcdef");
        HttpResponse<byte[]> put = send("PUT", "/" + b + "/dir/a%20b+c.txt", data, "Content-Type", "text/plain",
                "x-amz-meta-color", "blue", "Content-MD5", md5b64(data));
        assertEquals(200, put.statusCode(), text(put));
        String etag = put.headers().firstValue("ETag").orElseThrow();
        assertTrue(put.headers().firstValue("x-amz-request-id").isPresent());
        HttpResponse<byte[]> get = send("GET", "/" + b + "/dir/a%20b+c.txt", new byte[0]);
        assertArrayEquals(data, get.body());
        assertEquals("text/plain", get.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("blue", get.headers().firstValue("x-amz-meta-color").orElseThrow());
        assertEquals(etag, get.headers().firstValue("ETag").orElseThrow());
        HttpResponse<byte[]> head = send("HEAD", "/" + b + "/dir/a%20b+c.txt", new byte[0]);
        assertEquals("16", head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, head.body().length);
        HttpResponse<byte[]> range = send("GET", "/" + b + "/dir/a%20b+c.txt", new byte[0], "Range", "bytes=2-5");
        assertEquals(206, range.statusCode());
        assertEquals("2345", text(range));
        assertEquals("bytes 2-5/16", range.headers().firstValue("Content-Range").orElseThrow());
        HttpResponse<byte[]> bad = send("GET", "/" + b + "/dir/a%20b+c.txt", new byte[0], "Range", "bytes=16-20");
        assertEquals(416, bad.statusCode());
        assertEquals("InvalidRange", errorCode(bad));
        assertEquals(304, send("GET", "/" + b + "/dir/a%20b+c.txt", new byte[0], "If-None-Match", etag)
                .statusCode());
        HttpResponse<byte[]> pre = send("GET", "/" + b + "/dir/a%20b+c.txt", new byte[0], "If-Match", "\"nope\"");
        assertEquals(412, pre.statusCode());
        assertEquals("PreconditionFailed", errorCode(pre));
        HttpResponse<byte[]> override = send("GET", "/" + b + "/dir/a%20b+c.txt?response-content-type=x%2Fy",
                new byte[0]);
        assertEquals("x/y", override.headers().firstValue("Content-Type").orElseThrow());
        HttpResponse<byte[]> missing = send("GET", "/" + b + "/nothing", new byte[0]);
        assertEquals(404, missing.statusCode());
        assertEquals("NoSuchKey", errorCode(missing));
        assertTrue(text(missing).contains("<Key>nothing</Key>"));
    }

    @Test
    void badDigestsAreRefusedAndNothingIsStored() throws Exception {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        HttpResponse<byte[]> md5 = send("PUT", "/" + b + "/k", bytes("abc"), "Content-MD5", md5b64(bytes("abd")));
        assertEquals(400, md5.statusCode());
        assertEquals("BadDigest", errorCode(md5));
        HttpResponse<byte[]> sha = send("PUT", "/" + b + "/k", bytes("abc"),
                "x-amz-content-sha256", SigV4Signer.sha256Hex("abd"));
        assertEquals(400, sha.statusCode());
        assertEquals("XAmzContentSHA256Mismatch", errorCode(sha));
        HttpResponse<byte[]> crc = send("PUT", "/" + b + "/k", bytes("abc"), "x-amz-checksum-crc32", "AAAAAA==");
        assertEquals(400, crc.statusCode());
        assertEquals("BadDigest", errorCode(crc));
        assertEquals(404, send("GET", "/" + b + "/k", new byte[0]).statusCode());
    }

    @Test
    void authenticationFailures() {
        HttpResponse<byte[]> skew = send(server, http, "GET", "/", new byte[0], AK, SK,
                Instant.now().minus(Duration.ofMinutes(20)));
        assertEquals(403, skew.statusCode());
        assertEquals("RequestTimeTooSkewed", errorCode(skew));
        HttpResponse<byte[]> unknown = send(server, http, "GET", "/", new byte[0], "AKIDNOBODY", SK, Instant.now());
        assertEquals("InvalidAccessKeyId", errorCode(unknown));
        HttpResponse<byte[]> wrong = send(server, http, "GET", "/", new byte[0], AK, "bad", Instant.now());
        assertEquals(403, wrong.statusCode());
        assertEquals("SignatureDoesNotMatch", errorCode(wrong));
        assertTrue(text(wrong).contains("<CanonicalRequest>GET\n/\n"));
    }

    @Test
    void presignedUrlsWorkUntilTheyExpire() throws Exception {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        send("PUT", "/" + b + "/p", bytes("presigned"));
        URI ok = TestSigner.presign(URI.create(server.s3Endpoint() + "/" + b + "/p"), AK, SK, Instant.now(), 60);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(ok).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("presigned", r.body());
        URI expired = TestSigner.presign(URI.create(server.s3Endpoint() + "/" + b + "/p"), AK, SK,
                Instant.now().minusSeconds(120), 60);
        HttpResponse<String> e = http.send(HttpRequest.newBuilder(expired).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, e.statusCode());
        assertTrue(e.body().contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"));
    }

    @Test
    void streamingSignedPayloadIsDecodedAndVerified() {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        URI uri = URI.create(server.s3Endpoint() + "/" + b + "/chunked");
        Instant now = Instant.now();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Encoding", "aws-chunked");
        h.put("x-amz-decoded-content-length", Integer.toString(data.length));
        Map<String, String> signed = TestSigner.sign("PUT", uri, h, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", AK, SK, now);
        String amzDate = signed.get("x-amz-date");
        String scope = SigV4Signer.scope(amzDate.substring(0, 8), "us-east-1", "s3");
        byte[] key = SigV4Signer.signingKey(SK, amzDate.substring(0, 8), "us-east-1", "s3");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String prev = TestSigner.seedSignature(signed);
        for (int off = 0; off <= data.length; off += 65536) {
            int n = Math.min(65536, data.length - off);
            byte[] chunk = java.util.Arrays.copyOfRange(data, off, off + n);
            String sig = SigV4Signer.signature(key, SigV4Signer.chunkStringToSign(amzDate, scope, prev,
                    SigV4Signer.hex(SigV4Signer.sha256().digest(chunk))));
            body.writeBytes(bytes(Integer.toHexString(n) + ";chunk-signature=" + sig + "\r\n"));
            body.writeBytes(chunk);
            body.writeBytes(bytes("\r\n"));
            prev = sig;
            if (n == 0) {
                break;
            }
            if (off + n == data.length) {
                String fin = SigV4Signer.signature(key, SigV4Signer.chunkStringToSign(amzDate, scope, prev,
                        SigV4Signer.EMPTY_SHA256));
                body.writeBytes(bytes("0;chunk-signature=" + fin + "\r\n\r\n"));
                break;
            }
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofByteArray(
                body.toByteArray()));
        h.forEach(rb::header);
        signed.forEach(rb::header);
        try {
            HttpResponse<String> put = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        HttpResponse<byte[]> get = send("GET", "/" + b + "/chunked", new byte[0]);
        assertArrayEquals(data, get.body());
        assertFalse(get.headers().firstValue("Content-Encoding").isPresent(), "aws-chunked is not stored");
    }

    @Test
    void unsignedPayloadWithTrailingChecksumIsVerified() {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        String good = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
        HttpResponse<byte[]> ok = send("PUT", "/" + b + "/t", bytes(good),
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding", "aws-chunked",
                "x-amz-decoded-content-length", "5", "x-amz-trailer", "x-amz-checksum-crc32");
        assertEquals(200, ok.statusCode(), text(ok));
        assertEquals("NhCmhg==", ok.headers().firstValue("x-amz-checksum-crc32").orElseThrow());
        HttpResponse<byte[]> get = send("GET", "/" + b + "/t", new byte[0], "x-amz-checksum-mode", "ENABLED");
        assertEquals("hello", text(get));
        assertEquals("NhCmhg==", get.headers().firstValue("x-amz-checksum-crc32").orElseThrow());
        String bad = good.replace("NhCmhg==", "AAAAAA==");
        HttpResponse<byte[]> refused = send("PUT", "/" + b + "/t2", bytes(bad),
                "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding", "aws-chunked",
                "x-amz-decoded-content-length", "5", "x-amz-trailer", "x-amz-checksum-crc32");
        assertEquals(400, refused.statusCode());
        assertEquals("BadDigest", errorCode(refused));
        assertEquals(404, send("HEAD", "/" + b + "/t2", new byte[0]).statusCode());
    }

    @Test
    void versioningConfiguration() {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        assertFalse(text(send("GET", "/" + b + "?versioning", new byte[0])).contains("<Status>"));
        assertEquals(200, send("PUT", "/" + b + "?versioning",
                bytes("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>")).statusCode());
        assertTrue(text(send("GET", "/" + b + "?versioning", new byte[0])).contains("<Status>Enabled</Status>"));
        assertEquals("MalformedXML", errorCode(send("PUT", "/" + b + "?versioning",
                bytes("<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>"))));
        assertEquals("IllegalVersioningConfigurationException", errorCode(send("PUT", "/" + b + "?versioning",
                bytes("<VersioningConfiguration/>"))));
        HttpResponse<byte[]> mfa = send("PUT", "/" + b + "?versioning", bytes(
                "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete>"
                        + "</VersioningConfiguration>"));
        assertEquals(403, mfa.statusCode());
        assertEquals("AccessDenied", errorCode(mfa));
        send("PUT", "/" + b + "/v", bytes("one"));
        send("PUT", "/" + b + "/v", bytes("two"));
        String versions = text(send("GET", "/" + b + "?versions", new byte[0]));
        assertEquals(2, versions.split("<Version>", -1).length - 1, versions);
    }

    @Test
    void deleteObjectsNeedsAnIntegrityHeader() throws Exception {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        send("PUT", "/" + b + "/x", bytes("1"));
        byte[] doc = bytes("<Delete><Object><Key>x</Key></Object><Object><Key>y</Key></Object></Delete>");
        HttpResponse<byte[]> noMd5 = send("POST", "/" + b + "?delete", doc);
        assertEquals(400, noMd5.statusCode());
        assertEquals("InvalidRequest", errorCode(noMd5));
        HttpResponse<byte[]> ok = send("POST", "/" + b + "?delete", doc, "Content-MD5", md5b64(doc));
        assertEquals(200, ok.statusCode());
        assertTrue(text(ok).contains("<Deleted><Key>x</Key></Deleted>"), text(ok));
        byte[] quiet = bytes("<Delete><Quiet>true</Quiet><Object><Key>y</Key></Object></Delete>");
        assertFalse(text(send("POST", "/" + b + "?delete", quiet, "Content-MD5", md5b64(quiet))).contains("Deleted"));
    }

    @Test
    void multipartUploadAndCopy() {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        String init = text(send("POST", "/" + b + "/mp?uploads", new byte[0]));
        String uploadId = init.substring(init.indexOf("<UploadId>") + 10, init.indexOf("</UploadId>"));
        byte[] p1 = new byte[5 * 1024 * 1024];
        new Random(1).nextBytes(p1);
        String e1 = send("PUT", "/" + b + "/mp?partNumber=1&uploadId=" + uploadId, p1).headers()
                .firstValue("ETag").orElseThrow();
        String e2 = send("PUT", "/" + b + "/mp?partNumber=2&uploadId=" + uploadId, bytes("tail")).headers()
                .firstValue("ETag").orElseThrow();
        assertTrue(text(send("GET", "/" + b + "/mp?uploadId=" + uploadId, new byte[0])).contains("<PartNumber>2<"));
        assertTrue(text(send("GET", "/" + b + "?uploads", new byte[0])).contains(uploadId));
        byte[] wrongOrder = bytes("<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>" + e2
                + "</ETag></Part><Part><PartNumber>1</PartNumber><ETag>" + e1 + "</ETag></Part>"
                + "</CompleteMultipartUpload>");
        assertEquals("InvalidPartOrder", errorCode(send("POST", "/" + b + "/mp?uploadId=" + uploadId, wrongOrder)));
        byte[] complete = bytes("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + e1
                + "</ETag></Part><Part><PartNumber>2</PartNumber><ETag>" + e2 + "</ETag></Part>"
                + "</CompleteMultipartUpload>");
        HttpResponse<byte[]> done = send("POST", "/" + b + "/mp?uploadId=" + uploadId, complete);
        assertEquals(200, done.statusCode(), text(done));
        assertTrue(text(done).contains("-2&quot;</ETag>") || text(done).contains("-2\"</ETag>"), text(done));
        HttpResponse<byte[]> head = send("HEAD", "/" + b + "/mp", new byte[0]);
        assertEquals(Long.toString(p1.length + 4L), head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<byte[]> copy = send("PUT", "/" + b + "/copy", new byte[0], "x-amz-copy-source", "/" + b + "/mp");
        assertEquals(200, copy.statusCode(), text(copy));
        HttpResponse<byte[]> tail = send("GET", "/" + b + "/copy", new byte[0], "Range", "bytes=-4");
        assertEquals("tail", text(tail));
        assertEquals("NoSuchUpload", errorCode(send("DELETE", "/" + b + "/mp?uploadId=" + uploadId, new byte[0])));
    }

    @Test
    void unsupportedOperationsAre501() {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        HttpResponse<byte[]> r = send("GET", "/" + b + "?website", new byte[0]);
        assertEquals(501, r.statusCode());
        assertEquals("NotImplemented", errorCode(r));
    }

    @Test
    void largeObjectsStreamOverPlainAndTls() throws Exception {
        String b = bucket();
        send("PUT", "/" + b, new byte[0]);
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(data);
        assertEquals(200, send("PUT", "/" + b + "/big", data).statusCode());
        assertArrayEquals(data, send("GET", "/" + b + "/big", new byte[0]).body());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("dualkey", tlsServer.tlsConfig().orElseThrow().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient tls = HttpClient.newBuilder().sslContext(ctx).build();
        assertTrue(tlsServer.s3Endpoint().toString().startsWith("https://"));
        HttpResponse<byte[]> get = send(tlsServer, tls, "GET", "/" + b + "/big", new byte[0], AK, SK, Instant.now());
        assertEquals(200, get.statusCode());
        assertArrayEquals(data, get.body());
        HttpResponse<byte[]> range = send(tlsServer, tls, "GET", "/" + b + "/big", new byte[0], AK, SK,
                Instant.now(), "Range", "bytes=1000000-1000009");
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1_000_000, 1_000_010), range.body());
    }

    @Test
    void keepAliveSurvivesErrorsAndHeadHasNoBody() throws Exception {
        // Three requests on one raw connection: an unauthenticated PUT with a small body (answered after the
        // body is drained), a GET, then a HEAD whose answer must carry no body.
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(bytes("PUT /bkt/k HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /x HTTP/1.1\r\nHost: h\r\n\r\nHEAD /x HTTP/1.1\r\nHost: h\r\n\r\n"));
            out.flush();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 403"), head);
                String body = new String(in.readNBytes(contentLength(head)), StandardCharsets.UTF_8);
                assertTrue(body.contains("<Code>AccessDenied</Code>"), body);
            }
            String headReply = readHead(in);
            assertTrue(headReply.startsWith("HTTP/1.1 403"), headReply);
            s.setSoTimeout(300);
            assertThrows(java.net.SocketTimeoutException.class, in::read, "HEAD must not carry a body");
        }
    }

    @Test
    void expectContinueIsRefusedBeforeTheBodyWhenAuthenticationFails() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.s3Port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(bytes("PUT /bkt/k HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000\r\n"
                    + "Expect: 100-continue\r\n\r\n"));
            String r = readHead(s.getInputStream());
            assertTrue(r.startsWith("HTTP/1.1 403"), r);
            assertFalse(r.contains("100 Continue"));
        }
    }

    /** Reads a response head up to the blank line. */
    static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            buf.write(c);
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }

    static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }
}
