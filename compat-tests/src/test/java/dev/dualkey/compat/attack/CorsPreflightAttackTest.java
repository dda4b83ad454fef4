package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;

/**
 * The preflight OPTIONS is answered without authentication, so it must not become a way to learn anything: the
 * answer for a key that exists equals the one for a key that does not (any version, any sub-resource), a bucket
 * that does not exist answers as one without CORS, and an OPTIONS never changes or returns data.
 */
@ExtendWith(GatewayExtension.class)
class CorsPreflightAttackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> options(GatewayEndpoint gw, String path, String method) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gw.endpoint() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://probe.test").header("Access-Control-Request-Method", method).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Status, headers (without per-request ids, date and length) and body without RequestId, HostId and the
     * Resource element (which echoes the path the client sent).
     */
    static String shape(HttpResponse<String> r) {
        Map<String, List<String>> h = new TreeMap<>(r.headers().map());
        h.keySet().removeIf(k -> k.equalsIgnoreCase("x-amz-request-id") || k.equalsIgnoreCase("x-amz-id-2")
                || k.equalsIgnoreCase("date") || k.equalsIgnoreCase("content-length"));
        return r.statusCode() + " " + h + " " + r.body().replaceAll("<RequestId>.*?</RequestId>", "")
                .replaceAll("<HostId>.*?</HostId>", "").replaceAll("<Resource>.*?</Resource>", "");
    }

    @Test
    void optionsTellsNothingAboutObjectsOrBuckets(GatewayEndpoint gw, TestBuckets buckets) throws Exception {
        String bucket = buckets.createVersioned();
        try (S3Client s3 = Clients.v2(gw)) {
            s3.putObject(b -> b.bucket(bucket).key("secret.txt"), RequestBody.fromString("top secret"));
            for (String method : List.of("GET", "PUT", "DELETE")) {
                // no CORS: an existing key, a missing key and a missing bucket all answer alike
                String existing = shape(options(gw, "/" + bucket + "/secret.txt", method));
                assertEquals(existing, shape(options(gw, "/" + bucket + "/missing.txt", method)));
                assertEquals(existing, shape(options(gw, "/no-such-" + bucket + "/secret.txt", method)));
            }
            s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c.corsRules(CORSRule.builder()
                    .allowedOrigins("*").allowedMethods("GET", "DELETE").build())));
            for (String method : List.of("GET", "DELETE", "PUT")) {
                String existing = shape(options(gw, "/" + bucket + "/secret.txt", method));
                assertEquals(existing, shape(options(gw, "/" + bucket + "/missing.txt", method)));
                assertEquals(existing, shape(options(gw, "/" + bucket + "/secret.txt?versionId=abc", method)));
                assertFalse(existing.contains("top secret"));
            }
            // an allowed preflight for DELETE deleted nothing
            assertEquals("top secret", s3.getObjectAsBytes(b -> b.bucket(bucket).key("secret.txt")).asUtf8String());
            assertEquals(1, s3.listObjectVersions(b -> b.bucket(bucket)).versions().size());
        }
    }
}
