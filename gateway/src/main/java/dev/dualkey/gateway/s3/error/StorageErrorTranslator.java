package dev.dualkey.gateway.s3.error;

import dev.dualkey.gateway.http.HttpDates;
import dev.dualkey.storage.error.BadDigestException;
import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.EntityTooLargeException;
import dev.dualkey.storage.error.EntityTooSmallException;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidBucketNameException;
import dev.dualkey.storage.error.InvalidChecksumException;
import dev.dualkey.storage.error.InvalidPartException;
import dev.dualkey.storage.error.InvalidPartOrderException;
import dev.dualkey.storage.error.InvalidRangeException;
import dev.dualkey.storage.error.KeyTooLongException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.error.ObjectLockedException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.error.RequestTimeoutException;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageFullException;

/**
 * The one place where storage failures become S3 errors. Storage messages are internal wording, so the S3
 * default message is used unless the storage message is what S3 itself would say (InvalidArgument, checksum
 * texts). The request's bucket, key and version id become the extra elements S3 sends.
 */
public final class StorageErrorTranslator {
    /** AWS's message for a version protected by Object Lock. */
    public static final String OBJECT_LOCKED_MESSAGE = "Access Denied because object protected by object lock.";

    private StorageErrorTranslator() {
    }

    /**
     * @param bucket    the request's bucket, or null
     * @param key       the request's key, or null
     * @param versionId the request's version id, or null
     */
    public static S3Exception translate(StorageException e, String bucket, String key, String versionId) {
        if (e instanceof NoSuchBucketException) {
            return new S3Exception(S3ErrorCode.NO_SUCH_BUCKET).with("BucketName", bucket);
        }
        if (e instanceof BucketAlreadyExistsException) {
            return new S3Exception(S3ErrorCode.BUCKET_ALREADY_EXISTS).with("BucketName", bucket);
        }
        if (e instanceof BucketAlreadyOwnedByYouException) {
            return new S3Exception(S3ErrorCode.BUCKET_ALREADY_OWNED_BY_YOU).with("BucketName", bucket);
        }
        if (e instanceof BucketNotEmptyException) {
            return new S3Exception(S3ErrorCode.BUCKET_NOT_EMPTY).with("BucketName", bucket);
        }
        if (e instanceof InvalidBucketNameException) {
            return new S3Exception(S3ErrorCode.INVALID_BUCKET_NAME).with("BucketName", bucket);
        }
        if (e instanceof NoSuchKeyException nsk) {
            S3Exception x = new S3Exception(S3ErrorCode.NO_SUCH_KEY).with("Key", key);
            if (nsk.deleteMarkerVersionId().isPresent()) {
                x = x.withHeader("x-amz-delete-marker", "true")
                        .withHeader("x-amz-version-id", nsk.deleteMarkerVersionId().get());
            }
            return x;
        }
        if (e instanceof NoSuchVersionException) {
            return new S3Exception(S3ErrorCode.NO_SUCH_VERSION).with("Key", key).with("VersionId", versionId);
        }
        if (e instanceof MethodNotAllowedException m) {
            S3Exception x = new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED).with("ResourceType", "DeleteMarker")
                    .withHeader("x-amz-delete-marker", "true");
            if (m.versionId() != null) {
                x = x.withHeader("x-amz-version-id", m.versionId());
            }
            if (m.lastModified() != null) {
                x = x.withHeader("Last-Modified", HttpDates.format(m.lastModified()));
            }
            return x;
        }
        if (e instanceof ObjectLockedException) {
            // AWS words every Object Lock refusal (delete, overwrite, shortened retention) this way, whatever protects
            // the version (ceph s3-tests and LocalStack's snapshots recorded against AWS).
            return new S3Exception(S3ErrorCode.ACCESS_DENIED, OBJECT_LOCKED_MESSAGE);
        }
        if (e instanceof dev.dualkey.storage.error.InvalidBucketStateException) {
            return new S3Exception(S3ErrorCode.INVALID_BUCKET_STATE, e.getMessage()); // storage words it as S3
        }
        if (e instanceof KeyTooLongException) {
            return new S3Exception(S3ErrorCode.KEY_TOO_LONG);
        }
        if (e instanceof NoSuchUploadException) {
            return new S3Exception(S3ErrorCode.NO_SUCH_UPLOAD);
        }
        if (e instanceof InvalidPartException) {
            return new S3Exception(S3ErrorCode.INVALID_PART);
        }
        if (e instanceof InvalidPartOrderException) {
            return new S3Exception(S3ErrorCode.INVALID_PART_ORDER);
        }
        if (e instanceof EntityTooSmallException) {
            return new S3Exception(S3ErrorCode.ENTITY_TOO_SMALL);
        }
        if (e instanceof EntityTooLargeException) {
            return new S3Exception(S3ErrorCode.ENTITY_TOO_LARGE);
        }
        if (e instanceof BadDigestException) {
            return new S3Exception(S3ErrorCode.BAD_DIGEST);
        }
        if (e instanceof InvalidChecksumException) {
            // Storage words these as S3 does ("The CRC32 you specified did not match the calculated checksum.",
            // "Value for x-amz-checksum-crc32 header is invalid.").
            String msg = e.getMessage();
            S3ErrorCode code = msg != null && msg.startsWith("Value for") ? S3ErrorCode.INVALID_REQUEST
                    : S3ErrorCode.BAD_DIGEST;
            return new S3Exception(code, msg == null ? code.defaultMessage() : msg);
        }
        if (e instanceof IncompleteBodyException) {
            return new S3Exception(S3ErrorCode.INCOMPLETE_BODY);
        }
        if (e instanceof InvalidRangeException) {
            return new S3Exception(S3ErrorCode.INVALID_RANGE);
        }
        if (e instanceof dev.dualkey.storage.error.ConditionalRequestConflictException) {
            return new S3Exception(S3ErrorCode.CONDITIONAL_REQUEST_CONFLICT);
        }
        if (e instanceof PreconditionFailedException) {
            return new S3Exception(S3ErrorCode.PRECONDITION_FAILED);
        }
        if (e instanceof InvalidArgumentException) {
            return new S3Exception(S3ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        if (e instanceof RequestTimeoutException) {
            return new S3Exception(S3ErrorCode.REQUEST_TIMEOUT);
        }
        if (e instanceof SlowDownException) {
            return new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        if (e instanceof dev.dualkey.storage.kv.KvStateUnavailableException) {
            // cluster mode: etcd unreachable or without quorum; nothing was decided, the client retries later
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable.");
        }
        if (e instanceof dev.dualkey.storage.kv.KvConflictException) {
            return new S3Exception(S3ErrorCode.SLOW_DOWN);
        }
        if (e instanceof StorageFullException) {
            return new S3Exception(S3ErrorCode.SERVICE_UNAVAILABLE, "The server is out of storage space.");
        }
        return new S3Exception(S3ErrorCode.INTERNAL_ERROR, S3ErrorCode.INTERNAL_ERROR.defaultMessage(), e);
    }
}
