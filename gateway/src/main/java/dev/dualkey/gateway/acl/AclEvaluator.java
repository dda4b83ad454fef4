package dev.dualkey.gateway.acl;

import java.util.Map;

/**
 * Which ACL permission an S3 action needs, and whether an ACL grants it to a caller. The table is AWS's "Mapping of
 * ACL permissions and access policy permissions"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions):
 * <pre>
 * bucket ACL  READ       s3:ListBucket, s3:ListBucketVersions, s3:ListBucketMultipartUploads
 *             WRITE      s3:PutObject, s3:DeleteObject (on objects of the bucket)
 *             READ_ACP   s3:GetBucketAcl
 *             WRITE_ACP  s3:PutBucketAcl
 * object ACL  READ       s3:GetObject, s3:GetObjectVersion
 *             READ_ACP   s3:GetObjectAcl, s3:GetObjectVersionAcl
 *             WRITE_ACP  s3:PutObjectAcl, s3:PutObjectVersionAcl
 * FULL_CONTROL covers all four of its ACL.
 * </pre>
 * {@code s3:DeleteObjectVersion} is not in the table for grantees: AWS grants it through a bucket WRITE grant only
 * to the bucket owner, who never needs an ACL for it. So no ACL ever lets another account or the public destroy a
 * version, and the MFA Delete gate still stands behind every delete anyway.
 */
public final class AclEvaluator {
    private static final Map<String, Permission> BUCKET_ACTIONS = Map.of(
            "s3:ListBucket", Permission.READ,
            "s3:ListBucketVersions", Permission.READ,
            "s3:ListBucketMultipartUploads", Permission.READ,
            "s3:GetBucketAcl", Permission.READ_ACP,
            "s3:PutBucketAcl", Permission.WRITE_ACP);
    private static final Map<String, Permission> OBJECT_ACTIONS = Map.of(
            "s3:GetObject", Permission.READ,
            "s3:GetObjectVersion", Permission.READ,
            "s3:GetObjectAcl", Permission.READ_ACP,
            "s3:GetObjectVersionAcl", Permission.READ_ACP,
            "s3:PutObjectAcl", Permission.WRITE_ACP,
            "s3:PutObjectVersionAcl", Permission.WRITE_ACP);
    /** Actions on an object's ARN that the bucket's ACL decides. */
    private static final Map<String, Permission> OBJECT_ACTIONS_ON_BUCKET_ACL = Map.of(
            "s3:PutObject", Permission.WRITE,
            "s3:DeleteObject", Permission.WRITE);

    private AclEvaluator() {
    }

    /** What the ACL of the resource needs for {@code action}. */
    public enum Target {
        /** The bucket's ACL, for an action on the bucket. */
        BUCKET,
        /** The object version's ACL. */
        OBJECT,
        /** The bucket's ACL, for an action on an object of it (PutObject, DeleteObject). */
        BUCKET_FOR_OBJECT
    }

    /** The permission {@code action} needs from an ACL, or null when no ACL ever grants it. */
    public static Permission permission(String action, Target target) {
        return switch (target) {
            case BUCKET -> BUCKET_ACTIONS.get(action);
            case OBJECT -> OBJECT_ACTIONS.get(action);
            case BUCKET_FOR_OBJECT -> OBJECT_ACTIONS_ON_BUCKET_ACL.get(action);
        };
    }

    /** Whether an action on an object ARN is decided by the object's ACL (else by the bucket's, if any). */
    public static boolean onObjectAcl(String action) {
        return OBJECT_ACTIONS.containsKey(action);
    }

    /** How a grant of the ACL reaches the caller. */
    public enum Match {
        /** A group grant that covers the caller itself: AllUsers (anyone), AuthenticatedUsers (any signed caller). */
        CALLER,
        /** A grant to the caller's account by canonical id (its IAM users still need their identity policies). */
        ACCOUNT,
        /** No grant covers the caller. */
        NONE
    }

    /**
     * Whether {@code acl} grants {@code wanted} to the caller: true for {@link Match#CALLER} or
     * {@link Match#ACCOUNT}.
     *
     * @param canonicalId the caller's account's canonical id, or null for an anonymous request
     */
    public static boolean grants(Acl acl, Permission wanted, String canonicalId) {
        return match(acl, wanted, canonicalId) != Match.NONE;
    }

    /**
     * How {@code acl} grants {@code wanted} to the caller; a group grant wins over an account grant (it needs no
     * identity policy of the caller).
     *
     * @param canonicalId the caller's account's canonical id, or null for an anonymous request
     */
    public static Match match(Acl acl, Permission wanted, String canonicalId) {
        Match best = Match.NONE;
        for (Grant g : acl.grants()) {
            if (!g.permission().covers(wanted)) {
                continue;
            }
            Grantee grantee = g.grantee();
            if (grantee.group()) {
                boolean covers = switch (grantee.value()) {
                    case Grantee.ALL_USERS -> true;
                    case Grantee.AUTHENTICATED_USERS -> canonicalId != null;
                    default -> false; // LogDelivery: S3's log delivery, never a request here
                };
                if (covers) {
                    return Match.CALLER;
                }
            } else if (grantee.value().equals(canonicalId)) {
                best = Match.ACCOUNT;
            }
        }
        return best;
    }
}
