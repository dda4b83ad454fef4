package dev.dualkey.gateway.authz;

import dev.dualkey.storage.ObjectStore;
import java.util.List;

/**
 * The one place that chooses the {@link AclSide} every authorizer of the gateway uses (S3 API, console), so that
 * the ACL implementation plugs in with one line.
 */
public final class AclSides {
    private AclSides() {
    }

    /** The ACL side over {@code store}'s bucket and object ACLs. */
    public static AclSide forStore(ObjectStore store) {
        // evaluation only maps account ids forward to canonical ids: no account list needed here
        return new dev.dualkey.gateway.acl.AclDecisions(store,
                new dev.dualkey.gateway.acl.ResourceAcls(new dev.dualkey.gateway.acl.DerivedCanonicalIds(List::of)));
    }
}
