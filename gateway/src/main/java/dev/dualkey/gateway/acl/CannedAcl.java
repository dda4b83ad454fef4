package dev.dualkey.gateway.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * S3's canned ACLs ({@code x-amz-acl}), each a fixed set of grants (AWS's "Canned ACL" table,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl).
 */
public enum CannedAcl {
    PRIVATE("private"),
    PUBLIC_READ("public-read"),
    PUBLIC_READ_WRITE("public-read-write"),
    /**
     * AWS: the owner gets FULL_CONTROL and Amazon EC2 gets READ to GET an AMI bundle. There is no EC2 in Dualkey, so
     * it is accepted and means the owner's FULL_CONTROL alone.
     */
    AWS_EXEC_READ("aws-exec-read"),
    AUTHENTICATED_READ("authenticated-read"),
    /** Object owner FULL_CONTROL, bucket owner READ; on a bucket, ignored (private), as S3 does. */
    BUCKET_OWNER_READ("bucket-owner-read"),
    /** Object owner and bucket owner FULL_CONTROL; on a bucket, ignored (private), as S3 does. */
    BUCKET_OWNER_FULL_CONTROL("bucket-owner-full-control"),
    /** Owner FULL_CONTROL, LogDelivery WRITE and READ_ACP. */
    LOG_DELIVERY_WRITE("log-delivery-write");

    private final String wire;

    CannedAcl(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<CannedAcl> fromWire(String value) {
        for (CannedAcl c : values()) {
            if (c.wire.equals(value)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * The ACL this canned ACL stands for.
     *
     * @param ownerId       canonical id of the resource's owner
     * @param bucketOwnerId canonical id of the bucket's owner (the same as {@code ownerId} for a bucket)
     * @param forBucket     whether the ACL is a bucket's
     */
    public Acl toAcl(String ownerId, String bucketOwnerId, boolean forBucket) {
        List<Grant> g = new ArrayList<>();
        g.add(new Grant(Grantee.user(ownerId), Permission.FULL_CONTROL));
        switch (this) {
            case PUBLIC_READ -> g.add(new Grant(Grantee.group(Grantee.ALL_USERS), Permission.READ));
            case PUBLIC_READ_WRITE -> {
                g.add(new Grant(Grantee.group(Grantee.ALL_USERS), Permission.READ));
                g.add(new Grant(Grantee.group(Grantee.ALL_USERS), Permission.WRITE));
            }
            case AUTHENTICATED_READ -> g.add(new Grant(Grantee.group(Grantee.AUTHENTICATED_USERS), Permission.READ));
            case BUCKET_OWNER_READ -> {
                if (!forBucket && !bucketOwnerId.equals(ownerId)) {
                    g.add(new Grant(Grantee.user(bucketOwnerId), Permission.READ));
                }
            }
            case BUCKET_OWNER_FULL_CONTROL -> {
                if (!forBucket && !bucketOwnerId.equals(ownerId)) {
                    g.add(new Grant(Grantee.user(bucketOwnerId), Permission.FULL_CONTROL));
                }
            }
            case LOG_DELIVERY_WRITE -> {
                g.add(new Grant(Grantee.group(Grantee.LOG_DELIVERY), Permission.WRITE));
                g.add(new Grant(Grantee.group(Grantee.LOG_DELIVERY), Permission.READ_ACP));
            }
            default -> {
                // PRIVATE, AWS_EXEC_READ: the owner alone
            }
        }
        return new Acl(ownerId, g);
    }
}
