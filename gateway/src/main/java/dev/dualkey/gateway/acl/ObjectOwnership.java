package dev.dualkey.gateway.acl;

import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import java.util.Optional;

/**
 * S3 Object Ownership: who owns an object another account uploads, and whether ACLs are enabled. Stored as
 * {@code BucketConfig.subresource("ownershipControls")} holding the wire value alone (e.g.
 * {@code BucketOwnerEnforced}): the one rule {@code OwnershipControls} can hold.
 *
 * <p>New buckets get {@link #BUCKET_OWNER_ENFORCED} unless CreateBucket says otherwise (AWS's default since April
 * 2023). A bucket without the setting (created before Dualkey had it, or after DeleteBucketOwnershipControls)
 * behaves as {@link #OBJECT_WRITER}, as on AWS, and GetBucketOwnershipControls answers
 * OwnershipControlsNotFoundError.
 */
public enum ObjectOwnership {
    /** ACLs disabled: the bucket owner owns every object; only owner-full-control ACLs may be sent. */
    BUCKET_OWNER_ENFORCED("BucketOwnerEnforced"),
    /** ACLs enabled; an object uploaded with {@code bucket-owner-full-control} is owned by the bucket owner. */
    BUCKET_OWNER_PREFERRED("BucketOwnerPreferred"),
    /** ACLs enabled; the uploading account owns the object. */
    OBJECT_WRITER("ObjectWriter");

    /** The bucket sub-resource that stores the setting. */
    public static final String SUBRESOURCE = "ownershipControls";

    private final String wire;

    ObjectOwnership(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The setting of a wire value (case-sensitive), or empty. */
    public static Optional<ObjectOwnership> fromWire(String value) {
        for (ObjectOwnership o : values()) {
            if (o.wire.equals(value)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The bucket's setting as configured, empty when it has none. */
    public static Optional<ObjectOwnership> configured(BucketConfig config) {
        String stored = config.subresource(SUBRESOURCE);
        return stored == null ? Optional.empty() : Optional.of(fromWire(stored).orElseThrow(
                () -> new IllegalStateException("stored ownershipControls is not a setting: " + stored)));
    }

    /** The setting that applies: the configured one, or ObjectWriter when none is. */
    public static ObjectOwnership effective(BucketInfo bucket) {
        return configured(bucket.config()).orElse(OBJECT_WRITER);
    }

    /** Whether ACLs take part in this bucket's access decisions. */
    public boolean aclsEnabled() {
        return this != BUCKET_OWNER_ENFORCED;
    }
}
