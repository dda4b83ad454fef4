package dev.dualkey.gateway.alert;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where and how security events are pushed ({@code serve --alert-webhook URL}).
 *
 * @param url            the operator's receiver ({@code http} or {@code https}), or null when only accounts' own
 *                       receivers (console Settings page, {@link AccountAlertTargets}) get events
 * @param secret         HMAC-SHA256 key for the {@code X-Dualkey-Signature-256} header, or null for no signature
 *                       ({@code --alert-webhook-secret-file}, or {@code DUALKEY_ALERT_WEBHOOK_SECRET})
 * @param queueCapacity  events waiting at most; when full the oldest is dropped (counted, logged)
 * @param maxAttempts    deliveries tried per event before it is given up (logged)
 * @param initialBackoff pause after the first failed attempt; doubles after each further one
 * @param maxBackoff     the longest pause between two attempts
 * @param timeout        one attempt's bound: connect, send, and the receiver's whole answer
 */
public record AlertSettings(URI url, byte[] secret, int queueCapacity, int maxAttempts, Duration initialBackoff,
                            Duration maxBackoff, Duration timeout) {
    public AlertSettings {
        String scheme = url == null || url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url != null && (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null)) {
            throw new IllegalArgumentException("--alert-webhook must be an http(s) URL with a host: " + url);
        }
        if (url != null && url.getUserInfo() != null) {
            throw new IllegalArgumentException("--alert-webhook must not carry credentials in the URL (use "
                    + "--alert-webhook-secret-file for the signature)");
        }
        if (queueCapacity < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("alert queue capacity and attempts must be positive");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("alert timeout must be positive");
        }
        secret = secret == null ? null : secret.clone();
    }

    /** The server's defaults: 10,000 queued events, 6 attempts 1 s to 60 s apart, 10 s per attempt. */
    public static AlertSettings of(URI url, byte[] secret) {
        return new AlertSettings(url, secret, 10_000, 6, Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(10));
    }

    /** The server's defaults with no operator receiver: only accounts' own receivers get events. */
    public static AlertSettings accountsOnly() {
        return new AlertSettings(null, null, 10_000, 6, Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(10));
    }

    /** The operator's receiver, when {@code --alert-webhook} named one. */
    public java.util.Optional<AlertTarget> target() {
        return url == null ? java.util.Optional.empty() : java.util.Optional.of(new AlertTarget(url, secret));
    }

    public AlertSettings withQueueCapacity(int n) {
        return new AlertSettings(url, secret, n, maxAttempts, initialBackoff, maxBackoff, timeout);
    }

    public AlertSettings withRetries(int attempts, Duration initial, Duration max) {
        return new AlertSettings(url, secret, queueCapacity, attempts, initial, max, timeout);
    }

    public AlertSettings withTimeout(Duration t) {
        return new AlertSettings(url, secret, queueCapacity, maxAttempts, initialBackoff, maxBackoff, t);
    }
}
