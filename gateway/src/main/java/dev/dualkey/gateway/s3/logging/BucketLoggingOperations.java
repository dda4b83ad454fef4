package dev.dualkey.gateway.s3.logging;

import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.model.BucketInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * PutBucketLogging and GetBucketLogging. AWS's rules for the target bucket, with Dualkey's way of checking the
 * log writer's permission (AWS lets the logging service principal write by the target's bucket policy; Dualkey
 * delivers as the source bucket's owner, so it decides up front):
 * <ul>
 *   <li>the target bucket exists, is in the source's region and belongs to the source bucket's owner, else 400
 *       InvalidTargetBucketForLogging: nobody can make Dualkey write into someone else's bucket;</li>
 *   <li>the caller must also be allowed {@code s3:PutObject} on {@code target/prefix} (an IAM user allowed to
 *       configure logging cannot use it to write where they may not write), else 403 AccessDenied;</li>
 *   <li>an empty {@code BucketLoggingStatus} turns logging off.</li>
 * </ul>
 * TargetGrants are stored and echoed, and become grants on each delivered log object ({@link LogObjectAcl}: refused
 * with AccessControlListNotSupported when the target bucket has ACLs disabled).
 */
public final class BucketLoggingOperations {
    private final ObjectStore store;
    private final AccessLog accessLog;
    private final dev.dualkey.gateway.acl.CanonicalIds ids;

    public BucketLoggingOperations(ObjectStore store, AccessLog accessLog) {
        this(store, accessLog, null);
    }

    /** @param ids canonical ids of accounts, to check TargetGrants' grantees ({@link LogObjectAcl#check}) */
    public BucketLoggingOperations(ObjectStore store, AccessLog accessLog, dev.dualkey.gateway.acl.CanonicalIds ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
        this.ids = ids;
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_BUCKET_LOGGING, r -> SmallBody.exchange(r, this::put));
        handlers.put(S3Operation.GET_BUCKET_LOGGING, r -> SmallBody.exchange(r, (q, b) -> get(q)));
    }

    Reply put(S3Request req, byte[] body) {
        requireIntegrity(req);
        LoggingStatus status = LoggingStatus.parse(body);
        BucketInfo source = store.headBucket(req.bucket());
        if (status != null) {
            BucketInfo target;
            try {
                target = store.headBucket(status.targetBucket());
            } catch (NoSuchBucketException e) {
                throw invalidTarget(status, "The target bucket for logging does not exist");
            }
            if (!target.ownerAccountId().equals(source.ownerAccountId())) {
                throw invalidTarget(status, "The owner for the bucket to be logged and the target bucket must be the"
                        + " same.");
            }
            if (!target.region().equals(source.region())) {
                throw invalidTarget(status, "The target bucket for logging must be in the same region as the bucket"
                        + " being logged.");
            }
            if (!req.access().allows(Check.object("s3:PutObject", status.targetBucket(),
                    status.targetPrefix()))) {
                throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
            }
            LogObjectAcl.check(status, target, ids);
        }
        String document = status == null ? null : status.toDocument();
        store.updateBucket(req.bucket(), c -> c.withSubresource("logging", document));
        accessLog.configurationChanged(req.bucket(), status != null);
        return Reply.status(200);
    }

    private static S3Exception invalidTarget(LoggingStatus status, String message) {
        return new S3Exception(S3ErrorCode.INVALID_TARGET_BUCKET_FOR_LOGGING, message)
                .with("TargetBucket", status.targetBucket());
    }

    /** PutBucketLogging is {@code requestChecksumRequired}: Content-MD5 or a flexible checksum must protect it. */
    private static void requireIntegrity(S3Request req) {
        if (req.header("Content-MD5") != null || req.header("x-amz-sdk-checksum-algorithm") != null
                || req.header("x-amz-trailer") != null) {
            return;
        }
        for (var a : dev.dualkey.storage.model.ChecksumAlgorithm.values()) {
            if (req.header("x-amz-checksum-" + a.headerSuffix()) != null) {
                return;
            }
        }
        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Missing required header for this request: Content-MD5");
    }

    Reply get(S3Request req) {
        String document = store.headBucket(req.bucket()).config().subresource("logging");
        if (document == null) {
            return S3Replies.xml(LoggingStatus.toXml(null));
        }
        return Reply.status(200).body(document.getBytes(StandardCharsets.UTF_8), "application/xml");
    }
}
