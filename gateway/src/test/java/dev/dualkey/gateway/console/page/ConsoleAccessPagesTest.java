package dev.dualkey.gateway.console.page;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.authz.PublicAccessBlock;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.CsrfGuard;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.gateway.protect.ProtectedFixture;
import dev.dualkey.storage.ObjectStore;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bucket permissions page: owner, ACL, ownership, Block Public Access and the policy, which the owner edits
 * with the API's validation and messages, behind CSRF and the one authorizer.
 */
class ConsoleAccessPagesTest {
    private static final String SESSION = "session-token-abcdefghijklmnop";
    private static final String USER_SESSION = "session-token-of-alice-qrstuvw";
    private static final String PUBLIC = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Web\",\"Effect\":"
            + "\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::site/*\"}]}";

    @TempDir
    Path dir;

    private ProtectedFixture f;
    private ObjectStore store;
    private CsrfGuard csrf;
    private ConsoleRouter router;
    private final Map<String, ConsoleUser> sessions = new HashMap<>();

    @BeforeEach
    void setUp() {
        f = new ProtectedFixture(dir);
        store = f.store;
        csrf = new CsrfGuard(new SecureRandom());
        sessions.put(SESSION, new ConsoleUser(f.owner, null, null, SESSION, true));
        sessions.put(USER_SESSION, new ConsoleUser(f.owner, null, "alice", USER_SESSION, false));
        ConsoleAuth auth = (ConsoleAuth) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConsoleAuth.class}, (p, m, a) -> {
                    if (m.getName().equals("session")) {
                        return sessions.get((String) a[0]);
                    }
                    throw new AssertionError("unexpected " + m.getName());
                });
        IdentityDirectory directory = (IdentityDirectory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {IdentityDirectory.class}, (p, m, a) -> {
                    if (m.getName().equals("allowed")) {
                        return ((ConsoleUser) a[0]).isRoot();
                    }
                    throw new AssertionError("unexpected " + m.getName());
                });
        // root may do anything; alice may read the policy but not change it
        Authorizer authz = (user, action, resource) -> user.isRoot() || action.equals("s3:GetBucketPolicy");
        PageRenderer renderer = new PageRenderer(csrf);
        MfaProtectedPages mfa = new MfaProtectedPages(authz, f.protect, true, u -> List.of());
        router = new ConsoleRouter(auth, csrf, renderer, new SignInPages(auth, renderer, csrf, new SecureRandom()),
                new BucketPages(store, authz, renderer, "us-east-1", mfa), mfa,
                new CredentialPages(directory, authz, renderer), new UserPages(directory, authz, renderer),
                p -> !p.contains("999999999999"));
        store.createBucket("site", f.owner, "us-east-1");
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private ConsoleRequest get(String session, String path) {
        int q = path.indexOf('?');
        return new ConsoleRequest("GET", q < 0 ? path : path.substring(0, q),
                q < 0 ? FormData.EMPTY : FormData.parse(path.substring(q + 1)), FormData.EMPTY,
                Map.of("dk_session", session),
                "127.0.0.1:9001", null, "127.0.0.1", false);
    }

    private ConsoleResponse post(String session, Map<String, String> form, boolean withCsrf) {
        Map<String, String> m = new HashMap<>(form);
        if (withCsrf) {
            m.put("csrf", csrf.token(session));
        }
        return router.handle(new ConsoleRequest("POST", "/buckets/site/policy", FormData.EMPTY, FormData.of(m),
                Map.of("dk_session", session), "127.0.0.1:9001", "http://127.0.0.1:9001", "127.0.0.1", false));
    }

    @Test
    void thePageShowsOwnerAclOwnershipAndPublicAccess() {
        store.updateBucket("site", c -> c.withSubresource(PublicAccessBlock.SUBRESOURCE,
                new PublicAccessBlock(true, false, false, true).toDocument()));
        ConsoleResponse r = router.handle(get(SESSION, "/buckets/site/access"));
        assertEquals(200, r.status());
        String html = r.bodyText();
        assertTrue(html.contains(CanonicalIds.of(f.owner)), "owner's canonical id");
        assertTrue(html.contains("FULL_CONTROL"));
        assertTrue(html.contains("Bucket owner enforced"));
        assertTrue(html.contains("RestrictPublicBuckets: <span class=\"badge on\">On"), html);
        assertTrue(html.contains("No policy."));
        assertTrue(router.handle(get(SESSION, "/buckets/site")).bodyText()
                .contains("href=\"/buckets/site/access\""), "the bucket page links to its permissions");
    }

    @Test
    void theOwnerSavesAndDeletesThePolicyWithTheApisValidation() {
        ConsoleResponse bad = post(SESSION, Map.of("policy", PUBLIC.replace("site/*", "other/*")), true);
        assertEquals(400, bad.status());
        assertTrue(bad.bodyText().contains("MalformedPolicy: Policy has invalid resource"), bad.bodyText());
        ConsoleResponse principal = post(SESSION, Map.of("policy", PUBLIC.replace("\"*\"",
                "{\"AWS\":\"999999999999\"}")), true);
        assertTrue(principal.bodyText().contains("Invalid principal in policy"));
        assertNull(store.headBucket("site").config().policyJson());

        ConsoleResponse saved = post(SESSION, Map.of("policy", PUBLIC), true);
        assertEquals(303, saved.status());
        assertEquals(PUBLIC, store.headBucket("site").config().policyJson());
        String page = router.handle(get(SESSION, "/buckets/site/access?n=saved")).bodyText();
        assertTrue(page.contains("Public: the policy grants access to everyone."));
        assertTrue(page.contains("The bucket policy was saved."));

        assertEquals(303, post(SESSION, Map.of("delete", "1", "policy", ""), true).status());
        assertNull(store.headBucket("site").config().policyJson());
    }

    @Test
    void blockPublicPolicyCsrfAndTheAuthorizerHold() {
        store.updateBucket("site", c -> c.withSubresource(PublicAccessBlock.SUBRESOURCE,
                new PublicAccessBlock(false, false, true, false).toDocument()));
        ConsoleResponse blocked = post(SESSION, Map.of("policy", PUBLIC), true);
        assertEquals(400, blocked.status());
        assertTrue(blocked.bodyText().contains("BlockPublicPolicy"));
        assertNull(store.headBucket("site").config().policyJson());

        assertEquals(403, post(SESSION, Map.of("policy", PUBLIC), false).status(), "no CSRF token");
        store.updateBucket("site", c -> c.withSubresource(PublicAccessBlock.SUBRESOURCE, null));
        ConsoleResponse alice = post(USER_SESSION, Map.of("policy", PUBLIC), true);
        assertTrue(alice.bodyText().contains("Access Denied (s3:PutBucketPolicy)"));
        assertNull(store.headBucket("site").config().policyJson());
        assertFalse(router.handle(get(USER_SESSION, "/buckets/site/access")).bodyText()
                .contains("not allowed to read"), "alice may read the policy");
    }
}
