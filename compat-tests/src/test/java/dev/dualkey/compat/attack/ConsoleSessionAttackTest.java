package dev.dualkey.compat.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.compat.console.ConsoleFixture;
import dev.dualkey.mfa.audit.Actor;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, finding 6, replayed over HTTP against the console: a session cookie must not outlive what it
 * stands on. After a password change (ChangePassword, UpdateLoginProfile by an administrator, the console's
 * own form, {@code admin reset-root-password}), a deleted login profile, or a deleted user (even when a user of
 * the same name in another case is created), the old cookie is refused: the console sends it back to sign-in.
 */
class ConsoleSessionAttackTest {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final String PW = "Alice-Passw0rd-Console";

    private ConsoleFixture fx;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() {
        fx = new ConsoleFixture();
        fx.createUser("alice", PW);
        // Alice may change her own password, as AWS's IAMUserChangePassword managed policy allows.
        fx.putPolicy("alice", "own-password", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ChangePassword",
                "Resource":"arn:aws:iam::*:user/${aws:username}"}]}""");
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> cookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).filter(v -> !v.isEmpty()).findFirst();
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "a form with a CSRF token");
        return m.group(1);
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    /** Signs in through the console's own forms and returns the session cookie's value. */
    private String signIn(String user, String password) {
        String path = user == null ? "/signin" : "/a/" + fx.accountId;
        HttpResponse<String> page = send(HttpRequest.newBuilder(fx.url(path)).GET());
        String pre = cookie(page, "dk_pre").orElseThrow();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("csrf", csrf(page.body()));
        if (user == null) {
            f.put("account", fx.accountId);
        } else {
            f.put("username", user);
        }
        f.put("password", password);
        HttpResponse<String> r = send(HttpRequest.newBuilder(fx.url(path))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "dk_pre=" + pre)
                .POST(HttpRequest.BodyPublishers.ofString(form(f))));
        assertEquals(303, r.statusCode(), r.body());
        return cookie(r, "dk_session").orElseThrow(() -> new AssertionError("no session cookie: " + r.headers()));
    }

    private HttpResponse<String> page(String session) {
        return send(HttpRequest.newBuilder(fx.url("/security-credentials")).header("Cookie", "dk_session=" + session)
                .GET());
    }

    private void assertWorks(String session) {
        assertEquals(200, page(session).statusCode());
    }

    private void assertEnded(String session) {
        HttpResponse<String> r = page(session);
        assertEquals(303, r.statusCode(), "the cookie still opens the console");
        assertEquals("/signin?n=expired", r.headers().firstValue("Location").orElse(""));
    }

    @Test
    void anAdministratorsPasswordResetEndsEverySession() {
        String a = signIn("alice", PW);
        String b = signIn("alice", PW);
        assertWorks(a);
        fx.mfa.identity().updateLoginProfile(Actor.operator(), fx.accountId, "ALICE", "Reset-Passw0rd-Console", null);
        assertEnded(a);
        assertEnded(b);
        assertWorks(signIn("alice", "Reset-Passw0rd-Console"));
    }

    @Test
    void changePasswordThroughTheApiEndsTheSession() {
        String a = signIn("alice", PW);
        fx.mfa.identity().changePassword(Actor.operator(), fx.accountId, "alice", PW, "Changed-Passw0rd-Console");
        assertEnded(a);
    }

    @Test
    void deletingTheLoginProfileEndsTheSessionForGood() {
        String a = signIn("alice", PW);
        fx.mfa.identity().deleteLoginProfile(Actor.operator(), fx.accountId, "alice");
        assertEnded(a);
        fx.mfa.identity().createLoginProfile(Actor.operator(), fx.accountId, "alice", PW, false);
        assertEnded(a);
    }

    @Test
    void aDeletedUsersCookieNeverWorksForTheNewUserOfTheSameName() {
        String a = signIn("alice", PW);
        fx.mfa.identity().deleteLoginProfile(Actor.operator(), fx.accountId, "alice");
        fx.mfa.identity().deleteUserPolicy(Actor.operator(), fx.accountId, "alice", "own-password");
        fx.mfa.identity().deleteUser(Actor.operator(), fx.accountId, "alice");
        fx.createUser("ALICE", PW);
        fx.putPolicy("ALICE", "admin", """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        assertEnded(a);
        assertWorks(signIn("ALICE", PW));
    }

    @Test
    void resettingRootsPasswordEndsRootsSessions() {
        String root = signIn(null, ConsoleFixture.ROOT_PASSWORD);
        assertWorks(root);
        fx.mfa.operator().resetRootPassword(fx.accountId, "Operator-Reset-Passw0rd-9");
        assertEnded(root);
    }

    @Test
    void theConsolesOwnChangeKeepsOnlyTheCurrentSession() {
        String current = signIn("alice", PW);
        String stolen = signIn("alice", PW);
        HttpResponse<String> overview = page(current);
        HttpResponse<String> r = send(HttpRequest.newBuilder(fx.url("/security-credentials/password"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "dk_session=" + current)
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("csrf", csrf(overview.body()),
                        "oldPassword", PW, "newPassword", "Own-New-Passw0rd-Console",
                        "confirmPassword", "Own-New-Passw0rd-Console")))));
        assertEquals(303, r.statusCode(), r.body());
        String reissued = cookie(r, "dk_session").orElse(null);
        assertNotNull(reissued, "the current session is re-issued");
        assertNotEquals(current, reissued);
        assertWorks(reissued);
        assertEnded(current);
        assertEnded(stolen);
    }
}
