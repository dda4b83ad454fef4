package dev.dualkey.compat.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Console sign-in over plain HTTP as a browser does it: GET the form (CSRF token, pre-sign-in cookie), POST the
 * password, follow to the MFA page, POST the code. Redirects are not followed, so each answer can be asserted.
 */
final class ConsoleSignIn {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private final URI base;
    private final HttpClient http;

    ConsoleSignIn(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The status and Location of the answer to the root password step (303 to /signin/mfa when a code is due). */
    HttpResponse<String> password(String accountId, String password) {
        String csrf = csrfOf(get("/signin"));
        return post("/signin", Map.of("account", accountId, "password", password, "csrf", csrf));
    }

    /** The answer to the code step: 303 to /buckets when signed in, 403 with the page again when refused. */
    HttpResponse<String> code(String code) {
        String csrf = csrfOf(get("/signin/mfa"));
        return post("/signin/mfa", Map.of("code", code, "csrf", csrf));
    }

    /** The answer to an IAM user's password step ({@code /a/ACCOUNT}): 303 to /buckets when signed in. */
    HttpResponse<String> userPassword(String accountId, String userName, String password) {
        String csrf = csrfOf(get("/a/" + accountId));
        return post("/a/" + accountId, Map.of("username", userName, "password", password, "csrf", csrf));
    }

    /** A signed-in GET (the session cookie travels), redirects not followed. */
    HttpResponse<String> page(String path) {
        return get(path);
    }

    /** A form POST with this client's cookies; {@code origin} (null: none) as the browser would send it. */
    HttpResponse<String> submit(String path, Map<String, String> form, String origin) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return send(b.build());
    }

    /** The CSRF token of the form on a signed-in page. */
    String csrfOn(String path) {
        return csrfOf(get(path));
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    private HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String csrfOf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        if (page.statusCode() != 200 || !m.find()) {
            throw new AssertionError("no sign-in form: " + page.statusCode() + " " + page.headers().map());
        }
        return m.group(1);
    }
}
