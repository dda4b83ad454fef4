package dev.dualkey.gateway.authz;

import dev.dualkey.gateway.iam.IamAction;
import dev.dualkey.gateway.s3.CopySource;
import dev.dualkey.gateway.s3.S3Operation;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The AWS action table: for every S3, IAM and STS operation Dualkey implements, the action(s) AWS evaluates and
 * on which resource ARN(s) (AWS's "Actions, resources, and condition keys for Amazon S3", and each S3 operation's
 * "Permissions" section). A request is allowed only when every check of its row is.
 *
 * <p>The S3 rows are an exhaustive switch: a new {@link S3Operation} does not compile until it has its row.
 * DeleteObjects has no request-level check: AWS evaluates each entry as {@code s3:DeleteObject} (or
 * {@code s3:DeleteObjectVersion} with a version id) on that key's ARN ({@link #deleteObjectsEntry}).
 */
public final class ActionTable {
    private ActionTable() {
    }

    /**
     * The checks of an S3 request.
     *
     * @param bucket    the addressed bucket, null for service-level requests
     * @param key       the addressed key, null for bucket-level requests
     * @param versionId the {@code versionId} query parameter, null when absent or empty
     * @param source    the parsed {@code x-amz-copy-source} of CopyObject / UploadPartCopy, else null
     */
    public static List<Check> s3(S3Operation operation, String bucket, String key, String versionId,
                                 CopySource source) {
        boolean versioned = versionId != null;
        return switch (operation) {
            case LIST_BUCKETS -> List.of(new Check("s3:ListAllMyBuckets", "*"));
            case CREATE_BUCKET -> List.of(Check.bucket("s3:CreateBucket", bucket));
            case HEAD_BUCKET -> List.of(Check.bucket("s3:ListBucket", bucket));
            case DELETE_BUCKET -> List.of(Check.bucket("s3:DeleteBucket", bucket));
            case GET_BUCKET_LOCATION -> List.of(Check.bucket("s3:GetBucketLocation", bucket));
            case GET_BUCKET_ACL -> List.of(Check.bucket("s3:GetBucketAcl", bucket));
            case GET_BUCKET_VERSIONING -> List.of(Check.bucket("s3:GetBucketVersioning", bucket));
            case PUT_BUCKET_VERSIONING -> List.of(Check.bucket("s3:PutBucketVersioning", bucket));
            case LIST_OBJECTS, LIST_OBJECTS_V2 -> List.of(Check.bucket("s3:ListBucket", bucket));
            case LIST_OBJECT_VERSIONS -> List.of(Check.bucket("s3:ListBucketVersions", bucket));
            case LIST_MULTIPART_UPLOADS -> List.of(Check.bucket("s3:ListBucketMultipartUploads", bucket));
            case GET_OBJECT, HEAD_OBJECT -> List.of(Check.object(
                    versioned ? "s3:GetObjectVersion" : "s3:GetObject", bucket, key));
            case GET_OBJECT_ACL -> List.of(Check.object(
                    versioned ? "s3:GetObjectVersionAcl" : "s3:GetObjectAcl", bucket, key));
            case PUT_OBJECT, CREATE_MULTIPART_UPLOAD, UPLOAD_PART, COMPLETE_MULTIPART_UPLOAD ->
                    List.of(Check.object("s3:PutObject", bucket, key));
            case COPY_OBJECT, UPLOAD_PART_COPY -> List.of(copySource(source),
                    Check.object("s3:PutObject", bucket, key));
            case DELETE_OBJECT -> List.of(Check.object(
                    versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject", bucket, key));
            case DELETE_OBJECTS -> List.of();
            case ABORT_MULTIPART_UPLOAD -> List.of(Check.object("s3:AbortMultipartUpload", bucket, key));
            case LIST_PARTS -> List.of(Check.object("s3:ListMultipartUploadParts", bucket, key));
            case PUT_BUCKET_POLICY -> List.of(Check.bucket("s3:PutBucketPolicy", bucket));
            case GET_BUCKET_POLICY -> List.of(Check.bucket("s3:GetBucketPolicy", bucket));
            case DELETE_BUCKET_POLICY -> List.of(Check.bucket("s3:DeleteBucketPolicy", bucket));
            case GET_BUCKET_POLICY_STATUS -> List.of(Check.bucket("s3:GetBucketPolicyStatus", bucket));
            case PUT_PUBLIC_ACCESS_BLOCK, DELETE_PUBLIC_ACCESS_BLOCK ->
                    List.of(Check.bucket("s3:PutBucketPublicAccessBlock", bucket));
            case GET_PUBLIC_ACCESS_BLOCK -> List.of(Check.bucket("s3:GetBucketPublicAccessBlock", bucket));
            // AWS: DeleteBucketCors is authorized as s3:PutBucketCORS
            case PUT_BUCKET_CORS, DELETE_BUCKET_CORS -> List.of(Check.bucket("s3:PutBucketCORS", bucket));
            case GET_BUCKET_CORS -> List.of(Check.bucket("s3:GetBucketCORS", bucket));
            case PUT_BUCKET_LIFECYCLE_CONFIGURATION, DELETE_BUCKET_LIFECYCLE ->
                    List.of(Check.bucket("s3:PutLifecycleConfiguration", bucket));
            case GET_BUCKET_LIFECYCLE_CONFIGURATION -> List.of(Check.bucket("s3:GetLifecycleConfiguration", bucket));
            case GET_BUCKET_ENCRYPTION -> List.of(Check.bucket("s3:GetEncryptionConfiguration", bucket));
            case PUT_BUCKET_ENCRYPTION, DELETE_BUCKET_ENCRYPTION ->
                    List.of(Check.bucket("s3:PutEncryptionConfiguration", bucket));
            case PUT_BUCKET_ACL -> List.of(Check.bucket("s3:PutBucketAcl", bucket));
            case PUT_OBJECT_ACL -> List.of(Check.object(
                    versioned ? "s3:PutObjectVersionAcl" : "s3:PutObjectAcl", bucket, key));
            case GET_BUCKET_OWNERSHIP_CONTROLS -> List.of(Check.bucket("s3:GetBucketOwnershipControls", bucket));
            // AWS: DeleteBucketOwnershipControls is authorized as s3:PutBucketOwnershipControls
            case PUT_BUCKET_OWNERSHIP_CONTROLS, DELETE_BUCKET_OWNERSHIP_CONTROLS ->
                    List.of(Check.bucket("s3:PutBucketOwnershipControls", bucket));
            case PUT_OBJECT_LOCK_CONFIGURATION ->
                    List.of(Check.bucket("s3:PutBucketObjectLockConfiguration", bucket));
            case GET_OBJECT_LOCK_CONFIGURATION ->
                    List.of(Check.bucket("s3:GetBucketObjectLockConfiguration", bucket));
            case PUT_OBJECT_RETENTION -> List.of(Check.object("s3:PutObjectRetention", bucket, key));
            case GET_OBJECT_RETENTION -> List.of(Check.object("s3:GetObjectRetention", bucket, key));
            case PUT_OBJECT_LEGAL_HOLD -> List.of(Check.object("s3:PutObjectLegalHold", bucket, key));
            case GET_OBJECT_LEGAL_HOLD -> List.of(Check.object("s3:GetObjectLegalHold", bucket, key));
            case PUT_OBJECT_TAGGING -> List.of(Check.object(
                    versioned ? "s3:PutObjectVersionTagging" : "s3:PutObjectTagging", bucket, key));
            case GET_OBJECT_TAGGING -> List.of(Check.object(
                    versioned ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging", bucket, key));
            case DELETE_OBJECT_TAGGING -> List.of(Check.object(
                    versioned ? "s3:DeleteObjectVersionTagging" : "s3:DeleteObjectTagging", bucket, key));
            // AWS: DeleteBucketTagging is authorized as s3:PutBucketTagging (there is no s3:DeleteBucketTagging).
            case PUT_BUCKET_TAGGING, DELETE_BUCKET_TAGGING -> List.of(Check.bucket("s3:PutBucketTagging", bucket));
            case GET_BUCKET_TAGGING -> List.of(Check.bucket("s3:GetBucketTagging", bucket));
            case GET_OBJECT_ATTRIBUTES -> List.of(Check.object(
                    versioned ? "s3:GetObjectVersionAttributes" : "s3:GetObjectAttributes", bucket, key),
                    Check.object(versioned ? "s3:GetObjectVersion" : "s3:GetObject", bucket, key));
            case PUT_BUCKET_LOGGING -> List.of(Check.bucket("s3:PutBucketLogging", bucket));
            case GET_BUCKET_LOGGING -> List.of(Check.bucket("s3:GetBucketLogging", bucket));
        };
    }

    /** The read of a copy's source: {@code s3:GetObject}, or {@code s3:GetObjectVersion} for a given version. */
    private static Check copySource(CopySource source) {
        if (source == null) {
            throw new IllegalArgumentException("a copy needs its source");
        }
        return Check.object(source.versionId() != null ? "s3:GetObjectVersion" : "s3:GetObject",
                source.bucket(), source.key());
    }

    /** One DeleteObjects entry: {@code s3:DeleteObject}, or {@code s3:DeleteObjectVersion} with a version id. */
    public static Check deleteObjectsEntry(String bucket, String key, String versionId) {
        return Check.object(versionId != null ? "s3:DeleteObjectVersion" : "s3:DeleteObject", bucket, key);
    }

    /**
     * The action of an IAM operation: {@code iam:} and its API name, as IAM's service authorization reference
     * lists every one. Its resource is of the type {@link #iamResource} says; the handler builds the ARN from the
     * stored entity ({@code IamContext.authorize}).
     */
    public static String iam(IamAction action) {
        return "iam:" + action.actionName();
    }

    /** The resource type an IAM action is evaluated on (IAM's service authorization reference). */
    public enum IamResource {
        /** {@code arn:aws:iam::<acct>:user/<path><name>}: the target user (the caller when UserName is omitted). */
        USER,
        /** {@code arn:aws:iam::<acct>:mfa/<path><name>}: the virtual MFA device. */
        MFA,
        /** No resource type: {@code *}. */
        NONE
    }

    private static final Map<String, IamResource> IAM_RESOURCES = Map.ofEntries(
            Map.entry("CreateUser", IamResource.USER),
            Map.entry("GetUser", IamResource.USER),
            Map.entry("ListUsers", IamResource.NONE),
            Map.entry("DeleteUser", IamResource.USER),
            Map.entry("CreateAccessKey", IamResource.USER),
            Map.entry("ListAccessKeys", IamResource.USER),
            Map.entry("UpdateAccessKey", IamResource.USER),
            Map.entry("DeleteAccessKey", IamResource.USER),
            Map.entry("CreateLoginProfile", IamResource.USER),
            Map.entry("GetLoginProfile", IamResource.USER),
            Map.entry("UpdateLoginProfile", IamResource.USER),
            Map.entry("DeleteLoginProfile", IamResource.USER),
            Map.entry("ChangePassword", IamResource.USER),
            Map.entry("PutUserPolicy", IamResource.USER),
            Map.entry("GetUserPolicy", IamResource.USER),
            Map.entry("ListUserPolicies", IamResource.USER),
            Map.entry("DeleteUserPolicy", IamResource.USER),
            Map.entry("GetAccountSummary", IamResource.NONE),
            Map.entry("CreateVirtualMFADevice", IamResource.MFA),
            Map.entry("EnableMFADevice", IamResource.USER),
            Map.entry("ResyncMFADevice", IamResource.USER),
            Map.entry("DeactivateMFADevice", IamResource.USER),
            Map.entry("DeleteVirtualMFADevice", IamResource.MFA),
            Map.entry("ListMFADevices", IamResource.USER),
            Map.entry("ListVirtualMFADevices", IamResource.NONE),
            Map.entry("GetMFADevice", IamResource.USER),
            Map.entry("TagMFADevice", IamResource.MFA),
            Map.entry("UntagMFADevice", IamResource.MFA),
            Map.entry("ListMFADeviceTags", IamResource.MFA));

    /**
     * The resource type of an IAM action, or empty for an action without a row (a new IAM action must get one:
     * {@code ActionTableTest} checks every {@link IamAction}).
     */
    public static Optional<IamResource> iamResource(IamAction action) {
        return Optional.ofNullable(IAM_RESOURCES.get(action.actionName()));
    }

    /**
     * The check of an STS operation, empty when AWS evaluates none: {@code GetCallerIdentity} needs no permission
     * (an explicit Deny of {@code sts:GetCallerIdentity} does not stop it), and {@code GetSessionToken} is not
     * authorized by identity policies (AWS: a principal with long-term credentials may always call it; the
     * session then carries the caller's own permissions). Unknown operations are refused by throwing.
     */
    public static Optional<Check> sts(String operation) {
        return switch (operation) {
            case "GetCallerIdentity", "GetSessionToken" -> Optional.empty();
            default -> throw new IllegalArgumentException("no STS row for " + operation);
        };
    }
}
