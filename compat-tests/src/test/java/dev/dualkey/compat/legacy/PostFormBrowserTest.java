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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The browser upload as a web app ships it: an HTML page on another origin holds a {@code <form method="post"
 * enctype="multipart/form-data">} aimed at the bucket with the signed policy in hidden fields; a headless Chromium
 * picks a file and submits, the gateway stores it and redirects (303) to the page's success URL with bucket, key
 * and ETag.
 */
@ExtendWith(GatewayExtension.class)
class PostFormBrowserTest {

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    @Test
    void htmlFormUploadsAFileAndRedirects(GatewayEndpoint gw, TestBuckets buckets, @TempDir Path dir)
            throws Exception {
        Browser.requireBinaries();
        String bucket = buckets.create();
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String origin = "http://localhost:" + site.getAddress().getPort();
        Instant now = Instant.now();
        PostForm form = new PostForm().field("key", "uploads/${filename}")
                .condition("{\"bucket\":\"" + bucket + "\"}").condition("[\"starts-with\",\"$key\",\"uploads/\"]")
                .field("Content-Type", "text/plain").condition("[\"starts-with\",\"$Content-Type\",\"text/\"]")
                .field("success_action_redirect", origin + "/done")
                .condition("{\"success_action_redirect\":\"" + origin + "/done\"}")
                .condition("[\"content-length-range\", 1, 1048576]")
                .signV4(gw.root(), gw.region(), now, now.plusSeconds(600));
        StringBuilder html = new StringBuilder("<!doctype html><meta charset=\"utf-8\"><title>upload</title>"
                + "<form id=\"f\" method=\"post\" enctype=\"multipart/form-data\" action=\"" + gw.endpoint() + "/"
                + bucket + "\">");
        for (Map.Entry<String, String> f : form.fields().entrySet()) {
            html.append("<input type=\"hidden\" name=\"").append(escape(f.getKey())).append("\" value=\"")
                    .append(escape(f.getValue())).append("\">");
        }
        html.append("<input type=\"file\" name=\"file\" id=\"file\"><input type=\"submit\" id=\"go\"></form>");
        byte[] page = html.toString().getBytes(StandardCharsets.UTF_8);
        site.createContext("/", ex -> {
            byte[] body = ex.getRequestURI().getPath().equals("/done")
                    ? "<!doctype html><title>done</title><p id=\"ok\">uploaded".getBytes(StandardCharsets.UTF_8) : page;
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        site.start();
        Path file = Files.writeString(dir.resolve("notes from a browser.txt"), "typed in a browser\n");
        try (Browser browser = Browser.open(); S3Client s3 = Clients.v2(gw)) {
            WebDriver web = browser.driver();
            web.get(origin + "/form.html");
            web.findElement(By.id("file")).sendKeys(file.toString());
            Browser.go(web, web.findElement(By.id("go")));
            String landed = web.getCurrentUrl();
            assertTrue(landed.startsWith(origin + "/done?bucket=" + bucket + "&key=uploads%2Fnotes%20from%20a"
                    + "%20browser.txt&etag=%22"), landed);
            assertEquals("uploaded", web.findElement(By.id("ok")).getText());
            assertEquals("typed in a browser\n", s3.getObjectAsBytes(b -> b.bucket(bucket)
                    .key("uploads/notes from a browser.txt")).asUtf8String());
            assertEquals("text/plain", s3.headObject(b -> b.bucket(bucket).key("uploads/notes from a browser.txt"))
                    .contentType());
        } finally {
            site.stop(0);
        }
    }
}
