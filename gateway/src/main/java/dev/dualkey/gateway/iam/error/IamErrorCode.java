package dev.dualkey.gateway.iam.error;

/**
 * Every error code the IAM Query endpoint can answer with: wire code, HTTP status and fault side.
 *
 * <p>Codes and statuses follow botocore's IAM model (the {@code error} trait of each exception shape) and
 * the AWS Query "common errors" list for the protocol-level codes (MissingAction, InvalidAction,
 * MalformedQueryString, the signature codes). {@code Type} in the error XML is {@code Receiver} for 5xx and
 * {@code Sender} otherwise, as IAM answers.
 */
public enum IamErrorCode {
    // IAM model errors (service-2.json, error traits).
    CONCURRENT_MODIFICATION("ConcurrentModification", 409),
    DELETE_CONFLICT("DeleteConflict", 409),
    ENTITY_ALREADY_EXISTS("EntityAlreadyExists", 409),
    ENTITY_TEMPORARILY_UNMODIFIABLE("EntityTemporarilyUnmodifiable", 409),
    INVALID_AUTHENTICATION_CODE("InvalidAuthenticationCode", 403),
    INVALID_INPUT("InvalidInput", 400),
    INVALID_USER_TYPE("InvalidUserType", 400),
    LIMIT_EXCEEDED("LimitExceeded", 409),
    MALFORMED_POLICY_DOCUMENT("MalformedPolicyDocument", 400),
    NO_SUCH_ENTITY("NoSuchEntity", 404),
    PASSWORD_POLICY_VIOLATION("PasswordPolicyViolation", 400),
    SERVICE_FAILURE("ServiceFailure", 500),

    // AWS Query protocol common errors.
    ACCESS_DENIED("AccessDenied", 403),
    EXPIRED_TOKEN("ExpiredToken", 403),
    INCOMPLETE_SIGNATURE("IncompleteSignature", 400),
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

    IamErrorCode(String code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The code with this wire text, or {@code null}. */
    public static IamErrorCode fromWireCode(String code) {
        for (IamErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        return null;
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
    public static IamErrorCode fromCode(String code) {
        for (IamErrorCode c : values()) {
            if (c.code.equals(code)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no IAM error code " + code);
    }
}
