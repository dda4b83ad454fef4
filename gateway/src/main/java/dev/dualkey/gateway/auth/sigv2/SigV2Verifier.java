package dev.dualkey.gateway.auth.sigv2;

import dev.dualkey.gateway.auth.AuthResult;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.PayloadMode;
import dev.dualkey.gateway.auth.SignableRequest;
import dev.dualkey.gateway.auth.SigV4Signer;
import dev.dualkey.gateway.auth.SignatureInfo;
import dev.dualkey.gateway.s3.S3Address;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies an S3 request signed with Signature Version 2: {@code Authorization: AWS AKID:base64(HMAC-SHA1)} or the
 * presigned query {@code AWSAccessKeyId}, {@code Signature}, {@code Expires}. The same rules as SigV4, in the same
 * order: one auth mechanism per request, then the clock (header auth: at most {@link #MAX_SKEW} from the server's
 * clock; query auth: not past {@code Expires}), then the access key (an inactive key is an unknown one), then the
 * session token of temporary credentials, then the signature, compared in constant time. A mismatch answers
 * SignatureDoesNotMatch with {@code StringToSign} and {@code StringToSignBytes}, as S3 does.
 *
 * <p>SigV2 signs neither the body nor the Host; Content-MD5, when sent, is signed and checked against the body by
 * the upload path, and {@code x-amz-content-sha256} when it is a hash (every {@code x-amz-*} header is signed).
 * The aws-chunked encodings belong to SigV4 and are refused here.
 */
public final class SigV2Verifier {
    /** S3's allowed difference between the request time and the server clock (the same as SigV4's). */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final CredentialProvider credentials;
    private final Clock clock;
    private final String domain;

    /** @param domain the virtual-hosted-style domain ({@code --domain}), or null for path-style only */
    public SigV2Verifier(CredentialProvider credentials, Clock clock, String domain) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.domain = domain;
    }

    /**
     * Whether the request claims SigV2: an {@code Authorization: AWS ...} header, or no Authorization header and
     * a {@code Signature} or {@code AWSAccessKeyId} query parameter.
     */
    public static boolean claims(SignableRequest req) {
        String authorization = req.header("authorization");
        if (authorization != null) {
            return authorization.trim().startsWith("AWS ");
        }
        return req.queryParam("Signature") != null || req.queryParam("AWSAccessKeyId") != null;
    }

    /**
     * @throws S3Exception InvalidArgument (two mechanisms, malformed header), AccessDenied (no valid date, expired,
     *                     missing query parameters), RequestTimeTooSkewed, InvalidAccessKeyId, InvalidToken,
     *                     ExpiredToken, SignatureDoesNotMatch
     */
    public AuthResult verify(SignableRequest req) {
        String authorization = req.header("authorization");
        boolean v4Query = req.queryParam("X-Amz-Algorithm") != null || req.queryParam("X-Amz-Signature") != null
                || req.queryParam("X-Amz-Credential") != null;
        if (v4Query || (authorization != null && req.queryParam("Signature") != null)) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Only one auth mechanism allowed; only the"
                    + " X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization"
                    + " header should be specified").with("ArgumentName", "Authorization");
        }
        return authorization != null ? verifyHeader(req, authorization.trim()) : verifyQuery(req);
    }

    private AuthResult verifyHeader(SignableRequest req, String authorization) {
        String claim = authorization.substring("AWS ".length()).trim();
        int colon = claim.lastIndexOf(':');
        if (colon <= 0 || colon == claim.length() - 1) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT,
                    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature")
                    .with("ArgumentName", "Authorization").with("ArgumentValue", authorization);
        }
        String accessKeyId = claim.substring(0, colon);
        String signature = claim.substring(colon + 1);
        String amzDate = req.header("x-amz-date");
        String date = amzDate != null ? amzDate : req.header("date");
        Instant time = date == null ? null : parseDate(date.trim());
        if (time == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "AWS authentication requires a valid Date or x-amz-date header");
        }
        Instant now = clock.instant();
        if (Duration.between(time, now).abs().compareTo(MAX_SKEW) > 0) {
            throw new S3Exception(S3ErrorCode.REQUEST_TIME_TOO_SKEWED)
                    .with("RequestTime", date)
                    .with("ServerTime", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)))
                    .with("MaxAllowedSkewMilliseconds", Long.toString(MAX_SKEW.toMillis()));
        }
        Credential credential = credential(accessKeyId);
        checkSessionToken(credential, req.header("x-amz-security-token"));
        String stringToSign = SigV2StringToSign.of(req.method(), req.header("content-md5"),
                req.header("content-type"), amzDate != null ? "" : req.header("date"),
                SigV2StringToSign.amzHeaders(req.headers(), List.of()), resource(req));
        compare(credential, stringToSign, signature);
        return result(credential, signature, time, false, -1, req);
    }

    private AuthResult verifyQuery(SignableRequest req) {
        String accessKeyId = req.queryParam("AWSAccessKeyId");
        String signature = req.queryParam("Signature");
        String expires = req.queryParam("Expires");
        if (accessKeyId == null || signature == null || expires == null) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED,
                    "Invalid date (should be seconds since epoch): " + expires);
        }
        Instant now = clock.instant();
        if (now.getEpochSecond() > expiresAt) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED, "Request has expired")
                    .with("Expires", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(expiresAt)))
                    .with("ServerTime", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)));
        }
        Credential credential = credential(accessKeyId);
        List<Map.Entry<String, String>> queryAmz = new ArrayList<>();
        for (Map.Entry<String, String> e : req.query()) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith("x-amz-")) {
                queryAmz.add(e);
            }
        }
        String token = req.header("x-amz-security-token");
        checkSessionToken(credential, token != null ? token : queryValue(queryAmz, "x-amz-security-token"));
        String contentMd5 = req.header("content-md5");
        String contentType = req.header("content-type");
        String stringToSign = SigV2StringToSign.of(req.method(),
                contentMd5 != null ? contentMd5 : queryValue(queryAmz(req, "content-md5"), "content-md5"),
                contentType != null ? contentType : queryValue(queryAmz(req, "content-type"), "content-type"),
                expires, SigV2StringToSign.amzHeaders(req.headers(), queryAmz), resource(req));
        compare(credential, stringToSign, signature);
        return result(credential, signature, null, true, Math.max(0, expiresAt - now.getEpochSecond()), req);
    }

    private Credential credential(String accessKeyId) {
        return credentials.lookup(accessKeyId).filter(Credential::active)
                .orElseThrow(() -> new S3Exception(S3ErrorCode.INVALID_ACCESS_KEY_ID)
                        .with("AWSAccessKeyId", accessKeyId));
    }

    /** As SigV4's: a token with a long-term key, a missing or wrong token is InvalidToken; expired ExpiredToken. */
    private static void checkSessionToken(Credential credential, String token) {
        Credential.SessionToken session = credential.session();
        if (session == null) {
            if (token != null) {
                throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
            }
            return;
        }
        if (!session.matches(token)) {
            throw new S3Exception(S3ErrorCode.INVALID_TOKEN);
        }
        if (session.expired()) {
            throw new S3Exception(S3ErrorCode.EXPIRED_TOKEN);
        }
    }

    private String resource(SignableRequest req) {
        return SigV2StringToSign.canonicalResource(S3Address.virtualHostBucket(req.header("host"), domain),
                req.rawPath(), req.query());
    }

    private static void compare(Credential credential, String stringToSign, String provided) {
        String expected = sign(credential.secretKey(), stringToSign);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                provided.getBytes(StandardCharsets.UTF_8))) {
            throw new S3Exception(S3ErrorCode.SIGNATURE_DOES_NOT_MATCH)
                    .with("AWSAccessKeyId", credential.accessKeyId())
                    .with("StringToSign", stringToSign)
                    .with("SignatureProvided", provided)
                    .with("StringToSignBytes", SigV4Signer.hexBytes(stringToSign));
        }
    }

    private static AuthResult result(Credential credential, String signature, Instant time, boolean presigned,
                                     long expiresSeconds, SignableRequest req) {
        String payloadHash = payloadHash(req.header("x-amz-content-sha256"));
        SignatureInfo info = new SignatureInfo(credential.accessKeyId(), null, null, "s3", List.of(), signature,
                time == null ? null : AMZ_DATE.format(time), time, presigned, expiresSeconds, payloadHash,
                SignatureInfo.SIGV2);
        return new AuthResult(credential.principal(), credential.accessKeyId(), info, null,
                PayloadMode.of(payloadHash));
    }

    /**
     * Without {@code x-amz-content-sha256} the body is unsigned (Content-MD5 still binds it when sent); a hash
     * sent (and signed, as every x-amz-* header) is enforced; the aws-chunked modes need SigV4's chunk chain.
     */
    private static String payloadHash(String header) {
        if (header == null) {
            return "UNSIGNED-PAYLOAD";
        }
        PayloadMode mode = PayloadMode.of(header);
        if (mode.streaming()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST,
                    "aws-chunked payloads are only supported with AWS4-HMAC-SHA256");
        }
        return header;
    }

    /** Base64 of HMAC-SHA1 over the UTF-8 string to sign with the secret key. */
    public static String sign(String secretKey, String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** RFC 1123 (what V2 clients send in Date and x-amz-date) or ISO 8601 basic; null when neither parses. */
    static Instant parseDate(String s) {
        try {
            return ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return ZonedDateTime.parse(s, AMZ_DATE).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static List<Map.Entry<String, String>> queryAmz(SignableRequest req, String name) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : req.query()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String queryValue(List<Map.Entry<String, String>> entries, String name) {
        for (Map.Entry<String, String> e : entries) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }
}
