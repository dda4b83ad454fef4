package dev.dualkey.compat.ops;

import static dev.dualkey.compat.S3Assertions.assertS3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminRegistry;
import dev.dualkey.gateway.admin.AdminSocket;
import dev.dualkey.gateway.admin.IdentityCommands;
import dev.dualkey.gateway.alert.AlertSettings;
import dev.dualkey.gateway.alert.WebhookAlerts;
import dev.dualkey.gateway.audit.TrustedProxies;
import dev.dualkey.mfa.audit.AuditRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MFADelete;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Issue 18 against a running gateway wired as {@code dualkey serve} wires it: the client address in the audit
 * records of S3 (SDK v2), IAM, STS and the admin socket ({@code local}); X-Forwarded-For believed only from a
 * declared proxy; and the alert webhook, a real HTTP receiver in the test, getting the security events (the
 * lockout of a code-guessing stolen key among them) while a hanging receiver slows no request.
 */
class AuditTrailTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private HttpServer receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
        pool.shutdownNow();
    }

    private URI receiver(CountDownLatch hold) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.setExecutor(pool);
        receiver.createContext("/alerts", x -> {
            events.add(JSON.readTree(x.getRequestBody().readAllBytes()));
            if (hold != null) {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " not seen within 60 s");
            Thread.sleep(10);
        }
    }

    private boolean received(String type, Predicate<JsonNode> also) {
        return events.stream().anyMatch(e -> e.path("type").asText().equals(type) && also.test(e));
    }

    @Test
    void everyEntryPointRecordsTheClientAndTheWebhookGetsTheSecurityEvents() throws Exception {
        URI hook = receiver(null);
        byte[] secret = "hook-secret".getBytes(StandardCharsets.UTF_8);
        try (MfaDeleteServer server = MfaDeleteServer.loopbackWithConsole(b -> b.alerts(AlertSettings.of(hook, secret)
                .withRetries(3, Duration.ofMillis(20), Duration.ofMillis(100))));
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root());
             S3Client s3 = Clients.v2(server.endpoint())) {
            GatewayEndpoint gw = server.endpoint();
            MfaDevice device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root"); // IAM
            AccessKey user = Iam.userAllowedEverything(iam, "ops"); // IAM CreateAccessKey
            s3.createBucket(b -> b.bucket("trail"));
            s3.putBucketVersioning(b -> b.bucket("trail").mfa(device.header()) // S3, MFA Delete on
                    .versioningConfiguration(v -> v.status("Enabled").mfaDelete(MFADelete.ENABLED)));
            String v1 = s3.putObject(b -> b.bucket("trail").key("k"), RequestBody.fromString("1")).versionId();
            String v2 = s3.putObject(b -> b.bucket("trail").key("k"), RequestBody.fromString("2")).versionId();
            s3.deleteObject(b -> b.bucket("trail").key("k").versionId(v1).mfa(device.header()));
            try (StsClient sts = StsClient.builder().endpointOverride(gw.endpoint()).region(Region.of(gw.region()))
                    .credentialsProvider(() -> AwsBasicCredentials.create(gw.root().accessKeyId(),
                            gw.root().secretKey())).build()) {
                sts.getSessionToken(b -> b.durationSeconds(900).serialNumber(device.serial())
                        .tokenCode(device.freshCode())); // STS
            }
            // A stolen root key guessing codes: every refusal is an event, and the fifth wrong code locks.
            String wrong = device.header(device.wrongCode());
            for (int i = 0; i < 5; i++) {
                assertS3Error(400, "InvalidArgument",
                        () -> s3.deleteObject(b -> b.bucket("trail").key("k").versionId(v2).mfa(wrong)));
            }
            // The admin socket: an operator's command is recorded as local.
            try (IdentityCommands commands = new IdentityCommands(server.identity(),
                    () -> IdentityCommands.signInService(server.engine().database(), server.identity(),
                            Clock.systemUTC()), Clock.systemUTC());
                 AdminSocket socket = AdminSocket.start(server.dataDir(), commands.registerOn(new AdminRegistry()))) {
                AdminClient admin = AdminClient.forRunningServer(server.dataDir()).orElseThrow();
                admin.call("reset-root-password", AdminClient.args().put("account", server.accountId()), e -> { });
                JsonNode audit = admin.call("audit", AdminClient.args().put("since", 0), e -> { });
                List<JsonNode> listed = new ArrayList<>();
                audit.path("records").forEach(listed::add);
                assertTrue(listed.stream().anyMatch(r -> r.path("action").asText().equals("admin:ResetRootPassword")
                        && r.path("clientAddress").asText().equals("local")), audit.toString());
                assertTrue(listed.stream().allMatch(r -> r.has("via")), "admin audit --json names the via field");
            }

            List<AuditRecord> records = server.auditLog();
            for (String prefix : List.of("s3:", "iam:", "sts:")) {
                List<AuditRecord> of = records.stream().filter(r -> r.action().startsWith(prefix)).toList();
                assertFalse(of.isEmpty(), "records of " + prefix);
                for (AuditRecord r : of) {
                    assertEquals("127.0.0.1", r.clientAddress(), r.toString());
                    assertEquals(null, r.via(), r.toString());
                }
            }
            assertTrue(records.stream().anyMatch(r -> r.action().equals("admin:ResetRootPassword")
                    && "local".equals(r.clientAddress())));

            String root = "arn:aws:iam::" + server.accountId() + ":root";
            await("lockout event", () -> received("mfa.lockout", e -> e.path("versionId").asText().equals(v2)));
            await("the other events", () -> received("mfa.device_enabled", e -> e.path("root").asBoolean())
                    && received("access_key.created", e -> true)
                    && received("mfa_delete.changed", e -> e.path("bucket").asText().equals("trail"))
                    && received("version.deleted_with_mfa", e -> e.path("versionId").asText().equals(v1))
                    && received("mfa.refused", e -> e.path("principal").asText().equals(root))
                    && received("root.password_reset_by_operator", e -> true));
            for (JsonNode e : events) {
                assertFalse(e.toString().contains(wrong.split(" ")[1]), "a code in an event: " + e);
                assertFalse(e.toString().contains(user.secretKey()), "a secret key in an event: " + e);
                assertEquals("127.0.0.1".equals(e.path("clientAddress").asText())
                        || "local".equals(e.path("clientAddress").asText()), true, e.toString());
            }
            WebhookAlerts alerts = server.server().alerts().orElseThrow();
            assertEquals(0, alerts.dropped());
        }
    }

    @Test
    void aHangingWebhookSlowsNoRequestAndItsQueueStaysBounded() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        URI hook = receiver(hold);
        try (MfaDeleteServer server = MfaDeleteServer.loopbackWithConsole(b -> b.alerts(AlertSettings.of(hook, null)
                .withQueueCapacity(3).withTimeout(Duration.ofSeconds(30))));
             IamClient iam = Iam.client(server.endpoint(), server.endpoint().root())) {
            MfaDevice.virtual(iam, server.clock(), "root-mfa", "root"); // an event: the receiver now hangs on it
            await("the first event", () -> events.size() == 1);
            for (int i = 0; i < 10; i++) { // each an event while the receiver holds the first one
                String name = "u" + i;
                iam.createUser(b -> b.userName(name));
                iam.createAccessKey(b -> b.userName(name));
            }
            WebhookAlerts alerts = server.server().alerts().orElseThrow();
            assertEquals(3, alerts.queued());
            assertEquals(7, alerts.dropped(), "ten events, three kept, the oldest seven dropped");
        } finally {
            hold.countDown();
        }
    }

    @Test
    void forwardedForIsBelievedOnlyFromADeclaredProxy() throws Exception {
        try (MfaDeleteServer trusting = MfaDeleteServer.loopbackWithConsole(
                b -> b.trustedProxies(TrustedProxies.parse(List.of("127.0.0.0/8"))));
             MfaDeleteServer plain = MfaDeleteServer.loopbackWithConsole(b -> b)) {
            for (MfaDeleteServer server : List.of(trusting, plain)) {
                try (IamClient iam = IamClient.builder().endpointOverride(server.endpoint().endpoint())
                        .region(Region.AWS_GLOBAL)
                        .credentialsProvider(() -> AwsBasicCredentials.create(server.endpoint().root().accessKeyId(),
                                server.endpoint().root().secretKey()))
                        .overrideConfiguration(c -> c.putHeader("X-Forwarded-For", "198.51.100.1, 203.0.113.7"))
                        .build()) {
                    iam.createUser(b -> b.userName("via-proxy"));
                }
            }
            AuditRecord viaProxy = trusting.auditLog().stream()
                    .filter(r -> r.action().equals("iam:CreateUser")).findFirst().orElseThrow();
            assertEquals("203.0.113.7", viaProxy.clientAddress(), "the entry the proxy appended, not the forged one");
            assertEquals("127.0.0.1", viaProxy.via());
            AuditRecord direct = plain.auditLog().stream()
                    .filter(r -> r.action().equals("iam:CreateUser")).findFirst().orElseThrow();
            assertEquals("127.0.0.1", direct.clientAddress(), "no trusted proxy: the header is ignored");
            assertEquals(null, direct.via());
        }
    }
}
