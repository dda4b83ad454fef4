package dev.dualkey.gateway.lifecycle;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.ChecksumAlgorithm;
import dev.dualkey.storage.model.MfaDeleteState;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Put/Get/DeleteBucketLifecycleConfiguration. The document is validated ({@link LifecycleConfiguration#parse}),
 * stored canonical as the bucket sub-resource {@code lifecycle}, and returned as stored.
 *
 * <p>D6 (as AWS: "Lifecycle configuration on MFA-enabled buckets is not supported"): a Put on a bucket whose MFA
 * Delete is Enabled is refused with 400 InvalidRequest, decided inside the bucket's atomic update on the
 * configuration it replaces, so it cannot race a concurrent PutBucketVersioning (whose own check refuses MFA
 * Delete while a lifecycle configuration exists, see {@code ProtectedOperations.putBucketVersioning}).
 */
public final class LifecycleOperations {
    /** D6, our text (AWS documents the rule but not its error). */
    static final String MFA_DELETE_ENABLED = "Lifecycle configuration is not supported on a bucket with MFA Delete"
            + " enabled: lifecycle rules delete versions without an MFA code";

    private final ObjectStore store;

    public LifecycleOperations(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Registers the three handlers. */
    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_BUCKET_LIFECYCLE_CONFIGURATION, r -> SmallBody.exchange(r, this::put));
        handlers.put(S3Operation.GET_BUCKET_LIFECYCLE_CONFIGURATION, r -> SmallBody.exchange(r, (q, b) -> get(q)));
        handlers.put(S3Operation.DELETE_BUCKET_LIFECYCLE, r -> SmallBody.exchange(r, (q, b) -> delete(q)));
    }

    Reply put(S3Request req, byte[] body) {
        requireIntegrityHeader(req);
        if (body.length == 0) {
            throw new S3Exception(S3ErrorCode.MISSING_REQUEST_BODY);
        }
        String doc = LifecycleConfiguration.parse(body).toXml();
        store.updateBucket(req.bucket(), c -> {
            if (c.mfaDelete() == MfaDeleteState.ENABLED) {
                throw new S3Exception(S3ErrorCode.INVALID_REQUEST, MFA_DELETE_ENABLED);
            }
            // A new configuration starts a new pass.
            return c.withSubresource(LifecycleConfiguration.SUBRESOURCE, doc)
                    .withSubresource(LifecycleProgress.SUBRESOURCE, null);
        });
        return Reply.status(200).header("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K");
    }

    Reply get(S3Request req) {
        BucketConfig c = store.headBucket(req.bucket()).config();
        String doc = c.subresource(LifecycleConfiguration.SUBRESOURCE);
        if (doc == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_LIFECYCLE_CONFIGURATION).with("BucketName", req.bucket());
        }
        return Reply.status(200).body(doc.getBytes(StandardCharsets.UTF_8), "application/xml")
                .header("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K");
    }

    Reply delete(S3Request req) {
        store.updateBucket(req.bucket(), c -> c.withSubresource(LifecycleConfiguration.SUBRESOURCE, null)
                .withSubresource(LifecycleProgress.SUBRESOURCE, null));
        return S3Replies.noContent();
    }

    /**
     * PutBucketLifecycleConfiguration is {@code requestChecksumRequired} in botocore's model: Content-MD5 or a
     * flexible checksum must protect the body (the checksums themselves are verified by {@link SmallBody}).
     */
    private static void requireIntegrityHeader(S3Request req) {
        if (req.header("Content-MD5") != null || req.header("x-amz-sdk-checksum-algorithm") != null
                || req.header("x-amz-trailer") != null) {
            return;
        }
        for (ChecksumAlgorithm a : ChecksumAlgorithm.values()) {
            if (req.header("x-amz-checksum-" + a.headerSuffix()) != null) {
                return;
            }
        }
        throw new S3Exception(S3ErrorCode.INVALID_REQUEST, "Missing required header for this request: Content-MD5");
    }
}
