package dev.dualkey.gateway.acl;

import java.util.Objects;
import java.util.Set;

/**
 * Who a grant is for: one account, by its canonical user id, or one of S3's predefined groups. A grantee given by
 * e-mail address is never stored (see {@link AclRequest}).
 *
 * @param group true for a group (then {@code value} is the group URI), false for a canonical user id
 * @param value the 64-hex canonical user id, or the group URI
 */
public record Grantee(boolean group, String value) {
    /** Everyone, signed or not (anonymous requests included). */
    public static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    /** Every signed request, from any account. */
    public static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    /** S3's server access log delivery. No request of Dualkey's is ever this group. */
    public static final String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    /** The group URIs S3 accepts. */
    public static final Set<String> GROUPS = Set.of(ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY);

    public Grantee {
        Objects.requireNonNull(value, "value");
    }

    public static Grantee user(String canonicalId) {
        return new Grantee(false, canonicalId);
    }

    public static Grantee group(String uri) {
        return new Grantee(true, uri);
    }

    /** AllUsers or AuthenticatedUsers: what makes an ACL public (AWS's definition for Block Public Access). */
    public boolean isPublic() {
        return group && (value.equals(ALL_USERS) || value.equals(AUTHENTICATED_USERS));
    }
}
