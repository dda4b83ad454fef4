package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dualkey.compat.RawS3;
import dev.dualkey.compat.mfadelete.Iam;
import dev.dualkey.compat.mfadelete.MfaDevice;
import dev.dualkey.compat.mfadelete.MfaDeleteServer;
import dev.dualkey.gateway.alert.WebhookAlerts;
import dev.dualkey.gateway.settings.AccountSettings;
import dev.dualkey.mfa.audit.AuditRecord;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * The console's Settings page decides where an account's security events go, so whoever changes it can silence
 * them or make the server call a URL of their choosing. An attacker holding root's signed-in console session (a
 * stolen cookie) but not root's MFA device, root's access key, or an IAM user allowed everything tries to point
 * the receiver at their own URL: with no code, a wrong code, the code root signed in with (replayed), without the
 * CSRF token, from another origin, as the IAM user, through the IAM Query API, and with non-http URLs. Nothing
 * changes, each refusal is audited, and then root with a fresh code sets it, the change is audited with the
 * browser's address, the page never shows the receiver's path, and the account's next event arrives signed with
 * the secret root chose.
 */
class AlertWebhookSettingsAttackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_PATH = "/hooks/T000/B000/XXXXsecretTokenInThePath";

    private MfaDeleteServer server;
    private IamClient iam;
    private MfaDevice device;
    private HttpServer receiver;
    private final List<Map<String, String>> events = new CopyOnWriteArrayList<>();
    private String attackerUrl;
    private ConsoleSignIn root;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", x -> {
            Map<String, String> e = new HashMap<>();
            e.put("path", x.getRequestURI().getPath());
            e.put("body", new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            e.put("signature", String.valueOf(x.getRequestHeaders().getFirst("X-Dualkey-Signature-256")));
            events.add(e);
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        attackerUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/attacker";
        server = MfaDeleteServer.loopbackWithConsole();
        iam = Iam.client(server.endpoint(), server.endpoint().root());
        device = MfaDevice.virtual(iam, server.clock(), "root-mfa", "root");
        root = new ConsoleSignIn(server.consoleUrl());
    }

    @AfterEach
    void stop() {
        if (iam != null) {
            iam.close();
        }
        if (server != null) {
            server.close();
        }
        receiver.stop(0);
    }

    private AccountSettings settings() {
        return server.identity().accountSettings();
    }

    private void noReceiverSet() {
        assertTrue(settings().webhook(server.accountId()).isEmpty(), "the receiver was changed");
    }

    private List<AuditRecord> settingRecords(String outcome) {
        return server.auditLog().stream().filter(r -> r.action().equals(AccountSettings.ACTION)
                && r.outcome().equals(outcome)).toList();
    }

    private Map<String, String> form(String url, String code, String csrf) {
        Map<String, String> f = new HashMap<>();
        f.put("url", url);
        f.put("action", "save");
        f.put("code", code);
        if (csrf != null) {
            f.put("csrf", csrf);
        }
        return f;
    }

    /** Root signed in with password and code; returns the code it signed in with. */
    private String signInRoot() {
        assertEquals(303, root.password(server.accountId(), MfaDeleteServer.ROOT_PASSWORD).statusCode());
        String code = device.freshCode();
        HttpResponse<String> done = root.code(code);
        assertEquals(303, done.statusCode(), done.body());
        assertEquals("/buckets", done.headers().firstValue("Location").orElse(""));
        return code;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " not seen within 60 s");
            Thread.sleep(20);
        }
    }

    @Test
    void aStolenSessionWithoutACurrentCodeCannotRedirectAlerts() {
        String signInCode = signInRoot();
        HttpResponse<String> page = root.page("/settings");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("No receiver is set"), page.body());
        String csrf = root.csrfOn("/settings");

        // no code
        HttpResponse<String> r = root.submit("/settings", form(attackerUrl, "", csrf), null);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("needs a current code"), r.body());
        noReceiverSet();
        // a wrong code
        r = root.submit("/settings", form(attackerUrl, device.wrongCode(), csrf), null);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("was not accepted"), r.body());
        noReceiverSet();
        // the code root signed in with (seen over the shoulder, or in a captured request): spent, refused
        r = root.submit("/settings", form(attackerUrl, signInCode, csrf), null);
        assertEquals(403, r.statusCode());
        noReceiverSet();
        // a fresh code but no CSRF token (a cross-site form): refused before the code is even looked at
        String fresh = device.freshCode();
        r = root.submit("/settings", form(attackerUrl, fresh, null), null);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("Request refused"), r.body());
        noReceiverSet();
        // the right token from another origin
        r = root.submit("/settings", form(attackerUrl, fresh, csrf), "http://evil.example");
        assertEquals(403, r.statusCode());
        noReceiverSet();
        // URLs the server must never call: refused before the code is spent
        for (String bad : List.of("file:///etc/passwd", "gopher://127.0.0.1:6379/_FLUSHALL", "ftp://h/x",
                "javascript:alert(1)", "http:///nohost", "http://user:pw@127.0.0.1/x", "not a url")) {
            r = root.submit("/settings", form(bad, fresh, csrf), null);
            assertEquals(400, r.statusCode(), bad);
            assertTrue(r.body().contains("Not saved"), bad + ": " + r.body());
            noReceiverSet();
        }

        List<AuditRecord> denied = settingRecords("DENIED");
        assertEquals(List.of("no MFA code", "MFA code not accepted", "MFA code not accepted"),
                denied.stream().map(AuditRecord::reason).toList());
        for (AuditRecord d : denied) {
            assertEquals("arn:aws:iam::" + server.accountId() + ":root", d.principal());
            assertEquals("127.0.0.1", d.clientAddress());
        }
        assertEquals(List.of(), settingRecords("OK"));
        assertEquals(0, events.size(), "nothing was sent to the attacker's URL");
    }

    @Test
    void anIamUserAllowedEverythingAndTheApiCannotChangeIt() throws Exception {
        Iam.userAllowedEverything(iam, "admin");
        iam.createLoginProfile(b -> b.userName("admin").password("Admin-Passw0rd-Console"));
        ConsoleSignIn admin = new ConsoleSignIn(server.consoleUrl());
        HttpResponse<String> in = admin.userPassword(server.accountId(), "admin", "Admin-Passw0rd-Console");
        assertEquals(303, in.statusCode(), in.body());
        HttpResponse<String> page = admin.page("/settings");
        assertEquals(403, page.statusCode());
        assertTrue(page.body().contains("Only the account&#39;s root user can change settings."), page.body());
        assertFalse(admin.page("/buckets").body().contains("href=\"/settings\""), "no Settings link for a user");
        String csrf = admin.csrfOn("/buckets");
        HttpResponse<String> r = admin.submit("/settings", form(attackerUrl, device.freshCode(), csrf), null);
        assertEquals(403, r.statusCode());
        noReceiverSet();
        assertEquals(List.of("not the account's root user"),
                settingRecords("DENIED").stream().map(AuditRecord::reason).toList());

        // root's access key (and so any API caller): no S3, IAM or STS request reaches the setting
        try (RawS3 raw = new RawS3(server.endpoint())) {
            RawS3.Response iamCall = raw.request("POST", "/")
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .service("iam")
                    .body("Action=SetAlertWebhook&Version=2010-05-08&Url=" + attackerUrl).send();
            assertEquals(400, iamCall.status(), iamCall.bodyText());
            assertTrue(iamCall.bodyText().contains("InvalidAction"), iamCall.bodyText());
            RawS3.Response s3Call = raw.request("POST", "/settings").header("Content-Type",
                    "application/x-www-form-urlencoded").body("url=" + attackerUrl + "&action=save").send();
            assertTrue(s3Call.status() >= 400, "status " + s3Call.status());
        }
        noReceiverSet();
        assertEquals(0, events.size());
    }

    @Test
    void rootWithAFreshCodeSetsItAuditedAndTheNextEventArrivesSigned() throws Exception {
        signInRoot();
        String csrf = root.csrfOn("/settings");
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + SECRET_PATH + "?token=abc";
        Map<String, String> f = form(url, device.freshCode(), csrf);
        f.put("secret", "root-chosen-secret");
        HttpResponse<String> r = root.submit("/settings", f, null);
        assertEquals(303, r.statusCode(), r.body());
        assertEquals("/settings?n=saved", r.headers().firstValue("Location").orElse(""));
        assertEquals(URI.create(url), settings().webhook(server.accountId()).orElseThrow().target().url());

        HttpResponse<String> page = root.page("/settings");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("http://127.0.0.1:" + receiver.getAddress().getPort() + "/…"), page.body());
        assertFalse(page.body().contains("XXXXsecretTokenInThePath") || page.body().contains("token=abc")
                || page.body().contains("root-chosen-secret"), "the page shows the receiver's path or secret");

        List<AuditRecord> ok = settingRecords("OK");
        assertEquals(1, ok.size());
        assertEquals("arn:aws:iam::" + server.accountId() + ":root", ok.get(0).principal());
        assertEquals("127.0.0.1", ok.get(0).clientAddress());
        assertFalse(ok.get(0).reason().contains("secretToken"), ok.get(0).reason());

        // the account's next security event (root creates an access key) goes to the receiver, signed
        iam.createUser(b -> b.userName("worker"));
        String keyId = iam.createAccessKey(b -> b.userName("worker")).accessKey().accessKeyId();
        await("the access_key.created event", () -> events.stream().anyMatch(e -> e.get("body").contains(keyId)));
        Map<String, String> e = events.stream().filter(x -> x.get("body").contains(keyId)).findFirst().orElseThrow();
        assertEquals(SECRET_PATH, e.get("path"));
        JsonNode n = JSON.readTree(e.get("body"));
        assertEquals("access_key.created", n.path("type").asText());
        assertEquals("sha256=" + WebhookAlerts.hmac("root-chosen-secret".getBytes(StandardCharsets.UTF_8),
                e.get("body").getBytes(StandardCharsets.UTF_8)), e.get("signature"));

        // removing it takes a code too
        String csrf2 = root.csrfOn("/settings");
        Map<String, String> remove = new HashMap<>(Map.of("action", "remove", "csrf", csrf2, "code", ""));
        assertEquals(403, root.submit("/settings", remove, null).statusCode());
        assertTrue(settings().webhook(server.accountId()).isPresent());
        remove.put("code", device.freshCode());
        assertEquals(303, root.submit("/settings", remove, null).statusCode());
        assertTrue(settings().webhook(server.accountId()).isEmpty());
        assertEquals(2, settingRecords("OK").size());
    }
}
