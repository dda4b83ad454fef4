package dev.dualkey.gateway.s3.logging;

import dev.dualkey.gateway.acl.Acl;
import dev.dualkey.gateway.acl.CanonicalIds;
import dev.dualkey.gateway.acl.Grant;
import dev.dualkey.gateway.acl.Grantee;
import dev.dualkey.gateway.acl.ObjectOwnership;
import dev.dualkey.gateway.acl.Permission;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TargetGrants as ACL grants on each delivered log object, as AWS applies them: the bucket owner has FULL_CONTROL of
 * every log object, and each TargetGrant adds its grantee with its permission ({@code FULL_CONTROL}, {@code READ} or
 * {@code WRITE}, the only three the LoggingEnabled shape allows). The grants take part in access decisions exactly
 * as any object ACL does ({@link dev.dualkey.gateway.acl.ResourceAcls}): not at all in a target bucket whose Object
 * Ownership is BucketOwnerEnforced.
 *
 * <p>PutBucketLogging checks them up front ({@link #check}), with the errors the ACL calls give: grants into a
 * BucketOwnerEnforced target: 400 AccessControlListNotSupported (AWS: "Buckets that use the bucket owner enforced
 * setting for Object Ownership don't support target grants"); a grantee by e-mail address: 405 MethodNotAllowed
 * (AWS ended e-mail grantees in October 2025); a canonical id no account has: 400 InvalidArgument; an unknown group
 * URI: 400 InvalidArgument; a public grantee (AllUsers, AuthenticatedUsers) while the target's Block Public Access
 * blocks public ACLs: 403 AccessDenied, as any request that would store a public ACL there. Delivery ({@link #forDelivery}) rechecks the target's ownership, since it may have
 * changed since: grants are then left off (public ones alone under BlockPublicAcls) (the object gets the default owner-only ACL), never an error that would
 * lose the log.
 */
final class LogObjectAcl {
    private LogObjectAcl() {
    }

    /** Refuses TargetGrants that could not become grants on log objects in {@code target}. */
    static void check(LoggingStatus status, BucketInfo target, CanonicalIds ids) {
        if (status.grants().isEmpty()) {
            return;
        }
        if (!ObjectOwnership.effective(target).aclsEnabled()) {
            throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
        }
        List<Grant> grants = grants(status, ids);
        if (grants.stream().anyMatch(g -> g.grantee().isPublic())
                && dev.dualkey.gateway.acl.PublicAclBlock.blocksPublicAcls(target.config())) {
            // Block Public Access on the target: no configuration may make its log objects public
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
    }

    private static List<Grant> grants(LoggingStatus status, CanonicalIds ids) {
        List<Grant> out = new ArrayList<>();
        for (LoggingStatus.TargetGrant g : status.grants()) {
            Permission p = Permission.fromWire(g.permission());
            if (g.email() != null) {
                throw new S3Exception(S3ErrorCode.METHOD_NOT_ALLOWED, "Email Grantee Access Control Lists are no "
                        + "longer supported; grant to a canonical user id");
            }
            if (g.id() != null) {
                if (ids == null || ids.accountId(g.id()).isEmpty()) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid id")
                            .with("ArgumentName", "CanonicalUser/ID").with("ArgumentValue", g.id());
                }
                out.add(new Grant(Grantee.user(g.id().toLowerCase(Locale.ROOT)), p));
            } else {
                if (!Grantee.GROUPS.contains(g.uri())) {
                    throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Invalid group uri")
                            .with("ArgumentName", "Group/URI").with("ArgumentValue", g.uri());
                }
                out.add(new Grant(Grantee.group(g.uri()), p));
            }
        }
        return out;
    }

    /**
     * The stored ACL ({@link Acl#encode}) of a log object delivered into {@code target} for a source owned by
     * {@code ownerAccountId}, or null for the default (no TargetGrants, ACLs disabled on the target, or no canonical
     * ids wired).
     */
    static String forDelivery(LoggingStatus status, BucketInfo target, String ownerAccountId, CanonicalIds ids) {
        if (status.grants().isEmpty() || ids == null || !ObjectOwnership.effective(target).aclsEnabled()) {
            return null;
        }
        List<Grant> grants;
        try {
            grants = grants(status, ids);
        } catch (S3Exception e) {
            return null; // a grantee gone since PutBucketLogging: the owner-only default, and the log is kept
        }
        String owner = ids.canonicalId(ownerAccountId);
        List<Grant> all = new ArrayList<>();
        all.add(new Grant(Grantee.user(owner), Permission.FULL_CONTROL));
        all.addAll(grants);
        Acl acl = new Acl(owner, all);
        if (dev.dualkey.gateway.acl.PublicAclBlock.blocksPublicAcls(target.config())) {
            acl = acl.withoutPublicGrants(); // Block Public Access turned on since PutBucketLogging
        }
        return acl.encode();
    }
}
