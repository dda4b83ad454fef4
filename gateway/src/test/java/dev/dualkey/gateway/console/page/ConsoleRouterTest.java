package dev.dualkey.gateway.console.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.console.web.StreamingBody;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.StorageEngine;

/**
 * The router's shared rules (session, CSRF, origin) and the bucket pages over a real RocksDB object store.
 * Sign-in itself runs against mfa in the browser tests; here a session table stands in for it.
 */
class ConsoleRouterTest {
    private static final String ACCOUNT = "111111111111";
    private static final String SESSION = "session-token-abcdefghijklmnop";

    @TempDir
    Path dir;

    private StorageEngine engine;
    private ObjectStore store;
    private CsrfGuard csrf;
    private ConsoleRouter router;
    private final Map<String, ConsoleUser> sessions = new HashMap<>();
    private final List<String> mfaChecks = new ArrayList<>();
    private String acceptedCode = "123456";

    @BeforeEach
    void setUp() {
        engine = StorageEngine.open(dir, List.of());
        store = engine.objectStore();
        csrf = new CsrfGuard(new SecureRandom());
        sessions.put(SESSION, new ConsoleUser(ACCOUNT, null, null, SESSION, true));
        ConsoleAuth auth = (ConsoleAuth) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConsoleAuth.class}, (p, m, a) -> {
                    if (m.getName().equals("session")) {
                        return sessions.get((String) a[0]);
                    }
                    throw new AssertionError("unexpected " + m.getName());
                });
        IdentityDirectory directory = (IdentityDirectory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {IdentityDirectory.class}, (p, m, a) -> {
                    if (m.getName().equals("devices")) {
                        return List.of(new IdentityDirectory.Device("arn:aws:iam::" + ACCOUNT + ":mfa/root", true, null));
                    }
                    if (m.getName().equals("allowed")) {
                        return ((ConsoleUser) a[0]).isRoot(); // the IAM operations' decision, root-only here
                    }
                    throw new AssertionError("unexpected " + m.getName());
                });
        Authorizer rootOnly = (user, action, resource) -> user.isRoot();
        MfaDeleteCheck check = new MfaDeleteCheck() {
            @Override
            public boolean required(BucketInfo bucket, Operation op, MfaDeleteState requested) {
                return bucket.mfaDelete() == MfaDeleteState.ENABLED && op != Operation.DELETE_OBJECT
                        || (op == Operation.PUT_VERSIONING && requested != null);
            }

            @Override
            public String check(ConsoleUser user, BucketInfo bucket, Operation op, MfaDeleteState after, String key,
                                String versionId, String serial, String code) {
                mfaChecks.add(op + " " + serial + " " + code);
                return code.equals(acceptedCode) ? null : "The MFA code is not valid.";
            }
        };
        PageRenderer renderer = new PageRenderer(csrf);
        MfaProtectedPages mfa = new MfaProtectedPages(store, rootOnly, check,
                u -> List.of("arn:aws:iam::" + ACCOUNT + ":mfa/root"));
        router = new ConsoleRouter(auth, csrf, renderer, new SignInPages(auth, renderer, csrf, new SecureRandom()),
                new BucketPages(store, rootOnly, renderer, "us-east-1", mfa), mfa,
                new CredentialPages(directory, rootOnly, renderer), new UserPages(directory, rootOnly, renderer));
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    private ConsoleRequest get(String path, String query, boolean signedIn) {
        return new ConsoleRequest("GET", path, FormData.parse(query), FormData.EMPTY,
                signedIn ? Map.of("dk_session", SESSION) : Map.of(), "127.0.0.1:9001", null, "127.0.0.1", false);
    }

    private ConsoleRequest post(String path, Map<String, String> form, String origin) {
        return new ConsoleRequest("POST", path, FormData.EMPTY, FormData.of(form), Map.of("dk_session", SESSION),
                "127.0.0.1:9001", origin, "127.0.0.1", false);
    }

    private Map<String, String> withCsrf(Map<String, String> form) {
        Map<String, String> m = new HashMap<>(form);
        m.put("csrf", csrf.token(SESSION));
        return m;
    }

    @Test
    void pagesNeedASessionAndPublicPagesDoNot() {
        ConsoleResponse r = router.handle(get("/buckets", "", false));
        assertEquals(303, r.status());
        assertEquals("/signin?n=expired", r.header("Location"));
        sessions.clear();
        assertEquals("/signin?n=expired", router.handle(get("/buckets", "", true)).header("Location"));
        ConsoleResponse signin = router.handle(get("/signin", "", false));
        assertEquals(200, signin.status());
        assertTrue(signin.bodyText().contains("name=\"csrf\""));
        assertTrue(signin.headerValues("Set-Cookie").get(0).startsWith("dk_pre="));
        assertEquals(200, router.handle(get("/static/console.css", "", false)).status());
        assertEquals(404, router.handle(get("/static/../x", "", false)).status());
    }

    @Test
    void postWithoutValidCsrfTokenIsRefusedAndChangesNothing() {
        ConsoleResponse r = router.handle(post("/buckets", Map.of("name", "refused-bucket"), null));
        assertEquals(403, r.status());
        assertTrue(r.bodyText().contains("nothing was changed"));
        ConsoleResponse forged = router.handle(post("/buckets", Map.of("name", "refused-bucket", "csrf",
                new CsrfGuard(new SecureRandom()).token(SESSION)), null));
        assertEquals(403, forged.status());
        assertTrue(store.listBuckets(ACCOUNT).isEmpty());
    }

    @Test
    void postFromAnotherOriginIsRefused() {
        ConsoleResponse r = router.handle(post("/buckets", withCsrf(Map.of("name", "cross-site")),
                "http://evil.example"));
        assertEquals(403, r.status());
        assertTrue(store.listBuckets(ACCOUNT).isEmpty());
    }

    @Test
    void createBucketRedirectsAndListShowsIt() {
        ConsoleResponse r = router.handle(post("/buckets", withCsrf(Map.of("name", "photos")), "http://127.0.0.1:9001"));
        assertEquals(303, r.status());
        assertEquals("/buckets?n=created&name=photos", r.header("Location"));
        ConsoleResponse list = router.handle(get("/buckets", "n=created&name=photos", true));
        assertEquals(200, list.status());
        assertTrue(list.bodyText().contains("href=\"/buckets/photos\""));
        assertTrue(list.bodyText().contains("Bucket photos was created."));
        ConsoleResponse bad = router.handle(post("/buckets", withCsrf(Map.of("name", "Bad_Name")), null));
        assertEquals(400, bad.status());
        assertTrue(bad.bodyText().contains("That bucket name is not allowed"));
    }

    @Test
    void objectKeysAndNoticesAreEscaped() {
        store.createBucket("xss", ACCOUNT, "us-east-1");
        put("xss", "<img src=x onerror=alert(1)>.txt", "hi");
        ConsoleResponse page = router.handle(get("/buckets/xss", "n=uploaded&name=<script>alert(2)</script>", true));
        assertEquals(200, page.status());
        String html = page.bodyText();
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;.txt"));
        assertFalse(html.contains("<img src=x"));
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt; was uploaded."));
    }

    @Test
    void downloadStreamsTheVersionAsAnAttachment() throws Exception {
        store.createBucket("docs", ACCOUNT, "us-east-1");
        put("docs", "reports/q1 ü.html", "<h1>report</h1>");
        ConsoleResponse r = router.handle(get("/buckets/docs/object", "key=reports%2Fq1%20%C3%BC.html", true));
        assertEquals(200, r.status());
        assertEquals("application/octet-stream", r.header("Content-Type"));
        assertEquals("attachment; filename=\"q1 _.html\"; filename*=UTF-8''q1%20%C3%BC.html",
                r.header("Content-Disposition"));
        StreamingBody body = r.stream();
        assertNotNull(body);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4];
        for (int n; (n = body.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
        }
        body.close();
        assertEquals("<h1>report</h1>", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void deleteCreatesAMarkerInAVersionedBucket() {
        store.createBucket("versioned", ACCOUNT, "us-east-1");
        store.updateBucket("versioned", c -> c.withVersioning(VersioningState.ENABLED));
        put("versioned", "a.txt", "v1");
        ConsoleResponse r = router.handle(post("/buckets/versioned/delete", withCsrf(Map.of("key", "a.txt",
                "prefix", "")), null));
        assertEquals(303, r.status());
        var versions = store.listObjectVersions("versioned", new ListVersionsQuery("", null, null, null, 10)).versions();
        assertEquals(2, versions.size());
        assertTrue(versions.get(0).deleteMarker());
    }

    @Test
    void permanentVersionDeleteGoesThroughTheMfaCheck() {
        store.createBucket("vault", ACCOUNT, "us-east-1");
        store.updateBucket("vault", c -> c.withVersioning(VersioningState.ENABLED).withMfaDelete(MfaDeleteState.ENABLED));
        String versionId = put("vault", "secret.txt", "keep me");
        ConsoleResponse wrong = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", "000000")), null));
        assertEquals(400, wrong.status());
        assertTrue(wrong.bodyText().contains("The MFA code is not valid."));
        assertEquals(1, store.listObjectVersions("vault", new ListVersionsQuery("", null, null, null, 10)).versions().size());
        ConsoleResponse ok = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", "123456")), null));
        assertEquals(303, ok.status());
        assertTrue(store.listObjectVersions("vault", new ListVersionsQuery("", null, null, null, 10)).versions().isEmpty());
        assertEquals(List.of("DELETE_VERSION arn:aws:iam::" + ACCOUNT + ":mfa/root 000000",
                "DELETE_VERSION arn:aws:iam::" + ACCOUNT + ":mfa/root 123456"), mfaChecks);
    }

    @Test
    void turningMfaDeleteOnNeedsACode() {
        store.createBucket("turn-on", ACCOUNT, "us-east-1");
        ConsoleResponse refused = router.handle(post("/buckets/turn-on/versioning", withCsrf(Map.of("status", "Enabled",
                "mfaDelete", "Enabled", "code", "")), null));
        assertEquals(400, refused.status());
        assertEquals(MfaDeleteState.NEVER_CONFIGURED, store.headBucket("turn-on").mfaDelete());
        ConsoleResponse ok = router.handle(post("/buckets/turn-on/versioning", withCsrf(Map.of("status", "Enabled",
                "mfaDelete", "Enabled", "code", "123456")), null));
        assertEquals(303, ok.status());
        assertEquals(MfaDeleteState.ENABLED, store.headBucket("turn-on").mfaDelete());
        assertEquals(VersioningState.ENABLED, store.headBucket("turn-on").versioning());
    }

    @Test
    void otherAccountsBucketsLookAbsent() {
        store.createBucket("someone-else", "222222222222", "us-east-1");
        assertEquals(404, router.handle(get("/buckets/someone-else", "", true)).status());
        assertNull(router.handle(get("/buckets", "", true)).bodyText().contains("someone-else") ? "listed" : null);
    }

    private String put(String bucket, String key, String content) {
        ObjectWriter w = store.newObjectWriter(bucket, key, ObjectMetadata.empty(), WriteOptions.defaults());
        w.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        return w.commit(Expectations.none()).versionId();
    }
}
