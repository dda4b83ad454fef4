package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.xml.XmlElement;
import dev.dualkey.gateway.s3.xml.XmlWriter;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ACL and Object Ownership operations: GetBucketAcl, PutBucketAcl, GetObjectAcl, PutObjectAcl (both with
 * {@code versionId}), PutBucketOwnershipControls, GetBucketOwnershipControls, DeleteBucketOwnershipControls.
 *
 * <p>Authorization happened before (ActionTable: {@code s3:PutBucketAcl}, {@code s3:PutObjectAcl} /
 * {@code s3:PutObjectVersionAcl}, ...; a grantee of WRITE_ACP passes through {@link dev.dualkey.gateway.authz.AccountAuthorizer}). Changes are
 * atomic: a bucket ACL inside {@code ObjectStore.updateBucket} (so the ownership setting it is checked against cannot
 * change under it), an object ACL inside {@code ObjectStore.updateObjectMetadata}.
 */
public final class AclOperations {
    private final ObjectStore store;
    private final ResourceAcls acls;

    public AclOperations(ObjectStore store, CanonicalIds ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.acls = new ResourceAcls(ids);
    }

    /** Registers the handlers (replacing the owner-only Get*Acl answers of the bucket and object operations). */
    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.GET_BUCKET_ACL, r -> SmallBody.exchange(r, (q, b) -> getBucketAcl(q)));
        handlers.put(S3Operation.PUT_BUCKET_ACL, r -> SmallBody.exchange(r, this::putBucketAcl));
        handlers.put(S3Operation.GET_OBJECT_ACL, r -> SmallBody.exchange(r, (q, b) -> getObjectAcl(q)));
        handlers.put(S3Operation.PUT_OBJECT_ACL, r -> SmallBody.exchange(r, this::putObjectAcl));
        handlers.put(S3Operation.GET_BUCKET_OWNERSHIP_CONTROLS,
                r -> SmallBody.exchange(r, (q, b) -> getOwnershipControls(q)));
        handlers.put(S3Operation.PUT_BUCKET_OWNERSHIP_CONTROLS,
                r -> SmallBody.exchange(r, this::putOwnershipControls));
        handlers.put(S3Operation.DELETE_BUCKET_OWNERSHIP_CONTROLS,
                r -> SmallBody.exchange(r, (q, b) -> deleteOwnershipControls(q)));
    }

    public ResourceAcls acls() {
        return acls;
    }

    // ---- bucket ACL ----------------------------------------------------------------------------------------

    Reply getBucketAcl(S3Request req) {
        return S3Replies.xml(acls.bucket(store.headBucket(req.bucket())).toXml());
    }

    Reply putBucketAcl(S3Request req, byte[] body) {
        AclRequest requested = AclRequest.forPutAcl(req::header, body, acls.ids());
        String ownerAccount = store.headBucket(req.bucket()).ownerAccountId();
        String ownerId = acls.ids().canonicalId(ownerAccount);
        Acl acl = requested.resolve(ownerId, ownerId, true);
        store.updateBucket(req.bucket(), config -> withBucketAcl(config, acl, ownerId));
        return Reply.status(200);
    }

    /**
     * {@code config} with {@code acl} as its bucket ACL, after the checks of its ownership setting and Block Public
     * Access (run inside the bucket's atomic update).
     */
    static BucketConfig withBucketAcl(BucketConfig config, Acl acl, String ownerId) {
        boolean enforced = ObjectOwnership.configured(config).filter(o -> !o.aclsEnabled()).isPresent();
        if (enforced) {
            if (!acl.onlyFullControlFor(ownerId)) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            }
            return config.withSubresource(ResourceAcls.KEY, null);
        }
        if (acl.isPublic() && PublicAclBlock.blocksPublicAcls(config)) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        return config.withSubresource(ResourceAcls.KEY, acl.equals(Acl.privateTo(ownerId)) ? null : acl.encode());
    }

    // ---- object ACL ----------------------------------------------------------------------------------------

    Reply getObjectAcl(S3Request req) {
        BucketInfo bucket = store.headBucket(req.bucket());
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        Reply reply = S3Replies.xml(acls.object(bucket, v).toXml());
        if (!v.isNullVersion()) {
            reply.header("x-amz-version-id", v.versionId());
        }
        return reply;
    }

    Reply putObjectAcl(S3Request req, byte[] body) {
        AclRequest requested = AclRequest.forPutAcl(req::header, body, acls.ids());
        BucketInfo bucket = store.headBucket(req.bucket());
        String bucketOwnerId = acls.ids().canonicalId(bucket.ownerAccountId());
        boolean enabled = ObjectOwnership.effective(bucket).aclsEnabled();
        boolean blockPublic = PublicAclBlock.blocksPublicAcls(bucket.config());
        // A version's owner never changes: resolve the ACL for it, then update exactly that version.
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        String ownerId = enabled ? acls.ids().canonicalId(v.ownerAccountId()) : bucketOwnerId;
        Acl acl = requested.resolve(ownerId, bucketOwnerId, false);
        if (!enabled) {
            if (!acl.onlyFullControlFor(bucketOwnerId)) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            }
        } else if (acl.isPublic() && blockPublic) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        String stored = !enabled || acl.equals(Acl.privateTo(ownerId)) ? null : acl.encode();
        ObjectVersion updated = store.updateObjectMetadata(req.bucket(), req.key(), v.versionId(),
                meta -> meta.toBuilder().attribute(ResourceAcls.KEY, stored).build());
        Reply reply = Reply.status(200);
        if (!updated.isNullVersion()) {
            reply.header("x-amz-version-id", updated.versionId());
        }
        return reply;
    }

    // ---- Object Ownership ----------------------------------------------------------------------------------

    Reply getOwnershipControls(S3Request req) {
        BucketInfo bucket = store.headBucket(req.bucket());
        ObjectOwnership o = ObjectOwnership.configured(bucket.config()).orElseThrow(() -> new S3Exception(
                S3ErrorCode.OWNERSHIP_CONTROLS_NOT_FOUND).with("BucketName", req.bucket()));
        return S3Replies.xml(XmlWriter.s3("OwnershipControls").start("Rule")
                .element("ObjectOwnership", o.wire()).end());
    }

    /**
     * PutBucketOwnershipControls: one {@code Rule} with one {@code ObjectOwnership} (MalformedXML otherwise, as S3).
     * BucketOwnerEnforced is refused with InvalidBucketAclWithObjectOwnership while the bucket's ACL grants anyone
     * but the owner (AWS: reset the bucket ACL to private first).
     */
    Reply putOwnershipControls(S3Request req, byte[] body) {
        ObjectOwnership o = parseOwnershipControls(body);
        String ownerId = acls.ids().canonicalId(store.headBucket(req.bucket()).ownerAccountId());
        store.updateBucket(req.bucket(), config -> {
            String stored = config.subresource(ResourceAcls.KEY);
            if (!o.aclsEnabled() && stored != null && !Acl.decode(stored).onlyFullControlFor(ownerId)) {
                throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
            }
            return config.withSubresource(ObjectOwnership.SUBRESOURCE, o.wire());
        });
        return Reply.status(200);
    }

    static ObjectOwnership parseOwnershipControls(byte[] body) {
        XmlElement root = XmlElement.parse(body);
        List<XmlElement> rules = root.children("Rule");
        if (!root.name().equals("OwnershipControls") || rules.size() != 1 || root.children().size() != 1) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        List<XmlElement> values = rules.get(0).children("ObjectOwnership");
        if (values.size() != 1 || rules.get(0).children().size() != 1) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        return ObjectOwnership.fromWire(values.get(0).text())
                .orElseThrow(() -> new S3Exception(S3ErrorCode.MALFORMED_XML));
    }

    Reply deleteOwnershipControls(S3Request req) {
        store.updateBucket(req.bucket(), config -> config.withSubresource(ObjectOwnership.SUBRESOURCE, null));
        return S3Replies.noContent();
    }
}
