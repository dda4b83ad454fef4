package dev.dualkey.gateway.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.authz.RequestContextBuilder;
import dev.dualkey.gateway.authz.RequestOrigin;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.gateway.console.PolicyAuthorizer;
import dev.dualkey.gateway.console.page.ConsoleUser;
import dev.dualkey.gateway.iam.IamCaller;
import dev.dualkey.gateway.iam.IamResponse;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One policy, one decision: the S3 API's context, the IAM API's and the console's go through the same authorizer
 * over the real identity store, with the same condition keys, and agree row by row.
 */
class OneDecisionTest {
    private static final String ROOT_KEY = "AKIADUALKEYTESTROOT1";
    private static final String ROOT_SECRET = "dualkeyTestRootSecretKey0000000000000001";
    private static final String POLICY = """
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Action":["s3:*","iam:GetUser"],"Resource":"*"},
             {"Effect":"Deny","Action":["s3:GetObject","iam:GetUser"],"Resource":"*",
              "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
             {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::alpha/*",
              "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},
             {"Effect":"Deny","Action":"s3:ListBucketVersions","Resource":"arn:aws:s3:::alpha",
              "Condition":{"StringLike":{"s3:prefix":"private/*"}}},
             {"Effect":"Deny","Action":"s3:GetObjectVersion","Resource":"arn:aws:s3:::alpha/*",
              "Condition":{"StringEquals":{"s3:VersionId":"v-secret"}}}]}""";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T07:00:00Z"));
    private StorageEngine engine;
    private IdentitySetup.Wired wired;
    private String account;

    @BeforeEach
    void open() {
        engine = StorageEngine.open(dir, IdentityStore.FAMILIES);
        wired = IdentitySetup.withRootKeys(ROOT_KEY, ROOT_SECRET)
                .passwordHashing(PasswordHasher.Params.forTests())
                .wire(engine.database(), dir, engine.objectStore(), clock);
        account = wired.credentials().lookup(ROOT_KEY).orElseThrow().principal().accountId();
        engine.objectStore().createBucket("alpha", account, "us-east-1");
        var ids = wired.store().identity();
        // Created as "Alice": requests naming "alice" must still evaluate as the stored user.
        ids.createUser(Actor.operator(), account, null, "Alice", null);
        ids.putUserPolicy(Actor.operator(), account, "Alice", "p", POLICY);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    /** The S3 API's decision for a long-term key (no MFA keys) over TLS or not. */
    private boolean api(boolean tls, String action, String resource, Map<String, String> keys) {
        return wired.authorizer().allows(RequestContextBuilder.of(Subject.of(Principal.user(account, "Alice")), clock)
                .origin(RequestOrigin.transport(tls, "127.0.0.1")).keys(keys).build(new Check(action, resource)));
    }

    /** The console's decision for a session signed in with or without a code. */
    private boolean console(boolean tls, boolean mfa, String action, String resource, Map<String, String> keys) {
        ConsoleUser user = new ConsoleUser(account, null, "Alice", "token", mfa,
                mfa ? clock.instant().minusSeconds(30) : null);
        return new PolicyAuthorizer(wired.authorizer(), clock, tls).allowed(user, action, resource, keys);
    }

    @Test
    void apiAndConsoleAgreeRowByRow() {
        String obj = "arn:aws:s3:::alpha/k";
        // aws:SecureTransport: denied over plain HTTP on both, allowed over TLS on both.
        assertEquals(false, api(false, "s3:GetObject", obj, Map.of()));
        assertEquals(false, console(false, true, "s3:GetObject", obj, Map.of()));
        assertEquals(true, api(true, "s3:GetObject", obj, Map.of()));
        assertEquals(true, console(true, true, "s3:GetObject", obj, Map.of()));
        // s3:prefix of a listing.
        Map<String, String> priv = Map.of("s3:prefix", "private/", "s3:delimiter", "/");
        Map<String, String> pub = Map.of("s3:prefix", "public/", "s3:delimiter", "/");
        assertEquals(false, api(true, "s3:ListBucketVersions", "arn:aws:s3:::alpha", priv));
        assertEquals(false, console(true, true, "s3:ListBucketVersions", "arn:aws:s3:::alpha", priv));
        assertEquals(true, api(true, "s3:ListBucketVersions", "arn:aws:s3:::alpha", pub));
        assertEquals(true, console(true, true, "s3:ListBucketVersions", "arn:aws:s3:::alpha", pub));
        // s3:VersionId.
        Map<String, String> secret = Map.of("s3:VersionId", "v-secret");
        assertEquals(false, api(true, "s3:GetObjectVersion", obj, secret));
        assertEquals(false, console(true, true, "s3:GetObjectVersion", obj, secret));
        assertEquals(true, api(true, "s3:GetObjectVersion", obj, Map.of("s3:VersionId", "v-other")));
    }

    @Test
    void mfaPresenceFollowsTheCredentials() {
        String obj = "arn:aws:s3:::alpha/k";
        // A long-term key has no aws:MultiFactorAuthPresent: BoolIfExists false matches, the delete is denied.
        assertEquals(false, api(true, "s3:DeleteObject", obj, Map.of()));
        // A console session that took a code is MFA-present; one that did not is not.
        assertEquals(true, console(true, true, "s3:DeleteObject", obj, Map.of()));
        assertEquals(false, console(true, false, "s3:DeleteObject", obj, Map.of()));
        // An STS session with MFA (the seam the STS branch fills) decides like the console's.
        Principal session = new Principal(account, "Alice", false, "arn:aws:iam::" + account + ":user/Alice", true,
                clock.instant().minusSeconds(60));
        assertEquals(true, wired.authorizer().allows(RequestContextBuilder.of(Subject.of(session), clock)
                .origin(RequestOrigin.transport(true, null)).build(new Check("s3:DeleteObject", obj))));
    }

    @Test
    void otherAccountsBucketsAndDeletedUsersAreDenied() {
        assertEquals(false, wired.authorizer().allows(RequestContextBuilder.of(
                Subject.of(Principal.root("999999999999")), clock).build(new Check("s3:GetObject",
                "arn:aws:s3:::alpha/k"))));
        wired.store().identity().deleteUserPolicy(Actor.operator(), account, "Alice", "p");
        wired.store().identity().deleteUser(Actor.operator(), account, "Alice");
        assertEquals(false, api(true, "s3:ListBucket", "arn:aws:s3:::alpha", Map.of()));
    }

    @Test
    void iamApiHonoursSecureTransport() {
        IamUser alice = wired.store().identity().findUser(account, "Alice").orElseThrow();
        IamCaller caller = new IamCaller(account, alice.userName(), "/");
        byte[] form = "Version=2010-05-08&Action=GetUser".getBytes(StandardCharsets.UTF_8);
        IamResponse plain = wired.iam().handle("POST", "application/x-www-form-urlencoded", "", form, caller,
                "AKIATEST", "r1", "127.0.0.1", false);
        assertEquals(403, plain.status());
        assertEquals(true, new String(plain.body(), StandardCharsets.UTF_8).contains("<Code>AccessDenied</Code>"));
        IamResponse tls = wired.iam().handle("POST", "application/x-www-form-urlencoded", "", form, caller,
                "AKIATEST", "r2", "127.0.0.1", true);
        assertEquals(200, tls.status());
    }
}
