package dev.dualkey.gateway.s3;

import dev.dualkey.gateway.auth.AwsUriEncoding;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.util.Locale;

/**
 * Where a request points: bucket and key from path-style ({@code /bucket/key}) or virtual-hosted-style
 * ({@code bucket.<domain>/key}) addressing.
 *
 * @param bucket bucket, or null
 * @param key    decoded key, or null
 */
public record S3Address(String bucket, String key) {

    /**
     * @param host   the Host header (may carry a port), or null
     * @param domain the configured virtual-host domain (e.g. {@code s3.example}), or null for path-style only
     */
    public static S3Address parse(String rawPath, String host, String domain) {
        String path;
        try {
            path = AwsUriEncoding.decode(rawPath);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "The request URI is not validly percent-encoded");
        }
        String vhostBucket = virtualHostBucket(host, domain);
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (vhostBucket != null) {
            return new S3Address(vhostBucket, p.isEmpty() ? null : p);
        }
        if (p.isEmpty()) {
            return new S3Address(null, null);
        }
        int slash = p.indexOf('/');
        if (slash < 0) {
            return new S3Address(p, null);
        }
        String key = p.substring(slash + 1);
        return new S3Address(p.substring(0, slash), key.isEmpty() ? null : key);
    }

    /** The bucket a Host header names under {@code domain} (virtual-hosted style), or null (also used by SigV2). */
    public static String virtualHostBucket(String host, String domain) {
        if (host == null || domain == null || domain.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            return null; // IPv6 literal
        }
        int colon = h.lastIndexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        String suffix = "." + domain.toLowerCase(Locale.ROOT);
        if (h.endsWith(suffix) && h.length() > suffix.length()) {
            return h.substring(0, h.length() - suffix.length());
        }
        return null;
    }
}
