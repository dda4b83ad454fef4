package dev.dualkey.gateway.authz;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one place that builds an IAM request context, for S3, IAM, STS and the console alike. It holds what is
 * the same for every check of one request (who, how it arrived, when, the request's own condition keys) and
 * {@link #build builds} one {@link AuthzRequest} per {@link Check}.
 *
 * <p>Global keys, as AWS sets them (absent when the request does not have them, never defaulted):
 * <ul>
 *   <li>{@code aws:PrincipalArn}, {@code aws:PrincipalAccount}, {@code aws:PrincipalType} ({@code Account} for
 *       root, {@code User} for an IAM user), {@code aws:userid} (when known), {@code aws:username} (IAM users
 *       only); an anonymous request has only {@code aws:PrincipalType} {@code Anonymous} and {@code aws:userid}
 *       {@code anonymous}, as AWS documents;</li>
 *   <li>{@code aws:SecureTransport} ({@code true} over TLS), {@code aws:SourceIp};</li>
 *   <li>{@code aws:CurrentTime} (ISO 8601, seconds), {@code aws:EpochTime} (seconds);</li>
 *   <li>{@code aws:MultiFactorAuthPresent}: present only for temporary credentials (a session), {@code true}
 *       when the session proved MFA; {@code aws:MultiFactorAuthAge}: seconds since then, only with MFA. AWS
 *       leaves both out for long-term access keys, so {@code "Bool": {"aws:MultiFactorAuthPresent": "false"}}
 *       does not match such a request and {@code BoolIfExists} does;</li>
 *   <li>{@code aws:ViaAWSService} and {@code aws:PrincipalIsAWSService}: always {@code false} (no AWS service
 *       calls Dualkey on a principal's behalf).</li>
 * </ul>
 * S3 requests add their service keys ({@link S3ConditionKeys}).
 */
public final class RequestContextBuilder {
    private final Subject subject;
    private final Instant now;
    private final Map<String, String> keys = new LinkedHashMap<>();

    private RequestContextBuilder(Subject subject, Instant now) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.now = now;
        principalKeys();
        keys.put("aws:CurrentTime", currentTime(now));
        keys.put("aws:EpochTime", Long.toString(now.getEpochSecond()));
        keys.put("aws:ViaAWSService", "false");
        keys.put("aws:PrincipalIsAWSService", "false");
    }

    /** The last second's {@code aws:CurrentTime}: formatted once per second, not once per request (issue 19). */
    private static volatile CurrentTime lastCurrentTime = new CurrentTime(Long.MIN_VALUE, "");

    private record CurrentTime(long epochSecond, String text) {
    }

    /** {@code aws:CurrentTime}: ISO 8601 in UTC to the second, {@code 2026-12-05T07:01:02Z}. */
    static String currentTime(Instant now) {
        long second = now.getEpochSecond();
        CurrentTime c = lastCurrentTime;
        if (c.epochSecond() != second) {
            c = new CurrentTime(second, Instant.ofEpochSecond(second).toString());
            lastCurrentTime = c;
        }
        return c.text();
    }

    /** A context for {@code subject} at the clock's current instant. */
    public static RequestContextBuilder of(Subject subject, Clock clock) {
        return new RequestContextBuilder(subject, clock.instant());
    }

    private void principalKeys() {
        if (subject.isAnonymous()) { // AWS: aws:PrincipalType Anonymous, aws:userid anonymous, no ARN or account
            keys.put("aws:PrincipalType", "Anonymous");
            keys.put("aws:userid", Subject.ANONYMOUS);
            return;
        }
        keys.put("aws:PrincipalArn", subject.arn());
        keys.put("aws:PrincipalAccount", subject.accountId());
        keys.put("aws:PrincipalType", subject.root() ? "Account" : "User");
        if (subject.userId() != null) {
            keys.put("aws:userid", subject.userId());
        }
        if (!subject.root()) {
            keys.put("aws:username", subject.userName());
        }
        if (subject.temporary()) {
            keys.put("aws:MultiFactorAuthPresent", Boolean.toString(subject.mfaAuthenticatedAt() != null));
            Long age = subject.mfaAgeSeconds(now);
            if (age != null) {
                keys.put("aws:MultiFactorAuthAge", Long.toString(age));
            }
        }
    }

    /** The transport and signature keys of the request. */
    public RequestContextBuilder origin(RequestOrigin origin) {
        keys.put("aws:SecureTransport", Boolean.toString(origin.secureTransport()));
        put("aws:SourceIp", origin.sourceIp());
        return this;
    }

    /**
     * The S3 signature keys ({@code s3:signatureversion}, {@code s3:authType}, {@code s3:x-amz-content-sha256}
     * from the header, and {@code s3:signatureAge} in milliseconds, which S3 documents for presigned requests
     * only); only S3 requests carry them.
     */
    public RequestContextBuilder s3Signature(RequestOrigin origin) {
        put("s3:signatureversion", origin.signatureVersion());
        put("s3:authType", origin.authType());
        if (origin.signedAt() != null && RequestOrigin.PRESIGNED.equals(origin.authType())) {
            keys.put("s3:signatureAge",
                    Long.toString(Math.max(0, Duration.between(origin.signedAt(), now).toMillis())));
        }
        put("s3:x-amz-content-sha256", origin.contentSha256());
        return this;
    }

    /** A condition key of the request; a null value leaves the key out. */
    public RequestContextBuilder key(String name, String value) {
        put(name, value);
        return this;
    }

    /** Condition keys of the request. */
    public RequestContextBuilder keys(Map<String, String> more) {
        more.forEach(this::put);
        return this;
    }

    public Subject subject() {
        return subject;
    }

    /** The request context for {@code check}. */
    public AuthzRequest build(Check check) {
        return new AuthzRequest(subject, check, keys);
    }

    /** The request context for {@code check} with keys that belong to this check only (a DeleteObjects entry). */
    public AuthzRequest build(Check check, Map<String, String> checkKeys) {
        Map<String, String> all = new LinkedHashMap<>(keys);
        checkKeys.forEach((k, v) -> {
            if (v != null) {
                all.put(k, v);
            }
        });
        return new AuthzRequest(subject, check, all);
    }

    private void put(String name, String value) {
        if (value != null) {
            keys.put(name, value);
        }
    }
}
