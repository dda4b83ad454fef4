package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.authz.AclSide;
import dev.dualkey.gateway.authz.Arns;
import dev.dualkey.gateway.authz.AuthzRequest;
import dev.dualkey.gateway.authz.Subject;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Objects;

/**
 * {@link AclSide} over the stored ACLs: maps the check's action to the ACL permission it needs
 * ({@link AclEvaluator}), reads the bucket's or the object version's ACL ({@link ResourceAcls}), drops public grants
 * when Block Public Access says IgnorePublicAcls, and allows when a grant covers the caller. Buckets with ACLs
 * disabled (BucketOwnerEnforced) never allow through an ACL.
 *
 * <p>The caller: its account's canonical id; an anonymous request (principal {@code *}, see
 * {@link #isAnonymous}) matches only AllUsers grants; every signed request also matches AuthenticatedUsers.
 */
public final class AclDecisions implements AclSide {
    private final ObjectStore store;
    private final ResourceAcls acls;

    public AclDecisions(ObjectStore store, ResourceAcls acls) {
        this.store = Objects.requireNonNull(store, "store");
        this.acls = Objects.requireNonNull(acls, "acls");
    }

    /** Whether the subject is the anonymous principal (an unsigned request): its ARN is {@code *}. */
    public static boolean isAnonymous(Subject subject) {
        return "*".equals(subject.arn());
    }

    @Override
    public Decision decide(AuthzRequest request, BucketInfo bucket) {
        if (!ObjectOwnership.effective(bucket).aclsEnabled()) {
            return Decision.IMPLICIT_DENY;
        }
        String resource = request.resource();
        String bucketArn = Arns.bucket(bucket.name());
        String caller = isAnonymous(request.subject()) ? null
                : acls.ids().canonicalId(request.subject().accountId());
        boolean ignorePublic = PublicAclBlock.ignoresPublicAcls(bucket.config());
        Acl acl;
        Permission wanted;
        if (resource.equals(bucketArn)) {
            wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.BUCKET);
            acl = wanted == null ? null : acls.bucket(bucket);
        } else if (resource.startsWith(bucketArn + "/")) {
            String key = resource.substring(bucketArn.length() + 1);
            if (AclEvaluator.onObjectAcl(request.action())) {
                wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.OBJECT);
                acl = objectAcl(bucket, key, request.key("s3:VersionId"));
            } else {
                wanted = AclEvaluator.permission(request.action(), AclEvaluator.Target.BUCKET_FOR_OBJECT);
                acl = wanted == null ? null : acls.bucket(bucket);
            }
        } else {
            return Decision.IMPLICIT_DENY;
        }
        if (acl == null || wanted == null) {
            return Decision.IMPLICIT_DENY;
        }
        if (ignorePublic) {
            acl = acl.withoutPublicGrants();
        }
        return AclEvaluator.grants(acl, wanted, caller) ? Decision.ALLOW : Decision.IMPLICIT_DENY;
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
