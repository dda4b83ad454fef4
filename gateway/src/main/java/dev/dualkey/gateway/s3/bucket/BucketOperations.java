package dev.dualkey.gateway.s3.bucket;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.identity.CanonicalIds;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.protect.ProtectedRequest;
import dev.dualkey.gateway.protect.VersioningChange;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.protect.S3Refusals;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.VersioningConfiguration;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.gateway.acl.BucketCreation;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import java.util.Map;
import java.util.Objects;

/**
 * Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation,
 * Get/PutBucketVersioning. (Bucket ACLs and Object Ownership: {@code acl.AclOperations}.)
 */
public final class BucketOperations {
    private final ObjectStore store;
    private final String region;
    private final ProtectedOperations protect;
    private final boolean mfaOverPlainHttpAllowed;
    private final BucketCreation creation;

    /**
     * @param protect                 where versioning changes are made (MFA Delete's rule and code check inside
     *                                the bucket's atomic update)
     * @param mfaOverPlainHttpAllowed whether {@code x-amz-mfa} may come without TLS (decision D4)
     * @param creation                the ACL and Object Ownership a new bucket starts with
     */
    public BucketOperations(ObjectStore store, String region, ProtectedOperations protect,
                            boolean mfaOverPlainHttpAllowed, BucketCreation creation) {
        this.store = Objects.requireNonNull(store, "store");
        this.region = Objects.requireNonNull(region, "region");
        this.protect = Objects.requireNonNull(protect, "protect");
        this.mfaOverPlainHttpAllowed = mfaOverPlainHttpAllowed;
        this.creation = Objects.requireNonNull(creation, "creation");
    }

    /** Registers this class's handlers. */
    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.LIST_BUCKETS, r -> SmallBody.exchange(r, (q, b) -> listBuckets(q)));
        handlers.put(S3Operation.CREATE_BUCKET, r -> SmallBody.exchange(r, this::createBucket));
        handlers.put(S3Operation.HEAD_BUCKET, r -> SmallBody.exchange(r, (q, b) -> headBucket(q)));
        handlers.put(S3Operation.DELETE_BUCKET, r -> SmallBody.exchange(r, (q, b) -> deleteBucket(q)));
        handlers.put(S3Operation.GET_BUCKET_LOCATION, r -> SmallBody.exchange(r, (q, b) -> getBucketLocation(q)));
        handlers.put(S3Operation.GET_BUCKET_VERSIONING,
                r -> SmallBody.exchange(r, (q, b) -> getBucketVersioning(q)));
        handlers.put(S3Operation.PUT_BUCKET_VERSIONING, r -> SmallBody.exchange(r, this::putBucketVersioning));
    }

    Reply listBuckets(S3Request req) {
        String account = req.principal().accountId();
        XmlWriter w = XmlWriter.s3("ListAllMyBucketsResult")
                .start("Owner").element("ID", CanonicalIds.of(account)).element("DisplayName", account).end()
                .start("Buckets");
        ListBucketsPaging page = ListBucketsPaging.of(req, store.listBuckets(account));
        for (BucketInfo b : page.buckets()) {
            w.start("Bucket").element("Name", b.name()).element("CreationDate", b.creationDate())
                    .element("BucketRegion", b.region()).end();
        }
        w.end();
        if (page.next() != null) {
            w.element("ContinuationToken", page.next());
        }
        if (req.queryParam("prefix") != null) {
            w.element("Prefix", req.queryParam("prefix"));
        }
        return S3Replies.xml(w);
    }

    Reply createBucket(S3Request req, byte[] body) {
        if (body.length > 0) {
            XmlElement root = XmlElement.parse(body);
            if (!root.name().equals("CreateBucketConfiguration")) {
                throw new S3Exception(S3ErrorCode.MALFORMED_XML);
            }
            String constraint = root.childText("LocationConstraint").orElse("");
            if (constraint.equals("us-east-1")) {
                // S3: us-east-1 is the default and may not be named explicitly.
                throw new S3Exception(S3ErrorCode.INVALID_LOCATION_CONSTRAINT)
                        .with("LocationConstraint", constraint);
            }
            if (!constraint.isEmpty()) {
                if (!constraint.matches("[a-z0-9-]{1,32}")) {
                    throw new S3Exception(S3ErrorCode.INVALID_LOCATION_CONSTRAINT)
                            .with("LocationConstraint", constraint);
                }
                if (!constraint.equals(region)) {
                    // One server is one region: like a regional S3 endpoint, another region's name is refused.
                    throw new S3Exception(S3ErrorCode.ILLEGAL_LOCATION_CONSTRAINT, "The " + constraint
                            + " location constraint is incompatible for the region specific endpoint this request"
                            + " was sent to.");
                }
            }
        }
        String owner = req.principal().accountId();
        BucketCreation.authorize(req);
        BucketConfig initial = creation.initialConfig(req::header, owner);
        // x-amz-bucket-object-lock-enabled: true starts the bucket with versioning Enabled and Object Lock on
        BucketConfig locked = dev.dualkey.gateway.s3.lock.ObjectLockBuckets.initialConfig(req);
        if (locked.objectLockEnabled()) {
            String lockSubresource = dev.dualkey.gateway.s3.lock.LockConfiguration.SUBRESOURCE;
            initial = initial.withVersioning(locked.versioning()).withObjectLockEnabled(true)
                    .withSubresource(lockSubresource, locked.subresource(lockSubresource));
        }
        try {
            store.createBucket(req.bucket(), owner, region, initial);
        } catch (BucketAlreadyOwnedByYouException e) {
            // AWS: 409 BucketAlreadyOwnedByYou in every region but us-east-1, where, for legacy compatibility, a
            // re-create by the owner answers 200 OK and resets the bucket's ACL.
            if (!region.equals("us-east-1")) {
                throw e;
            }
            store.updateBucket(req.bucket(), c -> creation.recreated(c, req::header, owner));
        }
        return Reply.status(200).header("Location", "/" + req.bucket());
    }

    Reply headBucket(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        return Reply.status(200).header("x-amz-bucket-region", b.region());
    }

    Reply deleteBucket(S3Request req) {
        store.deleteBucket(req.bucket());
        return S3Replies.noContent();
    }

    Reply getBucketLocation(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        // S3 reports us-east-1 as an empty LocationConstraint.
        String constraint = b.region().equals("us-east-1") ? null : b.region();
        XmlWriter w = XmlWriter.s3("LocationConstraint");
        if (constraint != null) {
            w.text(constraint);
        }
        return S3Replies.xml(w);
    }

    Reply getBucketVersioning(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        XmlWriter w = XmlWriter.s3("VersioningConfiguration");
        if (b.versioning() != VersioningState.UNVERSIONED) {
            w.element("Status", b.versioning() == VersioningState.ENABLED ? "Enabled" : "Suspended");
        }
        if (b.mfaDelete() != MfaDeleteState.NEVER_CONFIGURED) {
            w.element("MfaDelete", b.mfaDelete() == MfaDeleteState.ENABLED ? "Enabled" : "Disabled");
        }
        return S3Replies.xml(w);
    }

    Reply putBucketVersioning(S3Request req, byte[] body) {
        VersioningConfiguration requested = VersioningConfiguration.parse(body);
        // MFA Delete (D1) is decided and checked inside the atomic update, on the configuration it replaces.
        ProtectedRequest mfa = S3Refusals.request(req, mfaOverPlainHttpAllowed);
        S3Refusals.orThrow(protect.putBucketVersioning(mfa, req.bucket(),
                VersioningChange.s3(requested.status(), requested.mfaDelete())), mfa);
        return Reply.status(200);
    }
}
