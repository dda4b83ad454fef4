package dev.dualkey.gateway.alert;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * One receiver of security events: an {@code http(s)} URL with a host and no credentials in it, and the optional
 * HMAC-SHA256 key of its {@code X-Dualkey-Signature-256} header. The operator's ({@code serve --alert-webhook})
 * and an account's (the console's Settings page) are checked by the same rules.
 *
 * @param url    the receiver
 * @param secret the signature key, or null for unsigned events
 */
public record AlertTarget(URI url, byte[] secret) {
    /** Longest URL accepted (a settings record stays small). */
    public static final int MAX_URL_LENGTH = 2048;

    public AlertTarget {
        Objects.requireNonNull(url, "url");
        String problem = problem(url);
        if (problem != null) {
            throw new IllegalArgumentException(problem + ": " + url);
        }
        secret = secret == null || secret.length == 0 ? null : secret.clone();
    }

    /** Parses a typed URL; {@link IllegalArgumentException} with a plain-words message when it is not acceptable. */
    public static AlertTarget parse(String url, byte[] secret) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the webhook URL is empty");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("the webhook URL is longer than " + MAX_URL_LENGTH + " characters");
        }
        try {
            return new AlertTarget(new URI(url.strip()), secret);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the webhook URL is not a valid URL");
        }
    }

    /** Why {@code url} cannot receive events, or null when it can. */
    static String problem(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null || url.isOpaque()) {
            return "the webhook must be an http(s) URL with a host";
        }
        if (url.getRawUserInfo() != null) {
            return "the webhook URL must not carry credentials (use the signing secret)";
        }
        if (url.getRawFragment() != null) {
            return "the webhook URL must not have a #fragment";
        }
        return null;
    }

    /**
     * What may be shown and logged of the URL: scheme, host and port only. The path and query of many receivers
     * (chat webhooks) are themselves the credential, so they never reach a page, a log line or an audit record.
     */
    public String origin() {
        return origin(url);
    }

    /** {@link #origin()} of any URL. */
    public static String origin(URI url) {
        return url.getScheme().toLowerCase(Locale.ROOT) + "://" + url.getHost()
                + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertTarget t && t.url.equals(url) && java.util.Arrays.equals(t.secret, secret);
    }

    @Override
    public int hashCode() {
        return url.hashCode();
    }

    @Override
    public String toString() {
        return "AlertTarget[" + origin() + (secret != null ? ", signed" : "") + "]";
    }
}
