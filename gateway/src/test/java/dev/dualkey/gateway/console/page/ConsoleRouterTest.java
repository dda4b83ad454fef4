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
import dev.dualkey.gateway.protect.ProtectedFixture;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.VersioningState;

/**
 * The router's shared rules (session, CSRF, origin) and the bucket pages over a real RocksDB object store.
 * Sign-in itself runs against mfa in the browser tests; here a session table stands in for it.
 */
class ConsoleRouterTest {
    private static final String SESSION = "session-token-abcdefghijklmnop";
    private static final String USER_SESSION = "session-token-of-alice-qrstuvw";

    @TempDir
    Path dir;

    private ProtectedFixture f;
    private String account;
    private ObjectStore store;
    private CsrfGuard csrf;
    private ConsoleRouter router;
    private BucketPages bucketPages;
    private final Map<String, ConsoleUser> sessions = new HashMap<>();

    @BeforeEach
    void setUp() {
        // the real service over a real store and the real verifier, codes from the fixture's fixed clock
        f = new ProtectedFixture(dir);
        account = f.owner;
        store = f.store;
        csrf = new CsrfGuard(new SecureRandom());
        sessions.put(SESSION, new ConsoleUser(account, null, null, SESSION, true));
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
                        return List.of(new IdentityDirectory.Device(f.serial, true, null));
                    }
                    if (m.getName().equals("allowed")) {
                        return ((ConsoleUser) a[0]).isRoot(); // the IAM operations' decision, root-only here
                    }
                    throw new AssertionError("unexpected " + m.getName());
                });
        // root may do anything; an IAM user ("alice") may do everything on buckets (MFA Delete still applies)
        Authorizer rootOnly = (user, action, resource) -> user.isRoot() || action.startsWith("s3:");
        sessions.put(USER_SESSION, new ConsoleUser(account, null, "alice", USER_SESSION, false));
        PageRenderer renderer = new PageRenderer(csrf);
        MfaProtectedPages mfa = new MfaProtectedPages(rootOnly, f.protect, true,
                u -> u.isRoot() ? List.of(f.serial) : List.of());
        router = new ConsoleRouter(auth, csrf, renderer, new SignInPages(auth, renderer, csrf, new SecureRandom()),
                bucketPages = new BucketPages(store, rootOnly, renderer, "us-east-1", mfa), mfa,
                new CredentialPages(directory, rootOnly, renderer), new UserPages(directory, rootOnly, renderer));
    }

    @AfterEach
    void tearDown() {
        f.close();
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
        assertTrue(store.listBuckets(account).isEmpty());
    }

    @Test
    void postFromAnotherOriginIsRefused() {
        ConsoleResponse r = router.handle(post("/buckets", withCsrf(Map.of("name", "cross-site")),
                "http://evil.example"));
        assertEquals(403, r.status());
        assertTrue(store.listBuckets(account).isEmpty());
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
    void bucketPageShowsOwnershipAndAclGrants() {
        router.handle(post("/buckets", withCsrf(Map.of("name", "shown")), "http://127.0.0.1:9001"));
        String enforced = router.handle(get("/buckets/shown", "", true)).bodyText();
        assertTrue(enforced.contains("Object Ownership: <strong>BucketOwnerEnforced (ACLs disabled)</strong>"),
                enforced);
        String owner = new dev.dualkey.gateway.acl.DerivedCanonicalIds(List::of).canonicalId(account);
        assertTrue(enforced.contains("Bucket owner <code>" + owner + "</code>"), enforced);
        store.createBucket("public", account, "us-east-1");
        store.updateBucket("public", c -> c.withSubresource("acl", dev.dualkey.gateway.acl.CannedAcl.PUBLIC_READ
                .toAcl(owner, owner, true).encode()));
        String html = router.handle(get("/buckets/public", "", true)).bodyText();
        assertTrue(html.contains("not set (ACLs enabled"), html);
        assertTrue(html.contains("Everyone (public, AllUsers)</td><td><code>READ</code>"), html);
    }

    @Test
    void objectKeysAndNoticesAreEscaped() {
        store.createBucket("xss", account, "us-east-1");
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
        store.createBucket("docs", account, "us-east-1");
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
        store.createBucket("versioned", account, "us-east-1");
        store.updateBucket("versioned", c -> c.withVersioning(VersioningState.ENABLED));
        put("versioned", "a.txt", "v1");
        ConsoleResponse r = router.handle(post("/buckets/versioned/delete", withCsrf(Map.of("key", "a.txt",
                "prefix", "")), null));
        assertEquals(303, r.status());
        var versions = store.listObjectVersions("versioned", new ListVersionsQuery("", null, null, null, 10)).versions();
        assertEquals(2, versions.size());
        assertTrue(versions.get(0).deleteMarker());
    }

    private ConsoleResponse post(String session, String path, Map<String, String> form) {
        Map<String, String> m = new HashMap<>(form);
        m.put("csrf", csrf.token(session));
        return router.handle(new ConsoleRequest("POST", path, FormData.EMPTY, FormData.of(m),
                Map.of("dk_session", session), "127.0.0.1:9001", null, "127.0.0.1", false));
    }

    private int versionCount(String bucket) {
        return store.listObjectVersions(bucket, new ListVersionsQuery("", null, null, null, 100)).versions().size();
    }

    private List<String> auditOutcomes(String bucket) {
        return f.audit(bucket).stream().map(r -> r.outcome()).toList();
    }

    @Test
    void permanentVersionDeleteGoesThroughTheRealGate() {
        store.createBucket("vault", account, "us-east-1");
        store.updateBucket("vault", c -> c.withVersioning(VersioningState.ENABLED).withMfaDelete(MfaDeleteState.ENABLED));
        String versionId = put("vault", "secret.txt", "keep me");
        String wrongCode = f.codeAt(0).equals("000000") ? "111111" : "000000";
        ConsoleResponse wrong = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", wrongCode)), null));
        assertEquals(400, wrong.status());
        assertTrue(wrong.bodyText().contains("The MFA code was not accepted."));
        assertEquals(1, versionCount("vault"));
        String code = f.freshCode();
        ConsoleResponse ok = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", code)), null));
        assertEquals(303, ok.status());
        assertEquals(0, versionCount("vault"));
        assertEquals(List.of("INVALID", "ACCEPTED"), auditOutcomes("vault"));
        // the same code again is refused, as over S3
        String v2 = put("vault", "secret.txt", "again");
        ConsoleResponse replay = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key",
                "secret.txt", "versionId", v2, "prefix", "", "code", code)), null));
        assertEquals(400, replay.status());
        assertEquals(1, versionCount("vault"));
    }

    @Test
    void anIamUsersVersionDeleteIsRefusedAsNotTheOwnerWithoutBurningRootsCode() {
        store.createBucket("vault", account, "us-east-1");
        store.updateBucket("vault", c -> c.withVersioning(VersioningState.ENABLED).withMfaDelete(MfaDeleteState.ENABLED));
        String versionId = put("vault", "secret.txt", "keep me");
        ConsoleResponse none = post(USER_SESSION, "/buckets/vault/delete-version", Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", ""));
        assertEquals(400, none.status());
        assertTrue(none.bodyText().contains("This needs an MFA code."));
        String code = f.freshCode();
        ConsoleResponse withCode = post(USER_SESSION, "/buckets/vault/delete-version", Map.of("key", "secret.txt",
                "versionId", versionId, "prefix", "", "code", code, "serial", f.serial));
        assertEquals(400, withCode.status());
        assertTrue(withCode.bodyText().contains("Only the bucket owner&#39;s root user")
                || withCode.bodyText().contains("Only the bucket owner"), withCode.bodyText());
        assertEquals(1, versionCount("vault"));
        assertEquals(List.of("DENIED", "DENIED"), auditOutcomes("vault"));
        ConsoleResponse root = router.handle(post("/buckets/vault/delete-version", withCsrf(Map.of("key",
                "secret.txt", "versionId", versionId, "prefix", "", "code", code)), null));
        assertEquals(303, root.status(), "root's code was not consumed by the refused attempt");
    }

    @Test
    void turningMfaDeleteOnNeedsACode() {
        store.createBucket("turn-on", account, "us-east-1");
        ConsoleResponse refused = router.handle(post("/buckets/turn-on/versioning", withCsrf(Map.of("status", "Enabled",
                "mfaDelete", "Enabled", "code", "")), null));
        assertEquals(400, refused.status());
        assertEquals(MfaDeleteState.NEVER_CONFIGURED, store.headBucket("turn-on").mfaDelete());
        ConsoleResponse ok = router.handle(post("/buckets/turn-on/versioning", withCsrf(Map.of("status", "Enabled",
                "mfaDelete", "Enabled", "code", f.freshCode())), null));
        assertEquals(303, ok.status());
        assertEquals(MfaDeleteState.ENABLED, store.headBucket("turn-on").mfaDelete());
        assertEquals(VersioningState.ENABLED, store.headBucket("turn-on").versioning());
    }

    @Test
    void anIamUsersStaleVersioningFormCannotTurnMfaDeleteBackOff() {
        store.createBucket("race", account, "us-east-1");
        store.updateBucket("race", c -> c.withVersioning(VersioningState.ENABLED));
        // root turns MFA Delete on; alice's form was drawn before and says "Suspended, MFA Delete off"
        assertEquals(303, router.handle(post("/buckets/race/versioning", withCsrf(Map.of("status", "Enabled",
                "mfaDelete", "Enabled", "code", f.freshCode())), null)).status());
        for (String status : List.of("Suspended", "Enabled")) {
            ConsoleResponse r = post(USER_SESSION, "/buckets/race/versioning", Map.of("status", status,
                    "mfaDelete", "Disabled", "code", ""));
            assertEquals(400, r.status());
            assertEquals(MfaDeleteState.ENABLED, store.headBucket("race").mfaDelete());
        }
        assertEquals(VersioningState.ENABLED, store.headBucket("race").versioning());
    }

    @Test
    void plainDeleteOnASuspendedProtectedBucketIsRefusedInsideTheDelete() {
        store.createBucket("susp", account, "us-east-1");
        store.updateBucket("susp", c -> c.withVersioning(VersioningState.SUSPENDED)
                .withMfaDelete(MfaDeleteState.ENABLED));
        put("susp", "a.txt", "null version");
        ConsoleResponse r = post(USER_SESSION, "/buckets/susp/delete", Map.of("key", "a.txt", "prefix", ""));
        assertEquals(400, r.status());
        assertTrue(r.bodyText().contains("permanently remove its null version"));
        assertEquals(1, versionCount("susp"));
        assertFalse(store.headObject("susp", "a.txt", null).deleteMarker());
    }

    @Test
    void uploadOverTheNullVersionNeedsTheCodeAndANewKeyDoesNot() throws Exception {
        store.createBucket("susp", account, "us-east-1");
        store.updateBucket("susp", c -> c.withVersioning(VersioningState.SUSPENDED)
                .withMfaDelete(MfaDeleteState.ENABLED));
        assertTrue(router.handle(get("/buckets/susp", "", true)).bodyText().contains("upload-code"));
        assertEquals(303, upload(SESSION, "susp", "a.txt", "first", "").status());
        ConsoleResponse refused = upload(SESSION, "susp", "a.txt", "evil", "");
        assertEquals(400, refused.status());
        assertTrue(refused.bodyText().contains("would replace its null version"));
        assertEquals("first", read("susp", "a.txt"));
        assertEquals(400, upload(USER_SESSION, "susp", "a.txt", "evil", f.freshCode()).status());
        assertEquals("first", read("susp", "a.txt"));
        assertEquals(303, upload(SESSION, "susp", "a.txt", "second", f.freshCode()).status());
        assertEquals("second", read("susp", "a.txt"));
    }

    private ConsoleResponse upload(String session, String bucket, String name, String body, String code)
            throws java.io.IOException {
        ConsoleUser user = sessions.get(session);
        ConsoleRequest req = new ConsoleRequest("POST", "/buckets/" + bucket + "/upload", FormData.EMPTY,
                FormData.of(Map.of("prefix", "", "code", code)), Map.of("dk_session", session), "127.0.0.1:9001",
                null, "127.0.0.1", false);
        try {
            var sink = bucketPages.beginUpload(req, user, true, bucket, name, "text/plain");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            sink.write(bytes, 0, bytes.length);
            return sink.commit();
        } catch (dev.dualkey.gateway.console.web.UploadRefusedException e) {
            return e.response();
        }
    }

    private String read(String bucket, String key) throws Exception {
        try (var r = store.openObject(bucket, key, null)) {
            return new String(r.openStream().readAllBytes(), StandardCharsets.UTF_8);
        }
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
