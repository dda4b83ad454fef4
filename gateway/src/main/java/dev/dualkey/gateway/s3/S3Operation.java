package dev.dualkey.gateway.s3;

/**
 * The S3 operations the router knows, named as in the S3 API, each with how its body is read: not at all,
 * aggregated up to a cap (XML documents), or streamed (object data). The actions and resources AWS evaluates for
 * each are in {@link dev.dualkey.gateway.authz.ActionTable}.
 */
public enum S3Operation {
    LIST_BUCKETS("ListBuckets", Body.NONE),
    CREATE_BUCKET("CreateBucket", Body.XML),
    HEAD_BUCKET("HeadBucket", Body.NONE),
    DELETE_BUCKET("DeleteBucket", Body.NONE),
    GET_BUCKET_LOCATION("GetBucketLocation", Body.NONE),
    GET_BUCKET_ACL("GetBucketAcl", Body.NONE),
    GET_OBJECT_ACL("GetObjectAcl", Body.NONE),
    GET_BUCKET_VERSIONING("GetBucketVersioning", Body.NONE),
    PUT_BUCKET_VERSIONING("PutBucketVersioning", Body.XML),
    LIST_OBJECTS("ListObjects", Body.NONE),
    LIST_OBJECTS_V2("ListObjectsV2", Body.NONE),
    LIST_OBJECT_VERSIONS("ListObjectVersions", Body.NONE),
    PUT_OBJECT("PutObject", Body.STREAM),
    GET_OBJECT("GetObject", Body.NONE),
    HEAD_OBJECT("HeadObject", Body.NONE),
    COPY_OBJECT("CopyObject", Body.NONE),
    DELETE_OBJECT("DeleteObject", Body.NONE),
    DELETE_OBJECTS("DeleteObjects", Body.LARGE_XML),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload", Body.NONE),
    UPLOAD_PART("UploadPart", Body.STREAM),
    UPLOAD_PART_COPY("UploadPartCopy", Body.NONE),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload", Body.LARGE_XML),
    ABORT_MULTIPART_UPLOAD("AbortMultipartUpload", Body.NONE),
    LIST_PARTS("ListParts", Body.NONE),
    LIST_MULTIPART_UPLOADS("ListMultipartUploads", Body.NONE),
    PUT_BUCKET_POLICY("PutBucketPolicy", Body.XML),
    GET_BUCKET_POLICY("GetBucketPolicy", Body.NONE),
    DELETE_BUCKET_POLICY("DeleteBucketPolicy", Body.NONE),
    GET_BUCKET_POLICY_STATUS("GetBucketPolicyStatus", Body.NONE),
    PUT_PUBLIC_ACCESS_BLOCK("PutPublicAccessBlock", Body.XML),
    GET_PUBLIC_ACCESS_BLOCK("GetPublicAccessBlock", Body.NONE),
    DELETE_PUBLIC_ACCESS_BLOCK("DeletePublicAccessBlock", Body.NONE),
    PUT_BUCKET_CORS("PutBucketCors", Body.XML),
    GET_BUCKET_CORS("GetBucketCors", Body.NONE),
    DELETE_BUCKET_CORS("DeleteBucketCors", Body.NONE),
    // lifecycle: up to 1000 rules do not fit the 64 KiB of Body.XML
    PUT_BUCKET_LIFECYCLE_CONFIGURATION("PutBucketLifecycleConfiguration", Body.LARGE_XML),
    GET_BUCKET_LIFECYCLE_CONFIGURATION("GetBucketLifecycleConfiguration", Body.NONE),
    DELETE_BUCKET_LIFECYCLE("DeleteBucketLifecycle", Body.NONE),
    GET_BUCKET_ENCRYPTION("GetBucketEncryption", Body.NONE),
    PUT_BUCKET_ENCRYPTION("PutBucketEncryption", Body.XML),
    DELETE_BUCKET_ENCRYPTION("DeleteBucketEncryption", Body.NONE),
    PUT_BUCKET_ACL("PutBucketAcl", Body.XML),
    PUT_OBJECT_ACL("PutObjectAcl", Body.XML),
    GET_BUCKET_OWNERSHIP_CONTROLS("GetBucketOwnershipControls", Body.NONE),
    PUT_BUCKET_OWNERSHIP_CONTROLS("PutBucketOwnershipControls", Body.XML),
    DELETE_BUCKET_OWNERSHIP_CONTROLS("DeleteBucketOwnershipControls", Body.NONE),
    PUT_OBJECT_LOCK_CONFIGURATION("PutObjectLockConfiguration", Body.XML),
    GET_OBJECT_LOCK_CONFIGURATION("GetObjectLockConfiguration", Body.NONE),
    PUT_OBJECT_RETENTION("PutObjectRetention", Body.XML),
    GET_OBJECT_RETENTION("GetObjectRetention", Body.NONE),
    PUT_OBJECT_LEGAL_HOLD("PutObjectLegalHold", Body.XML),
    GET_OBJECT_LEGAL_HOLD("GetObjectLegalHold", Body.NONE),
    PUT_OBJECT_TAGGING("PutObjectTagging", Body.XML),
    GET_OBJECT_TAGGING("GetObjectTagging", Body.NONE),
    DELETE_OBJECT_TAGGING("DeleteObjectTagging", Body.NONE),
    PUT_BUCKET_TAGGING("PutBucketTagging", Body.XML),
    GET_BUCKET_TAGGING("GetBucketTagging", Body.NONE),
    DELETE_BUCKET_TAGGING("DeleteBucketTagging", Body.NONE),
    GET_OBJECT_ATTRIBUTES("GetObjectAttributes", Body.NONE),
    PUT_BUCKET_LOGGING("PutBucketLogging", Body.XML),
    GET_BUCKET_LOGGING("GetBucketLogging", Body.NONE);

    /** How the front door reads the body. */
    public enum Body {
        /** No body expected; anything sent is read and ignored up to a small cap. */
        NONE(64 * 1024),
        /** A small XML document (bucket configurations). */
        XML(64 * 1024),
        /** A larger XML document: up to 1000 keys to delete, or 10,000 parts to complete. */
        LARGE_XML(4 * 1024 * 1024),
        /** Object data: streamed with back-pressure, never aggregated. */
        STREAM(-1);

        private final long maxBytes;

        Body(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        /** Aggregation cap, -1 for streamed bodies. */
        public long maxBytes() {
            return maxBytes;
        }
    }

    private final String apiName;
    private final Body body;

    S3Operation(String apiName, Body body) {
        this.apiName = apiName;
        this.body = body;
    }

    /** The S3 API name, e.g. {@code ListObjectsV2}. */
    public String apiName() {
        return apiName;
    }

    public Body body() {
        return body;
    }
}
