package dev.dualkey.gateway.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Who may scrape {@code /metrics}. AWS has no such endpoint to copy; the rule here:
 * <ul>
 * <li>with a token ({@code --metrics-token-file}), every scrape must send {@code Authorization: Bearer <token>}
 *     (Prometheus: {@code authorization: credentials_file: ...}); compared in constant time; otherwise 401;</li>
 * <li>without a token, the listener's address is the protection: served on a loopback console listener or on the
 *     dedicated {@code --metrics-address} the operator chose, and NOT served (404) on a console listener that
 *     listens beyond loopback, where the people's console is exposed but metrics (bucket names, request rates)
 *     should not be.</li>
 * </ul>
 */
public final class MetricsAccess {
    /** Shortest token accepted: 16 characters (a random 128-bit token in hex is 32). */
    public static final int MIN_TOKEN_LENGTH = 16;

    private final byte[] token;

    private MetricsAccess(byte[] token) {
        this.token = token;
    }

    /** No token: protection by bind address only. */
    public static MetricsAccess open() {
        return new MetricsAccess(null);
    }

    /** A bearer token (at least {@value #MIN_TOKEN_LENGTH} printable characters, no spaces). */
    public static MetricsAccess bearer(String token) {
        String t = token.strip();
        if (t.length() < MIN_TOKEN_LENGTH || !t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the metrics token must be at least " + MIN_TOKEN_LENGTH
                    + " printable characters without spaces");
        }
        return new MetricsAccess(t.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads the token from a file (its first line); the file should be readable by the server's user only. */
    public static MetricsAccess bearerFromFile(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            int nl = content.indexOf('\n');
            return bearer(nl < 0 ? content : content.substring(0, nl));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the metrics token file " + file + ": " + e.getMessage());
        }
    }

    public boolean requiresToken() {
        return token != null;
    }

    /** Whether a request with this {@code Authorization} header may scrape. */
    public boolean allows(String authorization) {
        if (token == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, token);
    }
}
