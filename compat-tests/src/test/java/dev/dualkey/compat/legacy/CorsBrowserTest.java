package dev.dualkey.compat.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.TestBuckets;
import dev.dualkey.compat.console.Browser;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real headless Chromium on another origin (a page served by a tiny HTTP server on another port) calls the
 * gateway with fetch(): a GET with a custom header and a PUT, both presigned, each preceded by the browser's own
 * preflight. The page sees the answer only when the bucket's CORS rule allows its origin; the test reads what
 * the page got.
 */
@ExtendWith(GatewayExtension.class)
class CorsBrowserTest {
    private static final String FETCH = "const done = arguments[arguments.length - 1];"
            + "fetch(arguments[0], arguments[1]).then(r => r.text().then(t => done('ok ' + r.status + ' ' + t)))"
            + ".catch(e => done('blocked ' + e.name));";

    @Test
    void fetchFromAnotherOriginSucceedsOnlyWhenTheRuleAllowsIt(GatewayEndpoint gw, TestBuckets buckets)
            throws Exception {
        Browser.requireBinaries();
        String bucket = buckets.create();
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", ex -> {
            byte[] page = "<!doctype html><title>app</title><p>app".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        site.start();
        String origin = "http://localhost:" + site.getAddress().getPort(); // not the gateway's origin
        try (S3Client s3 = Clients.v2(gw); S3Presigner presigner = Clients.presigner(gw);
             Browser browser = Browser.open()) {
            s3.putObject(b -> b.bucket(bucket).key("hello.txt"), RequestBody.fromString("hello from dualkey"));
            String get = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(bucket).key("hello.txt"))).url().toString();
            String put = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(g -> g.bucket(bucket).key("from-browser.txt"))).url().toString();
            browser.driver().get(origin + "/app.html");
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();
            java.util.Map<String, Object> getInit = java.util.Map.of("headers",
                    java.util.Map.of("X-Requested-With", "dualkey-test")); // forces a preflight
            java.util.Map<String, Object> putInit = java.util.Map.of("method", "PUT", "body", "written by a page",
                    "headers", java.util.Map.of("Content-Type", "text/plain"));

            // no CORS configuration: the browser refuses to show the answer
            assertEquals("blocked TypeError", js.executeAsyncScript(FETCH, get, getInit));

            // a rule for another origin: still blocked
            s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c.corsRules(CORSRule.builder()
                    .allowedOrigins("https://elsewhere.example").allowedMethods("GET", "PUT").allowedHeaders("*")
                    .build())));
            assertEquals("blocked TypeError", js.executeAsyncScript(FETCH, get, getInit));
            assertEquals("blocked TypeError", js.executeAsyncScript(FETCH, put, putInit));
            assertTrue(s3.listObjectsV2(b -> b.bucket(bucket).prefix("from-browser")).contents().isEmpty());

            // a rule for this page's origin: GET and PUT go through
            s3.putBucketCors(b -> b.bucket(bucket).corsConfiguration(c -> c.corsRules(CORSRule.builder()
                    .allowedOrigins(origin).allowedMethods("GET", "PUT").allowedHeaders("*")
                    .exposeHeaders("ETag").build())));
            assertEquals("ok 200 hello from dualkey", js.executeAsyncScript(FETCH, get, getInit));
            assertEquals("ok 200 ", js.executeAsyncScript(FETCH, put, putInit));
            assertEquals("written by a page", s3.getObjectAsBytes(b -> b.bucket(bucket).key("from-browser.txt"))
                    .asUtf8String());
        } finally {
            site.stop(0);
        }
    }
}
