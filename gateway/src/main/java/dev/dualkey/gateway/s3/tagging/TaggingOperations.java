package dev.dualkey.gateway.s3.tagging;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.S3Replies;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.SmallBody;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.gateway.s3.lock.ChecksumRequired;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Put/Get/DeleteObjectTagging ({@code ?tagging[&versionId=]}) and Put/Get/DeleteBucketTagging (spec §3). A Put
 * replaces the whole set; a failed Put leaves the old set as it was (validated before the store is touched). Object
 * tag updates go through {@code ObjectStore.updateObjectMetadata}, which keeps the version's data, ETag, Last-Modified
 * and Object Lock state (the store refuses any update that would drop retention in force). On a delete marker the
 * store answers 405 MethodNotAllowed (by version id) or 404 NoSuchKey (latest), as S3.
 */
public final class TaggingOperations {
    private final ObjectStore store;

    public TaggingOperations(ObjectStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    public void register(Map<S3Operation, OperationHandler> handlers) {
        handlers.put(S3Operation.PUT_OBJECT_TAGGING, r -> {
            ChecksumRequired.require(r);
            return SmallBody.exchange(r, this::putObjectTagging);
        });
        handlers.put(S3Operation.GET_OBJECT_TAGGING, r -> SmallBody.exchange(r, (q, b) -> getObjectTagging(q)));
        handlers.put(S3Operation.DELETE_OBJECT_TAGGING, r -> SmallBody.exchange(r, (q, b) -> deleteObjectTagging(q)));
        handlers.put(S3Operation.PUT_BUCKET_TAGGING, r -> {
            ChecksumRequired.require(r);
            return SmallBody.exchange(r, this::putBucketTagging);
        });
        handlers.put(S3Operation.GET_BUCKET_TAGGING, r -> SmallBody.exchange(r, (q, b) -> getBucketTagging(q)));
        handlers.put(S3Operation.DELETE_BUCKET_TAGGING, r -> SmallBody.exchange(r, (q, b) -> deleteBucketTagging(q)));
    }

    Reply putObjectTagging(S3Request req, byte[] body) {
        SortedMap<String, String> tags = TagSet.parseXml(body, TagSet.Scope.OBJECT);
        ObjectVersion v = store.updateObjectMetadata(req.bucket(), req.key(), req.versionId(),
                m -> m.toBuilder().tags(tags).build());
        return versionHeader(Reply.status(200), v);
    }

    Reply getObjectTagging(S3Request req) {
        ObjectVersion v = store.headObject(req.bucket(), req.key(), req.versionId());
        return versionHeader(S3Replies.xml(TagSet.toXml(v.metadata().tags())), v);
    }

    Reply deleteObjectTagging(S3Request req) {
        ObjectVersion v = store.updateObjectMetadata(req.bucket(), req.key(), req.versionId(),
                m -> m.toBuilder().tags(Map.of()).build());
        return versionHeader(S3Replies.noContent(), v);
    }

    Reply putBucketTagging(S3Request req, byte[] body) {
        SortedMap<String, String> tags = TagSet.parseXml(body, TagSet.Scope.BUCKET);
        store.updateBucket(req.bucket(), c -> c.withTags(tags));
        return S3Replies.noContent();
    }

    Reply getBucketTagging(S3Request req) {
        BucketInfo b = store.headBucket(req.bucket());
        if (b.config().tags().isEmpty()) {
            throw new S3Exception(S3ErrorCode.NO_SUCH_TAG_SET).with("BucketName", req.bucket());
        }
        return S3Replies.xml(TagSet.toXml(b.config().tags()));
    }

    Reply deleteBucketTagging(S3Request req) {
        store.updateBucket(req.bucket(), c -> c.withTags(Map.of()));
        return S3Replies.noContent();
    }

    private static Reply versionHeader(Reply reply, ObjectVersion v) {
        return v.isNullVersion() ? reply : reply.header("x-amz-version-id", v.versionId());
    }

    /**
     * The metadata of a new version with the tags of {@code x-amz-tagging} (PutObject, CreateMultipartUpload, and
     * CopyObject with {@code x-amz-tagging-directive: REPLACE}); unchanged when the header is absent.
     */
    public static ObjectMetadata applyTaggingHeader(S3Request req, ObjectMetadata meta) {
        SortedMap<String, String> tags = TagSet.parseHeader(req.header("x-amz-tagging"));
        return tags == null ? meta : meta.toBuilder().tags(tags).build();
    }

    /**
     * CopyObject's tags: {@code x-amz-tagging-directive} COPY (default) keeps the source's, REPLACE takes
     * {@code x-amz-tagging} (none when absent); anything else is InvalidArgument.
     *
     * @param sourceTags the source version's tags
     */
    public static ObjectMetadata copyTags(S3Request req, ObjectMetadata meta, Map<String, String> sourceTags) {
        String directive = req.header("x-amz-tagging-directive");
        if (directive == null || directive.equals("COPY")) {
            return meta.toBuilder().tags(sourceTags).build();
        }
        if (!directive.equals("REPLACE")) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, "Unknown tagging directive.")
                    .with("ArgumentName", "x-amz-tagging-directive").with("ArgumentValue", directive);
        }
        SortedMap<String, String> tags = TagSet.parseHeader(req.header("x-amz-tagging"));
        return meta.toBuilder().tags(tags == null ? Map.of() : tags).build();
    }

    /** {@code x-amz-tagging-count} of GetObject / HeadObject, when the version has tags. */
    public static void addCountHeader(Reply reply, ObjectVersion v) {
        if (!v.metadata().tags().isEmpty()) {
            reply.header("x-amz-tagging-count", Integer.toString(v.metadata().tags().size()));
        }
    }
}
