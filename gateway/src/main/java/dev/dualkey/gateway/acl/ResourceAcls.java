package dev.dualkey.gateway.acl;

import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Objects;

/**
 * The ACL in force on a bucket or an object version, as stored or by default:
 * <ul>
 *   <li>a bucket without a stored ACL, or with ACLs disabled (BucketOwnerEnforced): its owner's FULL_CONTROL;</li>
 *   <li>a version without a stored ACL: its owner's FULL_CONTROL; in a BucketOwnerEnforced bucket every object reads
 *       as the bucket owner's FULL_CONTROL, whatever was stored before ACLs were disabled (AWS: "Requests to read
 *       ACLs always return a response that shows full control for the bucket owner").</li>
 * </ul>
 */
public final class ResourceAcls {
    /** The attribute name of a version's ACL ({@code ObjectMetadata.attribute}) and the bucket sub-resource. */
    public static final String KEY = "acl";

    private final CanonicalIds ids;

    public ResourceAcls(CanonicalIds ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    public CanonicalIds ids() {
        return ids;
    }

    /** The bucket's ACL. */
    public Acl bucket(BucketInfo bucket) {
        String owner = ids.canonicalId(bucket.ownerAccountId());
        String stored = bucket.config().subresource(KEY);
        if (stored == null || !ObjectOwnership.effective(bucket).aclsEnabled()) {
            return Acl.privateTo(owner);
        }
        return Acl.decode(stored);
    }

    /** The version's ACL. */
    public Acl object(BucketInfo bucket, ObjectVersion version) {
        if (!ObjectOwnership.effective(bucket).aclsEnabled()) {
            return Acl.privateTo(ids.canonicalId(bucket.ownerAccountId()));
        }
        String stored = version.metadata().attribute(KEY);
        return stored == null ? Acl.privateTo(ids.canonicalId(version.ownerAccountId())) : Acl.decode(stored);
    }
}
