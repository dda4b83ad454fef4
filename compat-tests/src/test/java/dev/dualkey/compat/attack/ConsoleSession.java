package dev.dualkey.compat.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A signed-in web console session driven over plain HTTP, as a browser posts its forms (session cookie, CSRF
 * token from the page): enough for attack tests to post the console's protected forms without a browser.
 */
final class ConsoleSession {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient http;
    private String csrf;

    private ConsoleSession(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Signs an IAM user without an MFA device in with its password (GET then POST {@code /a/{account}}). */
    static ConsoleSession signInIamUser(URI base, String accountId, String userName, String password) {
        ConsoleSession s = new ConsoleSession(base);
        String page = s.get("/a/" + accountId).body();
        HttpResponse<String> r = s.post("/a/" + accountId, csrfOf(page), Map.of("username", userName,
                "password", password));
        if (r.statusCode() != 303 || !"/buckets".equals(r.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError("console sign-in failed: " + r.statusCode() + " " + r.body());
        }
        return s;
    }

    /** GET {@code /buckets/{bucket}} and keep the page's CSRF token for the next posts. */
    String openBucket(String bucket) {
        return open("/buckets/" + bucket);
    }

    /** GET a console page (e.g. {@code /users/alice}) and keep its CSRF token for the next posts. */
    String open(String path) {
        String page = get(path).body();
        csrf = csrfOf(page);
        return page;
    }

    /** GET a console page; its status and body as the browser would get them. */
    HttpResponse<String> fetch(String path) {
        return get(path);
    }

    /** POSTs a form of the signed-in session with its CSRF token; returns the status (303 = done). */
    int postForm(String path, Map<String, String> fields) {
        return post(path, csrf, fields).statusCode();
    }

    /** GET a page (or a download) of the signed-in session, redirects not followed. */
    HttpResponse<String> page(String path) {
        return get(path);
    }

    /**
     * POSTs the bucket page's upload form ({@code multipart/form-data}: CSRF token and prefix first, the file
     * last, as the page orders them) with the CSRF token of the last {@link #openBucket}.
     */
    HttpResponse<String> upload(String bucket, String prefix, String fileName, String content) {
        String boundary = "dualkey-" + Long.toHexString(System.nanoTime());
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"prefix\"\r\n\r\n" + prefix + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return send(HttpRequest.newBuilder(base.resolve("/buckets/" + bucket + "/upload"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    /** POSTs a form of the signed-in session with its CSRF token; returns the whole answer. */
    HttpResponse<String> post(String path, Map<String, String> fields) {
        return post(path, csrf, fields);
    }

    private static String csrfOf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF token on the page");
        }
        return m.group(1);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30)).build());
    }

    private HttpResponse<String> post(String path, String token, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("csrf", token);
        all.putAll(fields);
        String body = all.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
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
}
