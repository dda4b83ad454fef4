package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.retention.RetentionBypass;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Put/GetObjectLockConfiguration, Put/GetObjectRetention, Put/GetObjectLegalHold (spec §1.1-§1.3).
 *
 * <p>Errors as AWS answers them: a bucket without Object Lock: GetObjectLockConfiguration 404
 * ObjectLockConfigurationNotFoundError, the per-version operations 400 InvalidRequest "Bucket is missing Object Lock
 * Configuration"; a version never locked: 404 NoSuchObjectLockConfiguration; PutObjectLockConfiguration on a bucket
 * whose versioning is not Enabled: 409 InvalidBucketState (from the store, which keeps the invariant); a retention
 * change the lock forbids: 403 AccessDenied "Access Denied because object protected by object lock." (from the
 * store). Enabling Object Lock on an existing versioning-Enabled bucket is allowed, as AWS has allowed it since
 * November 2023.
 */
public final class ObjectLockOperations {
    private final ObjectStore store;
    private final ProtectedOperations protect;
    private final boolean mfaOverPlainHttpAllowed;

    /** A retain-until date must be after the store's clock ("must be in the future"): one clock judges the lock. */
    public ObjectLockOperations(ObjectStore store, ProtectedOperations protect, boolean mfaOverPlainHttpAllowed) {
        this.store = Objects.requireNonNull(store, "store");
        this.protect = Objects.requireNonNull(protect, "protect");
        this.mfaOverPlainHttpAllowed = mfaOverPlainHttpAllowed;
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_OBJECT_LOCK_CONFIGURATION, r -> {
            ChecksumRequired.require(r);
            return SmallBody.exchange(r, this::putObjectLockConfiguration);
        });
        handlers.put(S3Operation.GET_OBJECT_LOCK_CONFIGURATION,
                r -> SmallBody.exchange(r, (q, b) -> getObjectLockConfiguration(q)));
        handlers.put(S3Operation.PUT_OBJECT_RETENTION, r -> {
            ChecksumRequired.require(r);
            return SmallBody.exchange(r, this::putObjectRetention);
        });
        handlers.put(S3Operation.GET_OBJECT_RETENTION, r -> SmallBody.exchange(r, (q, b) -> getObjectRetention(q)));
        handlers.put(S3Operation.PUT_OBJECT_LEGAL_HOLD, r -> {
            ChecksumRequired.require(r);
            return SmallBody.exchange(r, this::putObjectLegalHold);
        });
        handlers.put(S3Operation.GET_OBJECT_LEGAL_HOLD, r -> SmallBody.exchange(r, (q, b) -> getObjectLegalHold(q)));
    }

    // ---- bucket configuration -------------------------------------------------------------------------------

    Reply putObjectLockConfiguration(S3Request req, byte[] body) {
        LockConfiguration config = LockConfiguration.parse(body);
        // The store refuses (InvalidBucketState) unless versioning is Enabled, atomically with the change.
        store.updateBucket(req.bucket(), c -> c.withObjectLockEnabled(true)
                .withSubresource(LockConfiguration.SUBRESOURCE, config.stored()));
        return Reply.status(200);
    }

    Reply getObjectLockConfiguration(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        if (!b.config().objectLockEnabled()) {
            throw new S3Exception(S3ErrorCode.OBJECT_LOCK_CONFIGURATION_NOT_FOUND).with("BucketName", req.bucket());
        }
        LockConfiguration config = LockConfiguration.fromStored(b.config().subresource(LockConfiguration.SUBRESOURCE));
        return S3Replies.xml((config == null ? LockConfiguration.ENABLED_ONLY : config).toXml());
    }

    // ---- retention ------------------------------------------------------------------------------------------

    private BucketInfo requireLockBucket(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        if (!b.config().objectLockEnabled()) {
            throw new S3Exception(S3ErrorCode.INVALID_REQUEST, LockHeaders.MISSING_LOCK);
        }
        return b;
    }

    Reply putObjectRetention(S3Request req, byte[] body) {
        BucketInfo bucket = requireLockBucket(req);
        XmlElement root = XmlElement.parse(body);
        if (!root.name().equals("Retention")) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        String mode = root.childText("Mode").orElse(null);
        String untilText = root.childText("RetainUntilDate").orElse(null);
        Instant until = null;
        if (mode != null || untilText != null) {
            // An empty <Retention/> removes the retention (GOVERNANCE with the bypass; AWS). A lone field is invalid.
            if (mode == null || untilText == null || !LockHeaders.validMode(mode)) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            until = LockHeaders.parseDate(untilText);
            if (until == null) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            if (!until.isAfter(store.clock().instant())) {
                throw LockHeaders.notInFuture(until);
            }
        }
        RetentionBypass bypass = GovernanceBypass.of(req, bucket, req.key());
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        ObjectVersion v = S3Refusals.orThrow(protect.putObjectRetention(mfa, req.bucket(), req.key(),
                req.versionId(), mode, until, bypass), mfa);
        return versionHeader(Reply.status(200), v);
    }

    Reply getObjectRetention(S3Request req) {
        requireLockBucket(req);
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        if (v.metadata().retentionMode() == null || v.metadata().retainUntil() == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_OBJECT_LOCK_CONFIGURATION);
        }
        return versionHeader(S3Replies.xml(XmlWriter.s3("Retention").element("Mode", v.metadata().retentionMode())
                .element("RetainUntilDate", v.metadata().retainUntil())), v);
    }

    // ---- legal hold -----------------------------------------------------------------------------------------

    Reply putObjectLegalHold(S3Request req, byte[] body) {
        requireLockBucket(req);
        XmlElement root = XmlElement.parse(body);
        String status = root.name().equals("LegalHold") ? root.childText("Status").orElse(null) : null;
        if (!"ON".equals(status) && !"OFF".equals(status)) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        boolean on = status.equals("ON");
        // A legal hold is switched freely by whoever may call this (AWS); it is not retention, so no bypass.
        ObjectVersion v = store.updateObjectMetadata(req.bucket(), req.key(), req.versionId(),
                m -> m.toBuilder().legalHold(on).attribute(LockHeaders.HOLD_ATTRIBUTE, status).build());
        return versionHeader(Reply.status(200), v);
    }

    Reply getObjectLegalHold(S3Request req) {
        requireLockBucket(req);
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        String status = LockHeaders.legalHoldStatus(v.metadata());
        if (status == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_OBJECT_LOCK_CONFIGURATION);
        }
        return versionHeader(S3Replies.xml(XmlWriter.s3("LegalHold").element("Status", status)), v);
    }

    private static Reply versionHeader(Reply reply, ObjectVersion v) {
        return v.isNullVersion() ? reply : reply.header("x-amz-version-id", v.versionId());
    }
}
