package dev.dualkey.gateway.s3.error;

/**
 * The S3 error codes Dualkey answers with. Each constant spells its wire code explicitly (never derived from
 * the constant name) together with its HTTP status and S3's default message.
 */
public enum S3ErrorCode {
    ACCESS_CONTROL_LIST_NOT_SUPPORTED("AccessControlListNotSupported", 400, "The bucket does not allow ACLs"),
    ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
    /** A CORS preflight that no rule allows (S3's code for it, not AccessDenied). */
    ACCESS_FORBIDDEN("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed."),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400, "The authorization header is malformed"),
    AUTHORIZATION_QUERY_PARAMETERS_ERROR("AuthorizationQueryParametersError", 400,
            "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature,"
                    + " X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
    BAD_REQUEST("BadRequest", 400, "Bad Request"),
    BAD_DIGEST("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
    BUCKET_ALREADY_EXISTS("BucketAlreadyExists", 409,
            "The requested bucket name is not available. The bucket namespace is shared by all users of the system."
                    + " Please select a different name and try again."),
    BUCKET_ALREADY_OWNED_BY_YOU("BucketAlreadyOwnedByYou", 409,
            "Your previous request to create the named bucket succeeded and you already own it."),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"),
    CONDITIONAL_REQUEST_CONFLICT("ConditionalRequestConflict", 409,
            "A conflicting operation occurred. If using PutObject you can retry the request. If using multipart"
                    + " upload you should initiate another CreateMultipartUpload request and re-upload each part."),
    EXPIRED_TOKEN("ExpiredToken", 400, "The provided token has expired."),
    ENTITY_TOO_LARGE("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size."),
    ENTITY_TOO_SMALL("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
    ILLEGAL_VERSIONING_CONFIGURATION("IllegalVersioningConfigurationException", 400,
            "The Versioning element must be specified"),
    ILLEGAL_LOCATION_CONSTRAINT("IllegalLocationConstraintException", 400,
            "The location constraint is incompatible for the region specific endpoint this request was sent to."),
    INCORRECT_NUMBER_OF_FILES_IN_POST_REQUEST("IncorrectNumberOfFilesInPostRequest", 400,
            "POST requires exactly one file upload per request."),
    INCOMPLETE_BODY("IncompleteBody", 400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header"),
    INTERNAL_ERROR("InternalError", 500, "We encountered an internal error. Please try again."),
    INVALID_ACCESS_KEY_ID("InvalidAccessKeyId", 403,
            "The AWS Access Key Id you provided does not exist in our records."),
    INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
    INVALID_BUCKET_NAME("InvalidBucketName", 400, "The specified bucket is not valid."),
    INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP("InvalidBucketAclWithObjectOwnership", 400,
            "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"),
    INVALID_BUCKET_STATE("InvalidBucketState", 409,
            "The request is not valid with the current state of the bucket."),
    INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 you specified was invalid."),
    INVALID_ENCRYPTION_ALGORITHM("InvalidEncryptionAlgorithmError", 400,
            "The encryption request you specified is not valid. The valid value is AES256."),
    INVALID_LOCATION_CONSTRAINT("InvalidLocationConstraint", 400, "The specified location-constraint is not valid"),
    INVALID_PART("InvalidPart", 400,
            "One or more of the specified parts could not be found.  The part may not have been uploaded,"
                    + " or the specified entity tag may not match the part's entity tag."),
    INVALID_PART_ORDER("InvalidPartOrder", 400,
            "The list of parts was not in ascending order. Parts must be ordered by part number."),
    INVALID_POLICY_DOCUMENT("InvalidPolicyDocument", 400,
            "The content of the form does not meet the conditions specified in the policy document."),
    INVALID_RANGE("InvalidRange", 416, "The requested range is not satisfiable"),
    INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
    INVALID_RETENTION_PERIOD("InvalidRetentionPeriod", 400, "The retention period is invalid."),
    INVALID_TAG("InvalidTag", 400, "The TagValue you have provided is invalid"),
    INVALID_PART_NUMBER("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"),
    INVALID_TARGET_BUCKET_FOR_LOGGING("InvalidTargetBucketForLogging", 400,
            "The target bucket for logging does not exist, is not owned by you, or does not have the appropriate"
                    + " grants for the log-delivery group."),
    INVALID_TOKEN("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
    INVALID_URI("InvalidURI", 400, "Couldn't parse the specified URI."),
    KEY_TOO_LONG("KeyTooLongError", 400, "Your key is too long"),
    /** SSE-KMS: the key is disabled (S3 prefixes KMS's own code with {@code KMS.}). */
    KMS_DISABLED("KMS.DisabledException", 400, "The KMS key is disabled."),
    /** SSE-KMS: the key is pending deletion. */
    KMS_INVALID_STATE("KMS.KMSInvalidStateException", 400, "The KMS key is in a state that does not allow its use."),
    /** SSE-KMS: no such key or alias, or a malformed key id. */
    KMS_NOT_FOUND("KMS.NotFoundException", 400, "The KMS key does not exist."),
    MALFORMED_POLICY("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'"),
    MALFORMED_POST_REQUEST("MalformedPOSTRequest", 400,
            "The body of your POST request is not well-formed multipart/form-data."),
    MALFORMED_ACL_ERROR("MalformedACLError", 400,
            "The XML you provided was not well-formed or did not validate against our published schema"),
    MALFORMED_XML("MalformedXML", 400,
            "The XML you provided was not well-formed or did not validate against our published schema"),
    MAX_POST_PRE_DATA_LENGTH_EXCEEDED("MaxPostPreDataLengthExceeded", 400,
            "Your POST request fields preceeding the upload file was too large."),
    MAX_MESSAGE_LENGTH_EXCEEDED("MaxMessageLengthExceeded", 400, "Your request was too big."),
    METADATA_TOO_LARGE("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
    MISSING_REQUEST_BODY("MissingRequestBodyError", 400, "Request Body is empty"),
    MISSING_SECURITY_HEADER("MissingSecurityHeader", 400, "Your request was missing a required header"),
    NO_SUCH_BUCKET("NoSuchBucket", 404, "The specified bucket does not exist"),
    NO_SUCH_BUCKET_POLICY("NoSuchBucketPolicy", 404, "The bucket policy does not exist"),
    NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION("NoSuchPublicAccessBlockConfiguration", 404,
            "The public access block configuration was not found"),
    NO_SUCH_CORS_CONFIGURATION("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"),
    NO_SUCH_KEY("NoSuchKey", 404, "The specified key does not exist."),
    NO_SUCH_LIFECYCLE_CONFIGURATION("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"),
    NO_SUCH_UPLOAD("NoSuchUpload", 404,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted"
                    + " or completed."),
    NO_SUCH_VERSION("NoSuchVersion", 404,
            "The specified version does not exist."),
    NO_SUCH_OBJECT_LOCK_CONFIGURATION("NoSuchObjectLockConfiguration", 404,
            "The specified object does not have a ObjectLock configuration"),
    NO_SUCH_TAG_SET("NoSuchTagSet", 404, "The TagSet does not exist"),
    NOT_IMPLEMENTED("NotImplemented", 501, "A header you provided implies functionality that is not implemented"),
    OWNERSHIP_CONTROLS_NOT_FOUND("OwnershipControlsNotFoundError", 404,
            "The bucket ownership controls were not found"),
    OBJECT_LOCK_CONFIGURATION_NOT_FOUND("ObjectLockConfigurationNotFoundError", 404,
            "Object Lock configuration does not exist for this bucket"),
    PRECONDITION_FAILED("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"),
    REQUEST_TIME_TOO_SKEWED("RequestTimeTooSkewed", 403,
            "The difference between the request time and the current time is too large."),
    REQUEST_TIMEOUT("RequestTimeout", 400,
            "Your socket connection to the server was not read from or written to within the timeout period."),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Please reduce your request rate."),
    SIGNATURE_DOES_NOT_MATCH("SignatureDoesNotMatch", 403,
            "The request signature we calculated does not match the signature you provided."
                    + " Check your key and signing method."),
    SLOW_DOWN("SlowDown", 503, "Please reduce your request rate."),
    UNEXPECTED_CONTENT("UnexpectedContent", 400, "This request does not support content"),
    X_AMZ_CONTENT_SHA256_MISMATCH("XAmzContentSHA256Mismatch", 400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.");

    private final String code;
    private final int httpStatus;
    private final String defaultMessage;

    S3ErrorCode(String code, int httpStatus, String defaultMessage) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.defaultMessage = defaultMessage;
    }

    /** The wire code, e.g. {@code NoSuchKey}. */
    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String defaultMessage() {
        return defaultMessage;
    }
}
