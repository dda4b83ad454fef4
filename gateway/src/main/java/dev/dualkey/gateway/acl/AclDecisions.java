package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.authz.AclSide;
import dev.dualkey.gateway.authz.Arns;
import dev.dualkey.gateway.authz.AuthzRequest;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Objects;

/**
 * {@link AclSide} over the stored ACLs: maps the check's action to the ACL permission it needs
 * ({@link AclEvaluator}), reads the bucket's or the addressed object version's ACL ({@link ResourceAcls}; the
 * version from the request's {@code s3:VersionId}), drops public grants when Block Public Access says
 * IgnorePublicAcls, and answers how a grant reaches the caller: {@link AclSide.Grant#CALLER} for AllUsers (anyone,
 * anonymous too) and AuthenticatedUsers (any signed caller), {@link AclSide.Grant#ACCOUNT} for a grant to the
 * caller's account by canonical id. Buckets with ACLs disabled (BucketOwnerEnforced) grant through their ACL only
 * what the owner-only ACL grants.
 */
public final class AclDecisions implements AclSide {
    private final ObjectStore store;
    private final ResourceAcls acls;

    public AclDecisions(ObjectStore store, ResourceAcls acls) {
        this.store = Objects.requireNonNull(store, "store");
        this.acls = Objects.requireNonNull(acls, "acls");
    }

    @Override
    public Grant grant(AuthzRequest request, BucketInfo bucket) {
        if (!ObjectOwnership.effective(bucket).aclsEnabled()) {
            return AclSide.OWNER_ONLY.grant(request, bucket);
        }
        String resource = request.resource();
        String bucketArn = Arns.bucket(bucket.name());
        Acl acl;
        Permission wanted;
        if (resource.equals(bucketArn)) {
            wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.BUCKET);
            acl = wanted == null ? null : acls.bucket(bucket);
        } else if (resource.startsWith(bucketArn + "/")) {
            String key = resource.substring(bucketArn.length() + 1);
            if (AclEvaluator.onObjectAcl(request.action())) {
                String versionId = request.key("s3:VersionId");
                if (versionId == null && request.action().contains("Version")) {
                    // A version action whose version the context does not name (a copy source's versionId travels
                    // in x-amz-copy-source): never judged on another version's ACL; refused (stricter than AWS).
                    return Grant.NONE;
                }
                wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.OBJECT);
                acl = objectAcl(bucket, key, versionId);
            } else {
                wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.BUCKET_FOR_OBJECT);
                acl = wanted == null ? null : acls.bucket(bucket);
            }
        } else {
            return Grant.NONE;
        }
        if (acl == null || wanted == null) {
            return Grant.NONE;
        }
        if (PublicAclBlock.ignoresPublicAcls(bucket.config())) {
            acl = acl.withoutPublicGrants();
        }
        String caller = request.subject().isAnonymous() ? null
                : acls.ids().canonicalId(request.subject().accountId());
        return switch (AclEvaluator.match(acl, wanted, caller)) {
            case CALLER -> Grant.CALLER;
            case ACCOUNT -> Grant.ACCOUNT;
            case NONE -> Grant.NONE;
        };
    }

    /** The ACL of the addressed version, or null when there is none to read (the request then fails as S3 says). */
    private Acl objectAcl(BucketInfo bucket, String key, String versionId) {
        try {
            ObjectVersion v = store.headObject(bucket.name(), key, versionId);
            return acls.object(bucket, v);
        } catch (StorageException e) {
            return null;
        }
    }
}
