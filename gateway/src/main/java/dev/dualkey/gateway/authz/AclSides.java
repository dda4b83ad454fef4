package dev.dualkey.gateway.authz;

import dev.dualkey.storage.ObjectStore;

/**
 * The one place that chooses the {@link AclSide} every authorizer of the gateway uses (S3 API, console), so that
 * the ACL implementation plugs in with one line.
 */
public final class AclSides {
    private AclSides() {
    }

    /** The ACL side over {@code store}'s bucket and object ACLs. */
    public static AclSide forStore(ObjectStore store) {
        return AclSide.OWNER_ONLY;
    }
}
