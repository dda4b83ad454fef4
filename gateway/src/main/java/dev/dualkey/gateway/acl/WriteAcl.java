package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectMetadata;
import java.util.function.Function;

/**
 * The ACL side of an object write (PutObject, CopyObject, CreateMultipartUpload; a multipart upload keeps both in its
 * metadata and options, so they apply at CompleteMultipartUpload): who will own the new version and which ACL it
 * stores, decided from the request's ACL headers and the bucket's Object Ownership:
 * <ul>
 *   <li>BucketOwnerEnforced: the bucket owner owns it; an ACL is accepted only when it grants nothing but the bucket
 *       owner's FULL_CONTROL ({@code bucket-owner-full-control}, {@code private} by the bucket owner, or the same
 *       grants as headers), anything else is 400 AccessControlListNotSupported; nothing is stored;</li>
 *   <li>BucketOwnerPreferred: with {@code bucket-owner-full-control} the bucket owner owns it, else the writer;</li>
 *   <li>ObjectWriter (and buckets without the setting): the writer owns it.</li>
 * </ul>
 * A public ACL on a bucket whose Block Public Access blocks public ACLs is 403 AccessDenied. A private ACL is not
 * stored (absent means private).
 *
 * @param ownerAccountId account recorded as the version's owner
 * @param storedAcl      the ACL to store as the version's {@code acl} attribute, or null for none
 */
public record WriteAcl(String ownerAccountId, String storedAcl) {

    /**
     * Decides the owner and ACL of a write.
     *
     * @param header        the request's header lookup
     * @param writerAccount the account of the signer
     */
    public static WriteAcl decide(Function<String, String> header, String writerAccount, BucketInfo bucket,
                                  CanonicalIds ids) {
        AclRequest requested = AclRequest.fromHeaders(header, ids);
        ObjectOwnership ownership = ObjectOwnership.effective(bucket);
        String bucketOwner = bucket.ownerAccountId();
        String bucketOwnerId = ids.canonicalId(bucketOwner);
        if (!ownership.aclsEnabled()) {
            if (requested.present()
                    && !requested.resolve(bucketOwnerId, bucketOwnerId, false).onlyFullControlFor(bucketOwnerId)) {
                throw new S3Exception(S3ErrorCode.ACCESS_CONTROL_LIST_NOT_SUPPORTED);
            }
            return new WriteAcl(bucketOwner, null);
        }
        String owner = ownership == ObjectOwnership.BUCKET_OWNER_PREFERRED
                && requested.canned() == CannedAcl.BUCKET_OWNER_FULL_CONTROL ? bucketOwner : writerAccount;
        if (!requested.present()) {
            return new WriteAcl(owner, null);
        }
        String ownerId = ids.canonicalId(owner);
        Acl acl = requested.resolve(ownerId, bucketOwnerId, false);
        if (acl.isPublic() && PublicAclBlock.blocksPublicAcls(bucket.config())) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
        return new WriteAcl(owner, acl.equals(Acl.privateTo(ownerId)) ? null : acl.encode());
    }

    /** {@code metadata} carrying this ACL (or none). */
    public ObjectMetadata applyTo(ObjectMetadata metadata) {
        return metadata.toBuilder().attribute(ResourceAcls.KEY, storedAcl).build();
    }
}
