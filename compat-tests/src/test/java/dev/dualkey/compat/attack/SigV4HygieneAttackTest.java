package dev.dualkey.compat.attack;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Bytes;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.gateway.auth.SigV4Signer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Issue 12 F, signatures: each test replays what an attacker holding one signed request (or a presigned URL)
 * would try, and fails if the gateway lets it through. The SDK v2 signer (through {@link RawS3}) and presigner
 * build the requests; where no SDK can be made to produce the request (a signature without {@code host}, a
 * presigned URL that binds the payload hash) it is signed by hand, step by step as SigV4 defines it.
 */
@ExtendWith(GatewayExtension.class)
class SigV4HygieneAttackTest {
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static GatewayEndpoint gateway;
    private static S3Client s3;
    private static RawS3 raw;
    private static HttpClient http;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
        raw = new RawS3(gw);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void close() {
        s3.close();
        raw.close();
    }

    private static boolean exists(String bucket, String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static HttpResponse<String> send(HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    // ---- every x-amz-* header signed -----------------------------------------------------------------

    /** A header-signed PUT to which an x-amz-* header was added after signing is refused, nothing written. */
    @Test
    void amzHeaderAddedToASignedRequestIsRefused(TestBuckets buckets) {
        String bucket = buckets.create();
        RawS3.Response r = raw.request("PUT", "/" + bucket + "/k").body("data")
                .unsignedHeader("x-amz-meta-injected", "1").unsignedHeader("x-amz-storage-class", "GLACIER").send();
        assertEquals(403, r.status(), r.bodyText());
        assertEquals("AccessDenied", r.errorCode());
        assertEquals("There were headers present in the request which were not signed",
                r.xmlText("Message").orElseThrow());
        String names = r.xmlText("HeadersNotSigned").orElseThrow();
        assertTrue(names.contains("x-amz-meta-injected") && names.contains("x-amz-storage-class"), names);
        assertFalse(exists(bucket, "k"));
    }

    /**
     * A presigned PUT handed to someone (an upload form) is turned into a copy of an object they cannot read by
     * adding {@code x-amz-copy-source}: refused, the destination stays empty.
     */
    @Test
    void presignedPutCannotBeTurnedIntoACopy(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("secret"), RequestBody.fromString("root only"));
        try (S3Presigner presigner = Clients.presigner(gateway)) {
            URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(o -> o.bucket(bucket).key("upload"))).url().toURI();
            HttpResponse<String> r = send(HttpRequest.newBuilder(put)
                    .header("x-amz-copy-source", "/" + bucket + "/secret")
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<HeadersNotSigned>x-amz-copy-source</HeadersNotSigned>"), r.body());
            assertFalse(exists(bucket, "upload"));
            // the URL as issued still works for what it was signed for (curl/browsers add no x-amz-* header)
            HttpResponse<String> ok = send(HttpRequest.newBuilder(put)
                    .PUT(HttpRequest.BodyPublishers.ofString("mine")).build());
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    /** A signature without {@code host} could be replayed against another host (bucket under --domain). */
    @Test
    void signatureWithoutHostIsRefused(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        Instant now = Instant.now();
        String amzDate = AMZ_DATE.format(now);
        String hash = SigV4Signer.sha256Hex("data");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("x-amz-content-sha256", List.of(hash));
        headers.put("x-amz-date", List.of(amzDate));
        List<String> signed = List.of("x-amz-content-sha256", "x-amz-date");
        String path = "/" + bucket + "/k";
        String scope = SigV4Signer.scope(amzDate.substring(0, 8), gateway.region(), "s3");
        String canonical = SigV4Signer.canonicalRequest("PUT", path, "", SigV4Signer.canonicalHeaders(headers,
                signed), signed, hash);
        String signature = signature(amzDate, scope, canonical);
        HttpResponse<String> r = send(HttpRequest.newBuilder(gateway.endpoint().resolve(path))
                .header("x-amz-content-sha256", hash).header("x-amz-date", amzDate)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + gateway.root().accessKeyId() + "/" + scope
                        + ", SignedHeaders=" + String.join(";", signed) + ", Signature=" + signature)
                .PUT(HttpRequest.BodyPublishers.ofString("data")).build());
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("<HeadersNotSigned>host</HeadersNotSigned>"), r.body());
        assertFalse(exists(bucket, "k"));
    }

    // ---- one mechanism, the right scope, bounded presigned URLs -------------------------------------

    @Test
    void headerAndQueryAuthTogetherAreRefused(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        URI presigned = RawS3.uriOf(raw.request("PUT", "/" + bucket + "/k").presigned(Duration.ofMinutes(5)).sign());
        String authorization = raw.request("PUT", "/" + bucket + "/k").body("data").sign().request()
                .firstMatchingHeader("Authorization").orElseThrow();
        HttpResponse<String> r = send(HttpRequest.newBuilder(presigned).header("Authorization", authorization)
                .PUT(HttpRequest.BodyPublishers.ofString("data")).build());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().contains("<Code>InvalidArgument</Code>"), r.body());
        assertTrue(r.body().contains("Only one auth mechanism allowed"), r.body());
        assertFalse(exists(bucket, "k"));
    }

    /** SDK v2 configured for another region: AuthorizationHeaderMalformed naming the server's region. */
    @Test
    void signatureForAnotherRegionIsMalformed(TestBuckets buckets) {
        String bucket = buckets.create();
        String other = gateway.region().equals("eu-west-1") ? "us-west-2" : "eu-west-1";
        try (S3Client elsewhere = S3Client.builder().endpointOverride(gateway.endpoint()).region(Region.of(other))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        gateway.root().accessKeyId(), gateway.root().secretKey())))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1))).build()) {
            S3Exception e = assertS3Error(400, "AuthorizationHeaderMalformed",
                    () -> elsewhere.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("x")));
            assertTrue(e.awsErrorDetails().errorMessage().contains("the region '" + other + "' is wrong; expecting '"
                    + gateway.region() + "'"), e.awsErrorDetails().errorMessage());
        }
        RawS3.Response presigned = raw.request("GET", "/" + bucket).region(other).presigned(Duration.ofMinutes(5))
                .send();
        assertEquals(400, presigned.status(), presigned.bodyText());
        assertEquals("AuthorizationQueryParametersError", presigned.errorCode());
        assertEquals(gateway.region(), presigned.xmlText("Region").orElseThrow());
        assertFalse(exists(bucket, "k"));
    }

    /** A signature scoped to another service (iam, sts, ec2) never authenticates an S3 operation. */
    @Test
    void signatureForAnotherServiceNeverReachesS3(TestBuckets buckets) {
        String bucket = buckets.create();
        for (String service : new String[] {"iam", "sts", "ec2"}) {
            RawS3.Response r = raw.request("PUT", "/" + bucket + "/k-" + service).body("x").service(service).send();
            assertTrue(r.status() >= 400 && r.status() < 500, service + ": " + r.status() + " " + r.bodyText());
            assertFalse(exists(bucket, "k-" + service), service);
            RawS3.Response list = raw.request("GET", "/" + bucket).service(service).send();
            assertNotEquals(200, list.status(), service + ": " + list.bodyText());
        }
    }

    /** And the other way: an IAM action signed for {@code s3} never reaches IAM (no user is created). */
    @Test
    void s3ScopedSignatureNeverRunsAnIamAction() {
        String user = "hygiene-" + Long.toHexString(System.nanoTime());
        RawS3.Response create = iamCall("s3", "Action=CreateUser&UserName=" + user + "&Version=2010-05-08");
        // S3 answers it (501 NotImplemented: POST on the service), never IAM
        assertNotEquals(200, create.status(), create.bodyText());
        assertFalse(create.bodyText().contains("CreateUserResponse"), create.bodyText());
        RawS3.Response get = iamCall("iam", "Action=GetUser&UserName=" + user + "&Version=2010-05-08");
        assertEquals(404, get.status(), get.bodyText());
        assertTrue(get.bodyText().contains("NoSuchEntity"), get.bodyText());
    }

    private static RawS3.Response iamCall(String service, String form) {
        return raw.request("POST", "/").service(service)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8").body(form).send();
    }

    @Test
    void presignedExpiresOutsideOneSecondToSevenDaysIsRefused(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("x"));
        URI url = RawS3.uriOf(raw.request("GET", "/" + bucket + "/k").presigned(Duration.ofMinutes(5)).sign());
        for (String expires : new String[] {"0", "-1", "604801"}) {
            URI changed = URI.create(url.toString().replaceFirst("X-Amz-Expires=\\d+", "X-Amz-Expires=" + expires));
            HttpResponse<String> r = send(HttpRequest.newBuilder(changed).GET().build());
            assertEquals(400, r.statusCode(), expires + ": " + r.body());
            assertTrue(r.body().contains("<Code>AuthorizationQueryParametersError</Code>"), r.body());
        }
    }

    /** A URL signed to become valid in 20 minutes (past the 15-minute skew) is not valid yet. */
    @Test
    void presignedUrlFromTheFutureIsRefused(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("x"));
        Clock future = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20));
        URI url = RawS3.uriOf(raw.request("GET", "/" + bucket + "/k").signingClock(future)
                .presigned(Duration.ofDays(7)).sign());
        HttpResponse<String> r = send(HttpRequest.newBuilder(url).GET().build());
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("<Code>AccessDenied</Code>"), r.body());
    }

    // ---- the signed payload hash binds the body ------------------------------------------------------

    /** Presigned with {@code X-Amz-Content-Sha256} in the query: another body is refused, nothing stored. */
    @Test
    void presignedQueryPayloadHashIsEnforced(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        byte[] signedBody = Bytes.random(1000, 1);
        URI url = presignedPut(bucket, "k", Map.of("X-Amz-Content-Sha256", SigV4Signer.hex(sha256(signedBody))),
                Map.of());
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(url)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(Bytes.random(1000, 2))).build());
        assertEquals(400, wrong.statusCode(), wrong.body());
        assertTrue(wrong.body().contains("<Code>XAmzContentSHA256Mismatch</Code>"), wrong.body());
        assertFalse(exists(bucket, "k"));
        HttpResponse<String> right = send(HttpRequest.newBuilder(url)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(signedBody)).build());
        assertEquals(200, right.statusCode(), right.body());
        assertArrayEquals(signedBody, s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray());
    }

    /** Presigned with a signed {@code x-amz-content-sha256} header, large body (streamed path): enforced. */
    @Test
    void presignedSignedHashHeaderIsEnforcedOnALargeBody(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        byte[] signedBody = Bytes.random(3 << 20, 3);
        String hash = SigV4Signer.hex(sha256(signedBody));
        URI url = presignedPut(bucket, "big", Map.of(), Map.of("x-amz-content-sha256", hash));
        byte[] other = signedBody.clone();
        other[other.length - 1] ^= 1;
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(url).header("x-amz-content-sha256", hash)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(other)).build());
        assertEquals(400, wrong.statusCode(), wrong.body());
        assertTrue(wrong.body().contains("<Code>XAmzContentSHA256Mismatch</Code>"), wrong.body());
        assertFalse(exists(bucket, "big"));
    }

    /** Header auth: the declared hash is enforced for a small and a large body; nothing is published. */
    @Test
    void headerAuthDeclaredHashIsEnforcedForSmallAndLargeBodies(TestBuckets buckets) {
        String bucket = buckets.createVersioned();
        for (int size : new int[] {100, 3 << 20}) {
            byte[] body = Bytes.random(size, 4);
            byte[] sent = body.clone();
            sent[size / 2] ^= 1;
            RawS3.Response r = raw.request("PUT", "/" + bucket + "/k" + size).body(body).sendDifferentBody(sent).send();
            assertEquals(400, r.status(), size + ": " + r.bodyText());
            assertEquals("XAmzContentSHA256Mismatch", r.errorCode());
            assertFalse(exists(bucket, "k" + size));
        }
        assertTrue(s3.listObjectVersions(b -> b.bucket(bucket)).versions().isEmpty());
    }

    /** A PUT presigned by the SDK (UNSIGNED-PAYLOAD) keeps accepting any body, as on S3. */
    @Test
    void unsignedPayloadPresignedPutStillWorks(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        try (S3Presigner presigner = Clients.presigner(gateway)) {
            URI put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(o -> o.bucket(bucket).key("k"))).url().toURI();
            HttpResponse<String> r = send(HttpRequest.newBuilder(put)
                    .PUT(HttpRequest.BodyPublishers.ofString("anything")).build());
            assertEquals(200, r.statusCode(), r.body());
        }
    }

    // ---- hand signing for what the SDKs never produce ------------------------------------------------

    private static URI presignedPut(String bucket, String key, Map<String, String> extraQuery,
                                    Map<String, String> signedHeaders) {
        Instant now = Instant.now();
        String amzDate = AMZ_DATE.format(now);
        String scope = SigV4Signer.scope(amzDate.substring(0, 8), gateway.region(), "s3");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("host", List.of(gateway.endpoint().getAuthority()));
        signedHeaders.forEach((k, v) -> headers.put(k, List.of(v)));
        List<String> signed = new ArrayList<>(headers.keySet());
        java.util.Collections.sort(signed);
        List<Map.Entry<String, String>> q = new ArrayList<>();
        q.add(Map.entry("X-Amz-Algorithm", "AWS4-HMAC-SHA256"));
        q.add(Map.entry("X-Amz-Credential", gateway.root().accessKeyId() + "/" + scope));
        q.add(Map.entry("X-Amz-Date", amzDate));
        q.add(Map.entry("X-Amz-Expires", "300"));
        q.add(Map.entry("X-Amz-SignedHeaders", String.join(";", signed)));
        extraQuery.forEach((k, v) -> q.add(Map.entry(k, v)));
        String payload = extraQuery.getOrDefault("X-Amz-Content-Sha256",
                signedHeaders.getOrDefault("x-amz-content-sha256", "UNSIGNED-PAYLOAD"));
        String path = "/" + bucket + "/" + key;
        String query = SigV4Signer.canonicalQuery(q);
        String canonical = SigV4Signer.canonicalRequest("PUT", path, query,
                SigV4Signer.canonicalHeaders(headers, signed), signed, payload);
        String signature = signature(amzDate, scope, canonical);
        return gateway.endpoint().resolve(path + "?" + query + "&X-Amz-Signature=" + signature);
    }

    private static String signature(String amzDate, String scope, String canonicalRequest) {
        String[] s = scope.split("/");
        return SigV4Signer.signature(SigV4Signer.signingKey(gateway.root().secretKey(), s[0], s[1], s[2]),
                SigV4Signer.stringToSign(amzDate, scope, canonicalRequest));
    }

    private static byte[] sha256(byte[] b) {
        return SigV4Signer.sha256().digest(b);
    }
}
