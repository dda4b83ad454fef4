package dev.dualkey.gateway.s3;

/**
 * The S3 operations the router knows, named as in the S3 API, each with the IAM action it needs and how its
 * body is read: not at all, aggregated up to a cap (XML documents), or streamed (object data).
 */
public enum S3Operation {
    LIST_BUCKETS("ListBuckets", "s3:ListAllMyBuckets", Body.NONE),
    CREATE_BUCKET("CreateBucket", "s3:CreateBucket", Body.XML),
    HEAD_BUCKET("HeadBucket", "s3:ListBucket", Body.NONE),
    DELETE_BUCKET("DeleteBucket", "s3:DeleteBucket", Body.NONE),
    GET_BUCKET_LOCATION("GetBucketLocation", "s3:GetBucketLocation", Body.NONE),
    GET_BUCKET_ACL("GetBucketAcl", "s3:GetBucketAcl", Body.NONE),
    GET_OBJECT_ACL("GetObjectAcl", "s3:GetObjectAcl", Body.NONE),
    GET_BUCKET_VERSIONING("GetBucketVersioning", "s3:GetBucketVersioning", Body.NONE),
    PUT_BUCKET_VERSIONING("PutBucketVersioning", "s3:PutBucketVersioning", Body.XML),
    LIST_OBJECTS("ListObjects", "s3:ListBucket", Body.NONE),
    LIST_OBJECTS_V2("ListObjectsV2", "s3:ListBucket", Body.NONE),
    LIST_OBJECT_VERSIONS("ListObjectVersions", "s3:ListBucketVersions", Body.NONE),
    PUT_OBJECT("PutObject", "s3:PutObject", Body.STREAM),
    GET_OBJECT("GetObject", "s3:GetObject", Body.NONE),
    HEAD_OBJECT("HeadObject", "s3:GetObject", Body.NONE),
    COPY_OBJECT("CopyObject", "s3:PutObject", Body.NONE),
    DELETE_OBJECT("DeleteObject", "s3:DeleteObject", Body.NONE),
    DELETE_OBJECTS("DeleteObjects", "s3:DeleteObject", Body.LARGE_XML),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload", "s3:PutObject", Body.NONE),
    UPLOAD_PART("UploadPart", "s3:PutObject", Body.STREAM),
    UPLOAD_PART_COPY("UploadPartCopy", "s3:PutObject", Body.NONE),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload", "s3:PutObject", Body.LARGE_XML),
    ABORT_MULTIPART_UPLOAD("AbortMultipartUpload", "s3:AbortMultipartUpload", Body.NONE),
    LIST_PARTS("ListParts", "s3:ListMultipartUploadParts", Body.NONE),
    LIST_MULTIPART_UPLOADS("ListMultipartUploads", "s3:ListBucketMultipartUploads", Body.NONE);

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
    private final String action;
    private final Body body;

    S3Operation(String apiName, String action, Body body) {
        this.apiName = apiName;
        this.action = action;
        this.body = body;
    }

    /** The S3 API name, e.g. {@code ListObjectsV2}. */
    public String apiName() {
        return apiName;
    }

    /** The IAM action checked by the authorizer, e.g. {@code s3:GetObject}. */
    public String action() {
        return action;
    }

    public Body body() {
        return body;
    }
}
