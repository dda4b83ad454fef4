package dev.dualkey.compat.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dualkey.compat.durable.ServeProcess;
import dev.dualkey.gateway.alert.WebhookAlerts;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The flags as an operator types them: {@code dualkey serve --alert-webhook URL --alert-webhook-secret-file FILE
 * --trusted-proxy 127.0.0.1 --audit-retention-days 30}, a real process; an access key created through IAM behind
 * the "proxy" reaches the receiver as a signed event naming the forwarded client.
 */
class ServeAlertWebhookTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Hit(String signature, byte[] body) {
    }

    @Test
    @Timeout(180) // hang detector only
    void serveSendsSignedEventsNamingTheForwardedClient() throws Exception {
        List<Hit> hits = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            hits.add(new Hit(x.getRequestHeaders().getFirst("X-Dualkey-Signature-256"),
                    x.getRequestBody().readAllBytes()));
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        receiver.start();
        Path secret = dir.resolve("hook.secret");
        Files.writeString(secret, "operator-chosen-secret\n");
        try (ServeProcess s = ServeProcess.start(dir.resolve("data"), Map.of(),
                "--alert-webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                "--alert-webhook-secret-file", secret.toString(), "--trusted-proxy", "127.0.0.1",
                "--audit-retention-days", "30");
             IamClient iam = IamClient.builder().endpointOverride(s.endpoint().endpoint()).region(Region.AWS_GLOBAL)
                     .credentialsProvider(() -> AwsBasicCredentials.create(s.endpoint().root().accessKeyId(),
                             s.endpoint().root().secretKey()))
                     .overrideConfiguration(c -> c.putHeader("X-Forwarded-For", "203.0.113.50"))
                     .build()) {
            iam.createUser(b -> b.userName("deployer"));
            String key = iam.createAccessKey(b -> b.userName("deployer")).accessKey().accessKeyId();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (hits.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "no event within 60 s; server log:\n" + s.log());
                Thread.sleep(20);
            }
            Hit hit = hits.get(0);
            assertEquals("sha256=" + WebhookAlerts.hmac("operator-chosen-secret".getBytes(StandardCharsets.UTF_8),
                    hit.body()), hit.signature());
            JsonNode e = JSON.readTree(hit.body());
            assertEquals("access_key.created", e.path("type").asText());
            assertEquals("203.0.113.50", e.path("clientAddress").asText());
            assertEquals("127.0.0.1", e.path("via").asText());
            assertEquals("user deployer key " + key, e.path("reason").asText(), "the key id, never its secret");
        } finally {
            receiver.stop(0);
        }
    }
}
