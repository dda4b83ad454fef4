package dev.dualkey.gateway.acl;

import java.util.Objects;

/** One entry of an ACL: a permission for a grantee. */
public record Grant(Grantee grantee, Permission permission) {
    public Grant {
        Objects.requireNonNull(grantee, "grantee");
        Objects.requireNonNull(permission, "permission");
    }
}
