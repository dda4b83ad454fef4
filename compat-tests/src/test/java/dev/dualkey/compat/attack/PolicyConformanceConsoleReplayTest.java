package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.Clients;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.compat.console.Browser;
import dev.dualkey.compat.iam.IamClients;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.console.ConsoleBootstrap;
import dev.dualkey.gateway.console.ConsoleLauncher;
import dev.dualkey.gateway.console.ConsoleServer;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.rocks.StorageEngine;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13, "Done means": the end-to-end rows of the policy conformance table (every {@code "e2e": true} row of
 * mfa's {@code conformance.json}, see {@link PolicyConformanceRows}) replayed through the web console, which must
 * decide each row as the table does AND as the S3 API does for the same user and request (SDK v2, asserted in the
 * same loop). Each policy set is put on a fresh IAM user with a console password (IAM API, as root); the user
 * signs in at {@code /a/ACCOUNT} and performs the row's action through the bucket pages: list = the bucket page,
 * GetObject = the Download link without a version id, PutObject = the upload form (key = prefix + file name),
 * DeleteObject = the Delete button. A denial must show the console's "You are not allowed to ..." message.
 *
 * <p>Most rows are driven over plain HTTP (session cookie and CSRF token, as a browser posts the forms) for
 * speed; the rows in {@link #CHROMIUM_ROWS} go through a real headless Chromium (signed in through the form,
 * download fetched by the page's own JavaScript, Delete button clicked, bucket page read). Without Chromium the
 * class is skipped with a message, except under {@code CI=true} where it fails.
 *
 * <p>The console's bucket page lists every version, so it is authorized as {@code s3:ListBucketVersions}
 * (AWS's action for ListObjectVersions) while the table's list rows are {@code s3:ListBucket}: the e2e list rows
 * grant or refuse both alike ({@code s3:*} versus an object-only ARN), so they are comparable here.
 */
class PolicyConformanceConsoleReplayTest {
    private static final String PASSWORD = "Conformance-Passw0rd-42";
    /** Rows replayed in headless Chromium: Allow and explicit Deny on a download, a denied Delete, a listing. */
    private static final Set<String> CHROMIUM_ROWS = Set.of("allow-matches", "explicit-deny-wins",
            "deny-in-second-policy", "deny-other-action-allowed");

    private static Path dataDir;
    private static StorageEngine engine;
    private static GatewayServer server;
    private static ConsoleServer console;
    private static String accountId;
    private static GatewayEndpoint gw;
    private static Browser browser;

    @BeforeAll
    static void start() throws IOException {
        Browser.requireBinaries();
        dataDir = Files.createTempDirectory("dualkey-conformance-console-");
        engine = StorageEngine.open(dataDir, IdentityStore.FAMILIES);
        AccessKey root = GatewayExtension.ROOT;
        IdentitySetup.Wired identity = IdentitySetup.withRootKeys(root.accessKeyId(), root.secretKey())
                .passwordHashing(PasswordHasher.Params.forTests())
                .onBootstrap(r -> accountId = r.account().accountId())
                .wire(engine.database(), dataDir, engine.objectStore(), Clock.systemUTC());
        ConsoleLauncher launcher = ConsoleBootstrap.launcher(new InetSocketAddress("127.0.0.1", 0), identity.store(),
                engine.database(), Clock.systemUTC(), GatewayExtension.REGION);
        server = GatewayServer.builder()
                .objectStore(engine.objectStore())
                .credentialProvider(identity.credentials())
                .authorizer(identity.authorizer())
                .endpoint(identity.iamEndpoint())
                .endpoint(identity.stsEndpoint())
                .mfa(identity.store().verifier(), identity.store().audit())
                .s3Address(new InetSocketAddress("127.0.0.1", 0))
                .region(GatewayExtension.REGION)
                .console(new ConsoleLauncher() { // keeps the console's handle for its port
                    @Override
                    public AutoCloseable start(ObjectStore store, Executor executor, SslContext ssl) {
                        console = (ConsoleServer) launcher.start(store, executor, ssl);
                        return console;
                    }

                    @Override
                    public AutoCloseable start(ObjectStore store, Executor executor, SslContext ssl,
                                               dev.dualkey.gateway.http.TransportLimits limits) {
                        console = (ConsoleServer) launcher.start(store, executor, ssl, limits);
                        return console;
                    }
                })
                .start();
        gw = new GatewayEndpoint(URI.create("http://127.0.0.1:" + server.s3Port()), GatewayExtension.REGION, root,
                root);
        browser = Browser.open();
    }

    @AfterAll
    static void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (engine != null) {
                engine.close();
            }
            if (dataDir != null) {
                try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                } catch (IOException e) {
                    // leftover temp files are harmless
                }
            }
        }
    }

    private static URI consoleBase() {
        return URI.create("http://127.0.0.1:" + console.port() + "/");
    }

    @Test
    void consoleAgreesWithTheApiAndTheTableOnEveryEndToEndRow() throws IOException {
        PolicyConformanceRows table = PolicyConformanceRows.load();
        String bucket = "conformance-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> names = new HashMap<>();
        Map<String, AccessKey> keys = new HashMap<>();
        Map<String, ConsoleSession> sessions = new HashMap<>();
        int replayed = 0;
        int inChromium = 0;
        try (IamClient iam = IamClients.v2(gw, gw.root()); S3Client root = Clients.v2(gw)) {
            root.createBucket(b -> b.bucket(bucket));
            for (PolicyConformanceRows.Row row : table.endToEnd()) {
                String set = row.policySet();
                if (!names.containsKey(set)) {
                    String name = "alice-" + UUID.randomUUID().toString().substring(0, 8);
                    iam.createUser(b -> b.userName(name));
                    for (String p : row.policies()) {
                        String doc = table.policyDocument(p, bucket, name);
                        iam.putUserPolicy(b -> b.userName(name).policyName(p).policyDocument(doc));
                    }
                    CreateAccessKeyResponse k = iam.createAccessKey(b -> b.userName(name));
                    iam.createLoginProfile(b -> b.userName(name).password(PASSWORD).passwordResetRequired(false));
                    names.put(set, name);
                    keys.put(set, new AccessKey(k.accessKey().accessKeyId(), k.accessKey().secretAccessKey()));
                    sessions.put(set, ConsoleSession.signInIamUser(consoleBase(), accountId, name, PASSWORD));
                }
                String name = names.get(set);
                String key = row.key(name);
                String id = row.id() + " (" + row.action() + " " + (key == null ? bucket : key) + ")";

                // The API first: the SDK's answer for this user and request.
                if (key != null) {
                    root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v"));
                }
                int sdk;
                try (S3Client s3 = Clients.v2(gw, keys.get(set))) {
                    sdk = PolicyConformanceRows.sdkStatus(s3, row.action(), bucket, key);
                }
                assertTrue(sdk / 100 == 2 || sdk == 403, id + ": SDK got " + sdk);
                boolean apiAllowed = sdk / 100 == 2;
                assertEquals(row.allowed(), apiAllowed, id + ": the API disagrees with the table");

                // Then the console, on the same object as the API saw it.
                if (key != null) {
                    root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("v"));
                }
                boolean consoleAllowed;
                if (CHROMIUM_ROWS.contains(row.id())) {
                    consoleAllowed = inChromium(name, row.action(), bucket, key, id);
                    inChromium++;
                } else {
                    consoleAllowed = overHttp(sessions.get(set), row.action(), bucket, key, id);
                }
                assertEquals(apiAllowed, consoleAllowed, id + ": the console disagrees with the API");
                replayed++;
            }
        } finally {
            for (PolicyConformanceRows.Row row : table.endToEnd()) {
                String key = row.key(names.getOrDefault(row.policySet(), "alice"));
                if (key != null) {
                    try (S3Client root = Clients.v2(gw)) {
                        root.deleteObject(b -> b.bucket(bucket).key(key));
                    } catch (RuntimeException e) {
                        // the data directory goes with the class
                    }
                }
            }
        }
        assertTrue(replayed >= 30, "replayed " + replayed);
        assertEquals(CHROMIUM_ROWS.size(), inChromium, "rows replayed in Chromium");
    }

    // ---- the console over plain HTTP ----------------------------------------------------------------------

    /** Whether the console allowed the action; a refusal must be the console's "not allowed" page. */
    private static boolean overHttp(ConsoleSession s, String action, String bucket, String key, String id) {
        HttpResponse<String> r;
        int done;
        switch (action) {
            case "s3:ListBucket" -> {
                r = s.page("/buckets/" + bucket);
                done = 200;
            }
            case "s3:GetObject" -> {
                r = s.page("/buckets/" + bucket + "/object?key=" + enc(key));
                done = 200;
                if (r.statusCode() == 200) {
                    assertTrue(r.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment"),
                            id + ": a download is an attachment");
                }
            }
            case "s3:PutObject" -> {
                s.openBucket(bucket);
                int slash = key.lastIndexOf('/');
                r = s.upload(bucket, key.substring(0, slash + 1), key.substring(slash + 1), "w");
                done = 303;
            }
            case "s3:DeleteObject" -> {
                s.openBucket(bucket);
                int slash = key.lastIndexOf('/');
                r = s.post("/buckets/" + bucket + "/delete", Map.of("key", key, "prefix", key.substring(0, slash + 1)));
                done = 303;
            }
            default -> throw new AssertionError("no console page for " + action);
        }
        if (r.statusCode() == done) {
            return true;
        }
        assertTrue((r.statusCode() == 400 || r.statusCode() == 403) && r.body().contains("You are not allowed to"),
                id + ": neither done nor refused: " + r.statusCode() + " " + r.body());
        return false;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- the console in headless Chromium -----------------------------------------------------------------

    private static boolean inChromium(String user, String action, String bucket, String key, String id) {
        WebDriver web = browser.driver();
        web.get("about:blank");
        web.manage().deleteAllCookies();
        web.get(consoleBase().resolve("/a/" + accountId).toString());
        web.findElement(By.id("username")).sendKeys(user);
        web.findElement(By.id("password")).sendKeys(PASSWORD);
        Browser.go(web, web.findElement(By.cssSelector("button.primary")));
        assertTrue(web.getCurrentUrl().endsWith("/buckets"), id + ": signed in, at " + web.getCurrentUrl());
        switch (action) {
            case "s3:ListBucket" -> {
                web.get(consoleBase().resolve("/buckets/" + bucket).toString());
                return !refusedOnPage(web, id);
            }
            case "s3:GetObject" -> {
                // The page's own fetch, with the browser's session cookie: a download is an attachment, a refusal
                // the bucket page with the message.
                @SuppressWarnings("unchecked")
                List<Object> answer = (List<Object>) ((JavascriptExecutor) web).executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        fetch(arguments[0], {redirect: 'manual', credentials: 'same-origin'})
                            .then(r => r.text().then(t => done([r.status, r.headers.get('Content-Disposition') || '', t])))
                            .catch(e => done([0, '', String(e)]));""",
                        "/buckets/" + bucket + "/object?key=" + enc(key));
                long status = ((Number) answer.get(0)).longValue();
                if (status == 200) {
                    assertTrue(String.valueOf(answer.get(1)).startsWith("attachment"), id + ": an attachment");
                    return true;
                }
                assertTrue((status == 400 || status == 403) && String.valueOf(answer.get(2))
                        .contains("You are not allowed to"), id + ": neither downloaded nor refused: " + status);
                return false;
            }
            case "s3:DeleteObject" -> {
                web.get(consoleBase().resolve("/buckets/" + bucket).toString());
                Browser.go(web, web.findElement(By.cssSelector("button[aria-label='Delete " + key + "']")));
                if (web.getCurrentUrl().contains("n=deleted")) {
                    return true;
                }
                assertTrue(refusedOnPage(web, id), id + ": neither deleted nor refused");
                return false;
            }
            default -> throw new AssertionError("no Chromium replay for " + action + " (" + id + ")");
        }
    }

    /** Whether the page shows the console's refusal ("You are not allowed to ...") in its error box. */
    private static boolean refusedOnPage(WebDriver web, String id) {
        return web.findElements(By.id("errors")).stream().map(WebElement::getText)
                .anyMatch(t -> t.contains("You are not allowed to"));
    }

}
