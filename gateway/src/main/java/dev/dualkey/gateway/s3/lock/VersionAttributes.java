package dev.dualkey.gateway.s3.lock;

import dev.dualkey.gateway.http.Reply;
import dev.dualkey.gateway.s3.S3Request;
import dev.dualkey.gateway.s3.tagging.TaggingOperations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;

/**
 * What the object handlers ask of Object Lock and tagging, in one call each: the lock and tags of a new version
 * (PutObject, CreateMultipartUpload, CopyObject) and the headers of a read (GetObject, HeadObject). Kept here so that
 * the shared handlers gain one line per place.
 */
public final class VersionAttributes {
    private VersionAttributes() {
    }

    /**
     * PutObject / CreateMultipartUpload: {@code x-amz-tagging}, then the lock headers or the bucket's default
     * retention from the store's clock (which judges the lock); a multipart object's retention starts at its upload's
     * initiation, which is also its Last-Modified on S3. A PutObject that ends up locked must carry Content-MD5 or a
     * checksum.
     *
     * @param putObject true for PutObject (the checksum rule), false for CreateMultipartUpload
     */
    public static ObjectMetadata forNewObject(S3Request req, ObjectStore store, ObjectMetadata meta,
                                              boolean putObject) {
        ObjectMetadata tagged = TaggingOperations.applyTaggingHeader(req, meta);
        BucketInfo bucket = store.headBucket(req.bucket());
        ObjectMetadata out = LockHeaders.applyToWrite(req, bucket, tagged, store.clock().instant());
        if (putObject) {
            LockHeaders.requireChecksumForLockedPut(req, out);
        }
        return out;
    }

    /**
     * CopyObject: the source's metadata (or the request's on REPLACE) without the source's lock (AWS never copies
     * it), tags per {@code x-amz-tagging-directive}, then the request's lock headers or the destination bucket's
     * default retention.
     *
     * @param replaced the request's metadata when {@code x-amz-metadata-directive: REPLACE}, else null
     */
    public static ObjectMetadata forCopy(S3Request req, ObjectStore store, ObjectMetadata replaced,
                                         ObjectVersion source) {
        ObjectMetadata base = LockHeaders.withoutLock(replaced != null ? replaced : source.metadata());
        ObjectMetadata tagged = TaggingOperations.copyTags(req, base, source.metadata().tags());
        return LockHeaders.applyToWrite(req, store.headBucket(req.bucket()), tagged, store.clock().instant());
    }

    /** GetObject / HeadObject: the lock headers the caller may see and {@code x-amz-tagging-count}. */
    public static void addReadHeaders(Reply reply, ObjectVersion v, S3Request req) {
        LockHeaders.addResponseHeaders(reply, v, req);
        TaggingOperations.addCountHeader(reply, v);
    }
}
