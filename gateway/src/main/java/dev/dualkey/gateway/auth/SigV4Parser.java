package dev.dualkey.gateway.auth;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses SigV4 claims from the {@code Authorization} header or from presigned-URL query parameters into a
 * {@link SignatureInfo}. Syntax only: no clock, no credential lookup, no signature check.
 */
public final class SigV4Parser {
    /** Largest X-Amz-Expires S3 accepts: seven days. */
    public static final long MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;
    /** Smallest X-Amz-Expires S3 accepts: a URL valid for zero seconds is refused, not served once. */
    public static final long MIN_PRESIGNED_EXPIRES_SECONDS = 1;
    static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String CREDENTIAL_FORMAT = "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

    private SigV4Parser() {
    }

    /**
     * @return the claims, or empty for an anonymous request (neither header nor query auth)
     * @throws S3Exception for malformed or unsupported authentication
     */
    public static Optional<SignatureInfo> parse(SignableRequest req) {
        String authorization = req.header("authorization");
        if (authorization != null) {
            if (hasQueryAuth(req)) {
                // Two claims that could name different keys: S3 refuses rather than pick one.
                throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Only one auth mechanism allowed; only the"
                        + " X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization"
                        + " header should be specified").with("ArgumentName", "Authorization");
            }
            return Optional.of(parseHeader(req, authorization));
        }
        if (req.queryParam("X-Amz-Algorithm") != null || req.queryParam("X-Amz-Signature") != null
                || req.queryParam("X-Amz-Credential") != null) {
            return Optional.of(parseQuery(req));
        }
        if (req.queryParam("Signature") != null && req.queryParam("AWSAccessKeyId") != null) {
            throw unsupportedMechanism();
        }
        return Optional.empty();
    }

    private static boolean hasQueryAuth(SignableRequest req) {
        return req.queryParam("X-Amz-Algorithm") != null || req.queryParam("X-Amz-Signature") != null
                || req.queryParam("X-Amz-Credential") != null || req.queryParam("Signature") != null;
    }

    private static SignatureInfo parseHeader(SignableRequest req, String authorization) {
        String value = authorization.trim();
        if (!value.startsWith(SigV4Signer.ALGORITHM + " ")) {
            if (value.startsWith("AWS ")) {
                throw unsupportedMechanism();
            }
            throw malformedHeader("the authorization header is not AWS4-HMAC-SHA256");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : value.substring(SigV4Signer.ALGORITHM.length()).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw malformedHeader("the authorization header requires key=value components");
            }
            String k = p.substring(0, eq).trim();
            String v = p.substring(eq + 1).trim();
            switch (k) {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signedHeaders = v;
                case "Signature" -> signature = v;
                default -> throw malformedHeader("unknown component '" + k + "'");
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw malformedHeader("the authorization header requires Credential, SignedHeaders and Signature");
        }
        String[] scope = splitCredential(credential, false);
        String amzDate = req.header("x-amz-date");
        Instant time;
        if (amzDate != null) {
            time = parseAmzDate(amzDate).orElseThrow(SigV4Parser::missingDate);
        } else {
            String date = req.header("date");
            if (date == null) {
                throw missingDate();
            }
            try {
                time = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw missingDate();
            }
            amzDate = AMZ_DATE.format(time);
        }
        if (!amzDate.startsWith(scope[1])) {
            throw malformedHeader("Invalid credential date \"" + scope[1] + "\". This date is not the same as"
                    + " X-Amz-Date: \"" + amzDate.substring(0, Math.min(8, amzDate.length())) + "\".");
        }
        String payloadHash = req.header("x-amz-content-sha256");
        return new SignatureInfo(scope[0], scope[1], scope[2], scope[3], splitHeaders(signedHeaders, false),
                signature.toLowerCase(Locale.ROOT), amzDate, time, false, -1, payloadHash);
    }

    private static SignatureInfo parseQuery(SignableRequest req) {
        String algorithm = req.queryParam("X-Amz-Algorithm");
        String credential = req.queryParam("X-Amz-Credential");
        String amzDate = req.queryParam("X-Amz-Date");
        String expires = req.queryParam("X-Amz-Expires");
        String signedHeaders = req.queryParam("X-Amz-SignedHeaders");
        String signature = req.queryParam("X-Amz-Signature");
        if (algorithm == null || credential == null || amzDate == null || expires == null || signedHeaders == null
                || signature == null) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR);
        }
        if (!SigV4Signer.ALGORITHM.equals(algorithm)) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        long expiresSeconds;
        try {
            expiresSeconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Expires should be a number");
        }
        if (expiresSeconds < 0) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Expires must be non-negative");
        }
        if (expiresSeconds < MIN_PRESIGNED_EXPIRES_SECONDS) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Expires must be greater than 0");
        }
        if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Expires must be less than a week (in seconds) that is 604800");
        }
        String[] scope = splitCredential(credential, true);
        Instant time = parseAmzDate(amzDate).orElseThrow(() -> new S3Exception(
                S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""));
        if (!amzDate.startsWith(scope[1])) {
            throw new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "Invalid credential date \"" + scope[1] + "\". This date is not the same as X-Amz-Date: \""
                            + amzDate.substring(0, 8) + "\".");
        }
        List<String> signed = splitHeaders(signedHeaders, true);
        return new SignatureInfo(scope[0], scope[1], scope[2], scope[3], signed,
                signature.toLowerCase(Locale.ROOT), amzDate, time, true, expiresSeconds,
                presignedPayloadHash(req, signed));
    }

    /**
     * The payload hash of a presigned request, which goes into the canonical request and is then enforced on the
     * body like header auth's: {@code X-Amz-Content-Sha256} from the query; else a <em>signed</em>
     * {@code x-amz-content-sha256} header (the signer chose to bind the body; MinIO reads it the same way, and an
     * unsigned one is refused earlier as a header that was not signed); else {@code UNSIGNED-PAYLOAD}, what
     * presigners put when they know nothing of the body.
     */
    private static String presignedPayloadHash(SignableRequest req, List<String> signedHeaders) {
        String query = req.queryParam("X-Amz-Content-Sha256");
        if (query != null) {
            return query;
        }
        String header = req.header("x-amz-content-sha256");
        if (header != null && signedHeaders.contains("x-amz-content-sha256")) {
            return header;
        }
        return "UNSIGNED-PAYLOAD";
    }

    /** {@code AKID/date/region/service/aws4_request} -> {akid, date, region, service}. */
    private static String[] splitCredential(String credential, boolean query) {
        String[] parts = credential.split("/", -1);
        if (parts.length != 5 || parts[0].isEmpty() || !isDigits(parts[1], 8) || parts[2].isEmpty()
                || parts[3].isEmpty() || !"aws4_request".equals(parts[4])) {
            String msg = "the Credential is mal-formed; " + CREDENTIAL_FORMAT;
            throw query ? new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "Error parsing the X-Amz-Credential parameter; " + msg) : malformedHeader(msg);
        }
        return Arrays.copyOf(parts, 4);
    }

    private static List<String> splitHeaders(String signedHeaders, boolean query) {
        List<String> list = Arrays.stream(signedHeaders.split(";")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .toList();
        if (list.isEmpty() || list.stream().anyMatch(String::isEmpty)) {
            throw query ? new S3Exception(S3ErrorCode.AUTHORIZATION_QUERY_PARAMETERS_ERROR)
                    : malformedHeader("SignedHeaders is empty");
        }
        return list;
    }

    /**
     * {@code yyyyMMdd'T'HHmmss'Z'} parsed by hand (a {@code DateTimeFormatter} parse was a visible share of every
     * request's CPU); calendar validity is still checked by {@code LocalDateTime.of}.
     */
    static Optional<Instant> parseAmzDate(String s) {
        if (s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z' || !isDigits(s.substring(0, 8), 8)
                || !isDigits(s.substring(9, 15), 6)) {
            return Optional.empty();
        }
        try {
            LocalDateTime t = LocalDateTime.of(num(s, 0, 4), num(s, 4, 6), num(s, 6, 8), num(s, 9, 11),
                    num(s, 11, 13), num(s, 13, 15));
            return Optional.of(t.toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static int num(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static boolean isDigits(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static S3Exception malformedHeader(String detail) {
        return new S3Exception(S3ErrorCode.AUTHORIZATION_HEADER_MALFORMED,
                "The authorization header is malformed; " + detail);
    }

    private static S3Exception missingDate() {
        return new S3Exception(S3ErrorCode.ACCESS_DENIED,
                "AWS authentication requires a valid Date or x-amz-date header");
    }

    private static S3Exception unsupportedMechanism() {
        return new S3Exception(S3ErrorCode.INVALID_REQUEST,
                "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
}
