package dev.dualkey.gateway.acl;

import dev.dualkey.gateway.authz.Check;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.model.BucketConfig;
import java.util.Objects;
import java.util.function.Function;

/**
 * The ACL and Object Ownership of CreateBucket, from its {@code x-amz-acl} / {@code x-amz-grant-*} and
 * {@code x-amz-object-ownership} headers:
 * <ul>
 *   <li>without {@code x-amz-object-ownership} a new bucket is BucketOwnerEnforced (ACLs disabled), AWS's default
 *       since April 2023;</li>
 *   <li>a BucketOwnerEnforced bucket whose requested ACL grants anyone but the owner is refused with 400
 *       InvalidBucketAclWithObjectOwnership (nothing is created);</li>
 *   <li>an {@code x-amz-object-ownership} value that is not one of the three: 400 InvalidArgument.</li>
 * </ul>
 * A re-create of a bucket one already owns in us-east-1 answers 200 and resets the bucket's ACL to the requested one
 * (AWS's legacy behaviour there: "returns 200 OK and resets the bucket access control lists").
 */
public final class BucketCreation {
    private final CanonicalIds ids;

    public BucketCreation(CanonicalIds ids) {
        this.ids = Objects.requireNonNull(ids, "ids");
    }

    /**
     * The further permissions CreateBucket needs when it sets ACLs or Object Ownership (AWS's CreateBucket
     * "Permissions": {@code s3:PutBucketAcl} with {@code x-amz-acl} / {@code x-amz-grant-*},
     * {@code s3:PutBucketOwnershipControls} with {@code x-amz-object-ownership}), checked with the request's context.
     *
     * @throws S3Exception AccessDenied when one is not allowed
     */
    public static void authorize(S3Request req) {
        boolean aclHeaders = req.header("x-amz-acl") != null;
        for (Permission p : Permission.values()) {
            aclHeaders |= req.header(p.header()) != null;
        }
        if (aclHeaders && !req.access().allows(Check.bucket("s3:PutBucketAcl", req.bucket()))
                || req.header("x-amz-object-ownership") != null
                && !req.access().allows(Check.bucket("s3:PutBucketOwnershipControls", req.bucket()))) {
            throw new S3Exception(S3ErrorCode.ACCESS_DENIED);
        }
    }

    /** The configuration a new bucket starts with. Validates the headers before anything is created. */
    public BucketConfig initialConfig(Function<String, String> header, String ownerAccount) {
        String requested = header.apply("x-amz-object-ownership");
        ObjectOwnership ownership = requested == null ? ObjectOwnership.BUCKET_OWNER_ENFORCED
                : ObjectOwnership.fromWire(requested.trim()).orElseThrow(() -> new S3Exception(
                        S3ErrorCode.INVALID_ARGUMENT, "Invalid x-amz-object-ownership header: " + requested)
                        .with("ArgumentName", "x-amz-object-ownership").with("ArgumentValue", requested));
        String ownerId = ids.canonicalId(ownerAccount);
        Acl acl = requestedAcl(header, ownerId);
        if (!ownership.aclsEnabled() && !acl.onlyFullControlFor(ownerId)) {
            throw new S3Exception(S3ErrorCode.INVALID_BUCKET_ACL_WITH_OBJECT_OWNERSHIP);
        }
        return BucketConfig.initial().withSubresource(ObjectOwnership.SUBRESOURCE, ownership.wire())
                .withSubresource(ResourceAcls.KEY, acl.equals(Acl.privateTo(ownerId)) ? null : acl.encode());
    }

    /** The configuration of a bucket re-created by its owner in us-east-1: the requested ACL replaces the old. */
    public BucketConfig recreated(BucketConfig current, Function<String, String> header, String ownerAccount) {
        String ownerId = ids.canonicalId(ownerAccount);
        return AclOperations.withBucketAcl(current, requestedAcl(header, ownerId), ownerId);
    }

    private Acl requestedAcl(Function<String, String> header, String ownerId) {
        AclRequest r = AclRequest.fromHeaders(header, ids);
        return r.present() ? r.resolve(ownerId, ownerId, true) : Acl.privateTo(ownerId);
    }

    /** The configuration of a bucket made outside the S3 API (the console): AWS's default, ACLs disabled. */
    public static BucketConfig defaultConfig() {
        return BucketConfig.initial().withSubresource(ObjectOwnership.SUBRESOURCE,
                ObjectOwnership.BUCKET_OWNER_ENFORCED.wire());
    }
}
