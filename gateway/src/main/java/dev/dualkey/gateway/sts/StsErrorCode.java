package dev.dualkey.gateway.sts;

/**
 * Every error code the STS endpoint answers with: wire code and HTTP status. The codes are AWS Query's common
 * errors (STS has no model errors for GetSessionToken and GetCallerIdentity besides RegionDisabledException,
 * which a single-region server never raises). {@code Type} is {@code Receiver} for 5xx, {@code Sender} otherwise.
 */
public enum StsErrorCode {
    ACCESS_DENIED("AccessDenied", 403),
    EXPIRED_TOKEN("ExpiredToken", 403),
    INCOMPLETE_SIGNATURE("IncompleteSignature", 400),
    INTERNAL_FAILURE("InternalFailure", 500),
    INVALID_ACTION("InvalidAction", 400),
    INVALID_CLIENT_TOKEN_ID("InvalidClientTokenId", 403),
    MALFORMED_QUERY_STRING("MalformedQueryString", 404),
    MISSING_ACTION("MissingAction", 400),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403),
    MISSING_PARAMETER("MissingParameter", 400),
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413),
    REQUEST_EXPIRED("RequestExpired", 400),
    REQUEST_TIMEOUT("RequestTimeout", 400),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403),
    VALIDATION_ERROR("ValidationError", 400);

    private final String code;
    private final int httpStatus;

    StsErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The {@code <Code>} text on the wire. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** {@code Sender} or {@code Receiver}, the {@code <Type>} element. */
    public String faultType() {
        return httpStatus >= 500 ? "Receiver" : "Sender";
    }

    /**
     * The constant for wire code {@code code} (the Query protocol's common errors are shared by IAM and STS).
     *
     * @throws IllegalArgumentException for a code this protocol does not have
     */
    public static StsErrorCode fromCode(String code) {
        for (StsErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no STS error code " + code);
    }
}
