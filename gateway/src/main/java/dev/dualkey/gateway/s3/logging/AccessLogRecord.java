package dev.dualkey.gateway.s3.logging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One request as AWS's server access log records it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html),
 * fields in AWS's order, space-separated, {@code -} for an empty field, quoted where AWS quotes:
 * <pre>
 * bucket-owner bucket [time] remote-ip requester request-id operation key "request-uri" http-status error-code
 * bytes-sent object-size total-time turn-around-time "referer" "user-agent" version-id host-id signature-version
 * cipher-suite authentication-type host-header tls-version access-point-arn acl-required
 * </pre>
 * Bucket owner and requester are canonical user ids (an IAM user or role session appears as its ARN, as on AWS).
 *
 * @param bucketOwnerAccountId owner of the source bucket (resolved by the deliverer), null until then
 * @param requester            canonical id or ARN, or null for anonymous
 * @param totalMillis          from the request head to the answer
 * @param turnAroundMillis     from the last request byte to the answer (null when unknown)
 */
public record AccessLogRecord(String bucketOwnerAccountId, String bucket, Instant time, String remoteIp,
                             String requester, String requestId, String operation, String key, String requestUri,
                             int status, String errorCode, long bytesSent, long objectSize, long totalMillis,
                             Long turnAroundMillis, String referer, String userAgent, String versionId,
                             String hostId, String signatureVersion, String cipherSuite, String authType,
                             String hostHeader, String tlsVersion) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String CANONICAL_DOMAIN = "dualkey-canonical-user-v1:";

    /** The record with its bucket owner. */
    public AccessLogRecord withOwner(String accountId) {
        return new AccessLogRecord(accountId, bucket, time, remoteIp, requester, requestId, operation, key,
                requestUri, status, errorCode, bytesSent, objectSize, totalMillis, turnAroundMillis, referer,
                userAgent, versionId, hostId, signatureVersion, cipherSuite, authType, hostHeader, tlsVersion);
    }

    /**
     * The canonical user id of an account. The same derivation as the policy work's
     * {@code dev.dualkey.gateway.identity.CanonicalIds.of} (SHA-256 of a fixed domain and the account id, hex); the
     * lead replaces this with that class at merge.
     */
    public static String canonicalId(String accountId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((CANONICAL_DOMAIN + accountId).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The log line, without its newline. */
    public String toLine() {
        StringBuilder b = new StringBuilder(320);
        field(b, bucketOwnerAccountId == null ? null : canonicalId(bucketOwnerAccountId));
        field(b, bucket);
        b.append('[').append(TIME.format(time)).append("] ");
        field(b, remoteIp);
        field(b, requester);
        field(b, requestId);
        field(b, operation);
        field(b, key == null ? null : urlEncode(key));
        quoted(b, requestUri);
        field(b, Integer.toString(status));
        field(b, errorCode);
        field(b, bytesSent > 0 ? Long.toString(bytesSent) : null);
        field(b, objectSize > 0 ? Long.toString(objectSize) : null);
        field(b, Long.toString(totalMillis));
        field(b, turnAroundMillis == null ? null : Long.toString(turnAroundMillis));
        quoted(b, referer);
        quoted(b, userAgent);
        field(b, versionId);
        field(b, hostId);
        field(b, signatureVersion);
        field(b, cipherSuite);
        field(b, authType);
        field(b, hostHeader);
        field(b, tlsVersion);
        field(b, null); // access point ARN: Dualkey has no access points
        b.append('-'); // aclRequired: no request here needs an ACL to be authorized (ACL-less decisions)
        return b.toString();
    }

    private static void field(StringBuilder b, String v) {
        b.append(v == null || v.isEmpty() ? "-" : v.replace(' ', '+').replace("\n", "%0A")).append(' ');
    }

    private static void quoted(StringBuilder b, String v) {
        if (v == null || v.isEmpty()) {
            b.append("\"-\" ");
            return;
        }
        b.append('"').append(v.replace("\"", "%22").replace("\n", "%0A")).append("\" ");
    }

    /** Keys appear URL-encoded, as AWS writes them ({@code /} kept). */
    static String urlEncode(String key) {
        StringBuilder b = new StringBuilder();
        for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~' || c == '/') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
