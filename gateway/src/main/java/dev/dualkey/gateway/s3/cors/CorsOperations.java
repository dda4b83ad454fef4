package dev.dualkey.gateway.s3.cors;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.storage.ObjectStore;
import java.util.Map;
import java.util.Objects;

/** PutBucketCors, GetBucketCors, DeleteBucketCors over {@code BucketConfig.subresource("cors")}. */
public final class CorsOperations {
    /** The bucket sub-resource the configuration is stored under. */
    public static final String SUBRESOURCE = "cors";

    private final ObjectStore store;

    public CorsOperations(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_BUCKET_CORS, r -> SmallBody.exchange(r, this::putBucketCors));
        handlers.put(S3Operation.GET_BUCKET_CORS, r -> SmallBody.exchange(r, (q, b) -> getBucketCors(q)));
        handlers.put(S3Operation.DELETE_BUCKET_CORS, r -> SmallBody.exchange(r, (q, b) -> deleteBucketCors(q)));
    }

    Reply putBucketCors(S3Request req, byte[] body) {
        String document = CorsConfiguration.parse(body).toStored();
        store.updateBucket(req.bucket(), c -> c.withSubresource(SUBRESOURCE, document));
        return Reply.status(200);
    }

    Reply getBucketCors(S3Request req) {
        String document = store.headBucket(req.bucket()).config().subresource(SUBRESOURCE);
        if (document == null) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_CORS_CONFIGURATION).with("BucketName", req.bucket());
        }
        return S3Replies.xml(CorsConfiguration.fromStored(document).toXml());
    }

    Reply deleteBucketCors(S3Request req) {
        store.updateBucket(req.bucket(), c -> c.withSubresource(SUBRESOURCE, null));
        return S3Replies.noContent();
    }
}
