package dev.dualkey.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.storage.rocks.StorageEngine;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door hands requests to the first endpoint that accepts them (how the IAM Query API plugs in before
 * S3), aggregates their bodies within the cap, and runs a separate console listener for console endpoints.
 */
class EndpointRoutingTest {
    @TempDir
    Path dir;

    /** Accepts form POSTs and echoes the body length; stands in for the IAM Query API. */
    static final class FormEcho implements Endpoint {
        @Override
        public boolean accepts(HttpRequest head) {
            return HttpMethod.POST.equals(head.method()) && String.valueOf(head.headers().get("Content-Type"))
                    .startsWith("application/x-www-form-urlencoded");
        }

        @Override
        public Exchange begin(RequestHead head) {
            return new Exchange.Aggregated() {
                @Override
                public long maxBodyBytes() {
                    return 1024;
                }

                @Override
                public Reply complete(byte[] body) {
                    return Reply.status(200).body(("form:" + body.length).getBytes(StandardCharsets.UTF_8),
                            "text/plain");
                }
            };
        }

        @Override
        public Reply error(RequestHead head, Throwable failure) {
            return Reply.status(400).body(failure.getClass().getSimpleName().getBytes(StandardCharsets.UTF_8),
                    "text/plain");
        }
    }

    @Test
    void extraEndpointsAreTriedBeforeS3() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, List.of());
             GatewayServer server = GatewayServer.builder().objectStore(engine.objectStore())
                     .credentialProvider(id -> Optional.empty())
                     .s3Address(new InetSocketAddress("127.0.0.1", 0))
                     .endpoint(new FormEcho())
                     .start()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> form = http.send(java.net.http.HttpRequest.newBuilder(server.s3Endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("Action=ListUsers")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("form:16", form.body());
            HttpResponse<String> tooBig = http.send(java.net.http.HttpRequest.newBuilder(server.s3Endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(BodyPublishers.ofString("x".repeat(2000))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, tooBig.statusCode());
            assertEquals("BodyTooLargeException", tooBig.body());
            HttpResponse<String> s3 = http.send(java.net.http.HttpRequest.newBuilder(server.s3Endpoint()).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, s3.statusCode());
            assertTrue(s3.body().contains("<Code>AccessDenied</Code>"));
        }
    }
}
