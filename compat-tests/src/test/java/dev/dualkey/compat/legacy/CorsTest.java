package dev.dualkey.compat.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.GetBucketCorsResponse;

/**
 * CORS through SDK v2 (Put/Get/DeleteBucketCors and their errors) and raw HTTP: preflights answered from the rules
 * without authentication, Access-Control-* headers on answers (errors included), and an OPTIONS that tells nothing
 * about the objects.
 */
@ExtendWith(GatewayExtension.class)
class CorsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static GatewayEndpoint gateway;
    private static S3Client s3;

    @BeforeAll
    static void clients(GatewayEndpoint gw) {
        gateway = gw;
        s3 = Clients.v2(gw);
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    static void putRules(String bucket, CORSRule... rules) {
        s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c.corsRules(rules)));
    }

    static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.endpoint() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void putGetDeleteBucketCors(TestBuckets buckets) {
        String bucket = buckets.create();
        AwsServiceException none = assertThrows(AwsServiceException.class,
                () -> s3.getBucketCors(b -> b.bucket(bucket)));
        assertEquals(404, none.statusCode());
        assertEquals("NoSuchCORSConfiguration", none.awsErrorDetails().errorCode());
        putRules(bucket, CORSRule.builder().id("web").allowedOrigins("https://*.example.com")
                .allowedMethods("GET", "PUT").allowedHeaders("*").exposeHeaders("ETag", "x-amz-version-id")
                .maxAgeSeconds(600).build(), CORSRule.builder().allowedOrigins("*").allowedMethods("GET").build());
        GetBucketCorsResponse got = s3.getBucketCors(b -> b.bucket(bucket));
        assertEquals(2, got.corsRules().size());
        CORSRule first = got.corsRules().get(0);
        assertEquals("web", first.id());
        assertEquals(List.of("https://*.example.com"), first.allowedOrigins());
        assertEquals(List.of("GET", "PUT"), first.allowedMethods());
        assertEquals(List.of("*"), first.allowedHeaders());
        assertEquals(List.of("ETag", "x-amz-version-id"), first.exposeHeaders());
        assertEquals(600, first.maxAgeSeconds());
        s3.deleteBucketCors(b -> b.bucket(bucket));
        assertEquals("NoSuchCORSConfiguration", assertThrows(AwsServiceException.class,
                () -> s3.getBucketCors(b -> b.bucket(bucket))).awsErrorDetails().errorCode());
    }

    @Test
    void invalidConfigurationsAreRefusedAsS3(TestBuckets buckets) {
        String bucket = buckets.create();
        AwsServiceException method = assertThrows(AwsServiceException.class, () -> putRules(bucket,
                CORSRule.builder().allowedOrigins("*").allowedMethods("PATCH").build()));
        assertEquals(400, method.statusCode());
        assertEquals("InvalidRequest", method.awsErrorDetails().errorCode());
        assertEquals("Found unsupported HTTP method in CORS config. Unsupported method is PATCH",
                method.awsErrorDetails().errorMessage());
        AwsServiceException noOrigin = assertThrows(AwsServiceException.class, () -> putRules(bucket,
                CORSRule.builder().allowedMethods("GET").build()));
        assertEquals("MalformedXML", noOrigin.awsErrorDetails().errorCode());
        AwsServiceException other = assertThrows(AwsServiceException.class,
                () -> Clients.v2(gateway, gateway.otherAccount()).putBucketCors(b -> b.bucket(bucket)
                        .corsConfiguration(c -> c.corsRules(CORSRule.builder().allowedOrigins("*")
                                .allowedMethods("GET").build()))));
        assertEquals(403, other.statusCode());
        assertEquals("AccessDenied", other.awsErrorDetails().errorCode());
    }

    @Test
    void preflightIsAnsweredFromTheRulesWithoutAuthentication(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        String path = "/" + bucket + "/photo.jpg";
        HttpResponse<String> noConfig = send("OPTIONS", path, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "GET");
        assertEquals(403, noConfig.statusCode(), noConfig.body());
        assertTrue(noConfig.body().contains("<Code>AccessForbidden</Code>"), noConfig.body());
        assertTrue(noConfig.body().contains("CORS is not enabled for this bucket"), noConfig.body());
        putRules(bucket, CORSRule.builder().allowedOrigins("https://*.example.com").allowedMethods("GET", "PUT")
                .allowedHeaders("x-amz-*", "content-type").exposeHeaders("ETag").maxAgeSeconds(600).build());

        HttpResponse<String> ok = send("OPTIONS", path, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "Content-Type, x-amz-date");
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals(Optional.of("https://app.example.com"), ok.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("GET, PUT"), ok.headers().firstValue("Access-Control-Allow-Methods"));
        assertEquals(Optional.of("content-type, x-amz-date"), ok.headers().firstValue("Access-Control-Allow-Headers"));
        assertEquals(Optional.of("ETag"), ok.headers().firstValue("Access-Control-Expose-Headers"));
        assertEquals(Optional.of("600"), ok.headers().firstValue("Access-Control-Max-Age"));
        assertEquals(Optional.of("true"), ok.headers().firstValue("Access-Control-Allow-Credentials"));
        assertEquals(Optional.of("Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
                ok.headers().firstValue("Vary"));

        for (String[] refused : new String[][] {
                {"Origin", "https://evil.test", "Access-Control-Request-Method", "GET"},
                {"Origin", "https://app.example.com", "Access-Control-Request-Method", "DELETE"},
                {"Origin", "https://app.example.com", "Access-Control-Request-Method", "PUT",
                        "Access-Control-Request-Headers", "authorization"}}) {
            HttpResponse<String> r = send("OPTIONS", path, refused);
            assertEquals(403, r.statusCode(), r.body());
            assertTrue(r.body().contains("<Code>AccessForbidden</Code>"), r.body());
            assertTrue(r.body().contains("<ResourceType>OBJECT</ResourceType>"), r.body());
            assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        }
        HttpResponse<String> noOrigin = send("OPTIONS", path, "Access-Control-Request-Method", "GET");
        assertEquals(400, noOrigin.statusCode());
        assertTrue(noOrigin.body().contains("<Code>BadRequest</Code>"), noOrigin.body());
        assertTrue(noOrigin.body().contains("Insufficient information. Origin request header needed."));
        HttpResponse<String> noMethod = send("OPTIONS", path, "Origin", "https://app.example.com");
        assertEquals(400, noMethod.statusCode());
        assertTrue(noMethod.body().contains("<Code>BadRequest</Code>"), noMethod.body());
    }

    /** Matching answers carry the rule's headers, error answers too; a request without Origin gets none. */
    @Test
    void actualRequestsCarryTheMatchingRulesHeadersEvenOnErrors(TestBuckets buckets) throws Exception {
        String bucket = buckets.create();
        s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v"));
        putRules(bucket, CORSRule.builder().allowedOrigins("*").allowedMethods("GET").exposeHeaders("ETag").build());
        String url = Clients.presigner(gateway).presignGetObject(p -> p.signatureDuration(java.time.Duration
                .ofMinutes(5)).getObjectRequest(g -> g.bucket(bucket).key("k"))).url().toString();
        HttpResponse<String> ok = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Origin", "https://anywhere.test").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
        assertEquals(Optional.of("*"), ok.headers().firstValue("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("ETag"), ok.headers().firstValue("Access-Control-Expose-Headers"));
        assertFalse(ok.headers().firstValue("Access-Control-Allow-Credentials").isPresent());
        HttpResponse<String> denied = send("GET", "/" + bucket + "/k", "Origin", "https://anywhere.test");
        assertEquals(403, denied.statusCode()); // anonymous: still refused; CORS is no access control
        assertEquals(Optional.of("*"), denied.headers().firstValue("Access-Control-Allow-Origin"));
        HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertFalse(plain.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        HttpResponse<String> put = send("PUT", "/" + bucket + "/k", "Origin", "https://anywhere.test");
        assertFalse(put.headers().firstValue("Access-Control-Allow-Origin").isPresent()); // PUT not allowed
        assertEquals(Optional.of("Origin, Access-Control-Request-Headers, Access-Control-Request-Method"),
                put.headers().firstValue("Vary"));
    }
}
