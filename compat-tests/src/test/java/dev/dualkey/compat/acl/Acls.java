package dev.dualkey.compat.acl;

import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.ObjectOwnership;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.Type;

/** Small helpers of the ACL tests. */
final class Acls {
    static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    static final String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private Acls() {
    }

    /** The canonical user id of the account {@code s3} signs for: the Owner/ID of a bucket it creates. */
    static String canonicalId(S3Client s3, String scratchBucket) {
        s3.createBucket(b -> b.bucket(scratchBucket));
        try {
            return s3.getBucketAcl(b -> b.bucket(scratchBucket)).owner().id();
        } finally {
            s3.deleteBucket(b -> b.bucket(scratchBucket));
        }
    }

    /** Creates a bucket with ACLs enabled (ObjectWriter). */
    static void createWithAcls(S3Client s3, String bucket) {
        s3.createBucket(b -> b.bucket(bucket).objectOwnership(ObjectOwnership.OBJECT_WRITER));
    }

    /** The grants as "PERMISSION id|uri" strings, for readable assertions. */
    static List<String> describe(List<Grant> grants) {
        return grants.stream().map(g -> g.permission().toString() + " "
                + (g.grantee().type() == Type.GROUP ? g.grantee().uri() : g.grantee().id())).sorted().toList();
    }

    static String grant(Permission p, String who) {
        return p + " " + who;
    }
}
