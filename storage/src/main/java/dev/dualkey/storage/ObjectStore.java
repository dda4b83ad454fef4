package dev.dualkey.storage;

import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.CopyResult;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ListObjectsPage;
import dev.dualkey.storage.model.ListObjectsQuery;
import dev.dualkey.storage.model.ListPartsPage;
import dev.dualkey.storage.model.ListUploadsPage;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartCopyResult;
import dev.dualkey.storage.retention.RetentionBypass;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A versioned object store with S3 semantics. Free of RocksDB and HTTP types so that it can also be implemented
 * over a remote S3 cluster. All methods are thread-safe and blocking (call them off the event loop); every failure
 * is a {@link dev.dualkey.storage.error.StorageException} subclass and leaves nothing half-changed.
 *
 * <p>Authorization (account ownership, MFA Delete) is the caller's job: the store only records owners and states.
 * Object Lock is the exception: retention and legal hold are enforced by the store itself in every path that
 * removes, replaces or weakens a version (see {@link dev.dualkey.storage.retention.RetentionGuard}).
 * Version ids are opaque URL-safe strings; {@code "null"} addresses the null version. A {@code versionId}
 * parameter documented as nullable means "the latest version" when null.
 */
public interface ObjectStore extends AutoCloseable {

    // ---- buckets -------------------------------------------------------------------------------------------

    /**
     * Creates a bucket with {@link BucketConfig#initial()}.
     *
     * @throws dev.dualkey.storage.error.InvalidBucketNameException       name breaks S3's rules
     * @throws dev.dualkey.storage.error.BucketAlreadyOwnedByYouException same owner already has it
     * @throws dev.dualkey.storage.error.BucketAlreadyExistsException     another account has it
     */
    BucketInfo createBucket(String name, String ownerAccountId, String region);

    /** Creates a bucket with a given initial configuration (e.g. Object Lock enabled at creation). */
    BucketInfo createBucket(String name, String ownerAccountId, String region, BucketConfig initial);

    /** Deletes an empty bucket (no versions, no delete markers, no uploads), else BucketNotEmpty. */
    void deleteBucket(String name);

    /** The bucket, or NoSuchBucket. */
    BucketInfo headBucket(String name);

    /** Buckets owned by {@code ownerAccountId}, by name. */
    List<BucketInfo> listBuckets(String ownerAccountId);

    /**
     * Atomically replaces the bucket configuration by {@code change.apply(current)}; concurrent updates are
     * serialized, none is lost. {@code change} may throw a StorageException to refuse (nothing changes).
     * Versioning can never return to UNVERSIONED once set (InvalidArgument). Object Lock can never be disabled
     * (InvalidArgument), and a bucket with Object Lock always has versioning Enabled (InvalidBucketState, both when
     * suspending it and when enabling the lock on a bucket that is not Enabled).
     */
    BucketInfo updateBucket(String name, UnaryOperator<BucketConfig> change);

    /**
     * Every bucket of every account, by name, starting after {@code startAfter} (null: from the first), at most
     * {@code limit}: O(page) work, for background workers (lifecycle) that walk all buckets in pages.
     */
    List<BucketInfo> listAllBuckets(String startAfter, int limit);

    // ---- objects -------------------------------------------------------------------------------------------

    /**
     * Starts a PutObject. Bucket existence and key length are checked now (NoSuchBucket, KeyTooLong); the version
     * id is assigned at commit.
     */
    ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options);

    /**
     * {@link #newObjectWriter(String, String, ObjectMetadata, WriteOptions)} whose commit runs {@code check}
     * inside its atomic publish (see {@link PublishCheck}); a refusal thrown by it comes out of
     * {@link ObjectWriter#commit} and nothing is published.
     */
    ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                 PublishCheck check);

    /**
     * Opens a version for reading.
     *
     * @param versionId version id, or null for the latest
     * @throws dev.dualkey.storage.error.NoSuchKeyException       no current version (carries the marker's id when
     *                                                              the latest is a delete marker)
     * @throws dev.dualkey.storage.error.NoSuchVersionException   unknown version id
     * @throws dev.dualkey.storage.error.MethodNotAllowedException the version id names a delete marker
     */
    ObjectReader openObject(String bucket, String key, String versionId);

    /** Metadata of a version (HeadObject); same errors as {@link #openObject}. */
    ObjectVersion headObject(String bucket, String key, String versionId);

    /**
     * Atomically replaces the metadata of one existing version by {@code change.apply(current)} (PutObjectAcl,
     * PutObjectTagging, PutObjectRetention, PutObjectLegalHold): concurrent updates and deletes of the key are
     * serialized, none is lost. {@code change} runs under the key's write lock and may throw a StorageException to
     * refuse (nothing changes). Data, ETag, size and version id never change.
     *
     * @param versionId version id, or null for the latest
     * @return the version with its new metadata
     * @throws dev.dualkey.storage.error.NoSuchKeyException       no current version
     * @throws dev.dualkey.storage.error.NoSuchVersionException   unknown version id
     * @throws dev.dualkey.storage.error.MethodNotAllowedException the version id names a delete marker
     */
    ObjectVersion updateObjectMetadata(String bucket, String key, String versionId,
                                       UnaryOperator<ObjectMetadata> change);

    /**
     * {@link #updateObjectMetadata(String, String, String, UnaryOperator)} for a retention change: the store
     * refuses, under the same lock and with its own clock, a new metadata that weakens retention in force
     * ({@link dev.dualkey.storage.retention.RetentionGuard#checkRetentionChange}): COMPLIANCE never, GOVERNANCE
     * only with {@code bypass} {@link RetentionBypass#GOVERNANCE}. The three-argument form is this with
     * {@link RetentionBypass#NONE}: a tag or ACL update can never drop retention either.
     *
     * @throws dev.dualkey.storage.error.ObjectLockedException the change weakens retention in force
     */
    ObjectVersion updateObjectMetadata(String bucket, String key, String versionId, RetentionBypass bypass,
                                       UnaryOperator<ObjectMetadata> change);

    /**
     * DeleteObject. Without version id: unversioned buckets remove the null version; Enabled buckets add a delete
     * marker; Suspended buckets replace the null version with a null delete marker. With a version id: removes
     * exactly that version or marker and the next newest becomes latest. Deleting something absent succeeds with
     * {@code existed=false} (S3 answers 204), except a malformed version id (NoSuchVersion... InvalidArgument).
     *
     * @param versionId version id, or null
     */
    DeleteOutcome deleteObject(String bucket, String key, String versionId);

    /**
     * DeleteObject with a precondition on the bucket, checked atomically with the delete: {@code precondition}
     * sees the bucket as it is while no configuration change can happen (the bucket cannot be updated until the
     * delete is done) and may throw to refuse, leaving nothing changed. The MFA Delete gate uses it so that a
     * concurrent versioning change cannot slip between its check and the delete.
     */
    DeleteOutcome deleteObject(String bucket, String key, String versionId,
                               java.util.function.Consumer<BucketInfo> precondition);

    /**
     * DeleteObject as above, with Object Lock enforced by the store under the key's lock and its clock: removing a
     * version (with a version id, or a plain delete that drops or replaces a {@code null} version) whose legal
     * hold is ON or whose retention is in force throws ObjectLocked, unless it is GOVERNANCE retention and
     * {@code bypass} is {@link RetentionBypass#GOVERNANCE}. Delete markers are never protected; a plain delete on a
     * versioning-Enabled bucket (which only adds a marker) always succeeds. {@code precondition} (the MFA Delete
     * gate) runs first, so a caller that fails MFA learns nothing about the lock. The forms without {@code bypass}
     * are this with {@link RetentionBypass#NONE}.
     *
     * @throws dev.dualkey.storage.error.ObjectLockedException the version is protected
     */
    DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                               java.util.function.Consumer<BucketInfo> precondition);

    /**
     * DeleteObject with S3's conditional delete {@code If-Match} (2025), evaluated against the key's current version
     * before {@code precondition} and atomically with the delete: {@code "*"} needs a current object, an ETag (quotes
     * optional) needs the current object to have it. No current object (none, or a delete marker): NoSuchKey;
     * another ETag: PreconditionFailed. Nothing changes on a refusal.
     *
     * @param ifMatchEtag the If-Match value, or null for an unconditional delete
     */
    DeleteOutcome deleteObject(String bucket, String key, String versionId,
                               java.util.function.Consumer<BucketInfo> precondition, String ifMatchEtag);

    /**
     * DeleteObject with both the GOVERNANCE {@code bypass} and the conditional {@code If-Match} (see the two forms
     * above): If-Match first, then {@code precondition} (the MFA Delete gate), then Object Lock, all under the key's
     * write lock.
     */
    DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                               java.util.function.Consumer<BucketInfo> precondition, String ifMatchEtag);

    /**
     * CopyObject: streams the source version into a new version of the destination.
     *
     * @param srcVersionId    source version id, or null for the latest
     * @param replaceMetadata metadata for the copy (MetadataDirective REPLACE), or null to copy the source's
     */
    CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket, String dstKey,
                          ObjectMetadata replaceMetadata, WriteOptions options);

    /** CopyObject whose publish of the destination runs {@code check} atomically with it ({@link PublishCheck}). */
    CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket, String dstKey,
                          ObjectMetadata replaceMetadata, WriteOptions options, PublishCheck check);

    /** ListObjects v1/v2: latest non-marker versions, O(page) work. */
    ListObjectsPage listObjects(String bucket, ListObjectsQuery query);

    /** ListObjectVersions: versions and delete markers, O(page) work. */
    ListVersionsPage listObjectVersions(String bucket, ListVersionsQuery query);

    // ---- multipart -----------------------------------------------------------------------------------------

    /** CreateMultipartUpload; the upload remembers metadata, owner and the first requested checksum algorithm. */
    MultipartUpload createMultipartUpload(String bucket, String key, ObjectMetadata metadata, WriteOptions options);

    /**
     * UploadPart.
     *
     * @throws dev.dualkey.storage.error.InvalidArgumentException part number outside 1..10000
     * @throws dev.dualkey.storage.error.NoSuchUploadException    unknown upload (checked now and at commit)
     */
    PartWriter newPartWriter(String bucket, String key, String uploadId, int partNumber);

    /**
     * UploadPartCopy: copies a source version, or a byte range of it, into a part.
     *
     * @param srcVersionId source version id, or null for the latest
     * @param range        byte range of the source, or null for the whole object
     */
    PartCopyResult uploadPartCopy(String bucket, String key, String uploadId, int partNumber, String srcBucket,
                                  String srcKey, String srcVersionId, ByteRange range);

    /**
     * CompleteMultipartUpload: validates the list (ascending: InvalidPartOrder; each part present with that
     * ETag: InvalidPart; every part but the last >= 5 MiB: EntityTooSmall), then publishes the object by a
     * manifest of the parts (no byte copy). ETag is {@code hex(md5(concat(part md5s)))-N}.
     */
    ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts);

    /**
     * CompleteMultipartUpload whose publish runs {@code check} atomically with it ({@link PublishCheck}), after the
     * part list was validated; a refusal leaves the upload and its parts as they were.
     */
    ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts,
                                          PublishCheck check);

    /**
     * CompleteMultipartUpload with S3's conditional-write and checksum checks, all made atomically with the publish
     * (under the key's write lock): {@code conditions}' {@code If-None-Match: *} / {@code If-Match} (PreconditionFailed,
     * NoSuchKey), then, when a condition is given and the key was written or deleted since the upload began,
     * ConditionalRequestConflict; each part checksum sent must equal the stored part's (InvalidPart); the object
     * checksum is computed by the upload's {@link dev.dualkey.storage.model.ChecksumType} (attribute
     * {@link dev.dualkey.storage.checksum.MultipartChecksums#TYPE_ATTRIBUTE}) and must equal
     * {@code expected.checksums()} when given (InvalidChecksumException: BadDigest). The version records its part
     * layout ({@link dev.dualkey.storage.checksum.MultipartChecksums#PARTS_ATTRIBUTE}).
     *
     * @param conditions only {@code ifNoneMatchAny} and {@code ifMatchEtag} are read
     * @param expected   only {@code checksums} is read: the object checksum the client declared
     */
    ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts,
                                          WriteOptions conditions, Expectations expected, PublishCheck check);

    /** AbortMultipartUpload: removes the upload and its parts; NoSuchUpload if unknown. */
    void abortMultipartUpload(String bucket, String key, String uploadId);

    /**
     * ListParts.
     *
     * @param partNumberMarker list parts after this number (0 = from the start)
     * @param maxParts         0..1000
     */
    ListPartsPage listParts(String bucket, String key, String uploadId, int partNumberMarker, int maxParts);

    /**
     * ListMultipartUploads, ordered by key, then by initiation time.
     *
     * @param prefix         key prefix ("" or null = all)
     * @param delimiter      roll-up delimiter, or null
     * @param keyMarker      start after this key (or inside it with uploadIdMarker), or null
     * @param uploadIdMarker continue after this upload of keyMarker, or null
     * @param maxUploads     0..1000
     */
    ListUploadsPage listMultipartUploads(String bucket, String prefix, String delimiter, String keyMarker,
                                         String uploadIdMarker, int maxUploads);

    /**
     * Encrypts the data of every version and part written from now on, each blob or inline value with its own data
     * key wrapped by {@code keys} (SSE-S3 semantics: encryption at rest, on for every object once the gateway wiring
     * calls this with the master-key wrapper), and reads data so encrypted. Data written in the clear before stays
     * readable. A store that cannot encrypt refuses (the default).
     */
    default void encryptAtRest(dev.dualkey.storage.crypto.KeyWrapper keys) {
        throw new UnsupportedOperationException("this store cannot encrypt at rest");
    }

    /**
     * A PutObject writer whose data keys are wrapped by {@code dataKeys} instead of the store's (SSE-C: a wrapper
     * derived from the customer's key, which is never stored). The ETag is {@link
     * dev.dualkey.storage.crypto.KeyWrapper#etag}, not the plaintext's MD5.
     */
    default ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                         PublishCheck check, dev.dualkey.storage.crypto.KeyWrapper dataKeys) {
        throw new UnsupportedOperationException("this store cannot encrypt with a caller's key");
    }

    /**
     * Opens a version whose data keys may be wrapped by {@code dataKeys} (SSE-C) as well as by the store's own key.
     * Nothing is decrypted before {@link ObjectReader#read}: callers check the version's attributes first.
     */
    default ObjectReader openObject(String bucket, String key, String versionId,
                                    dev.dualkey.storage.crypto.KeyWrapper dataKeys) {
        throw new UnsupportedOperationException("this store cannot decrypt with a caller's key");
    }

    /**
     * CopyObject with customer keys (SSE-C): the source is read with {@code sourceKeys} (null: the store's own key
     * only) and the copy's data keys are wrapped by {@code destinationKeys} (null: the store's key, SSE-S3). The
     * caller checked the source version's key record first and names that version ({@code srcVersionId} non-null),
     * so the version checked is the version copied. With a caller's key the copy's ETag is {@link
     * dev.dualkey.storage.crypto.KeyWrapper#etag}, as for an SSE-C PutObject.
     */
    default CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                  String dstKey, ObjectMetadata replaceMetadata, WriteOptions options,
                                  PublishCheck check, dev.dualkey.storage.crypto.KeyWrapper sourceKeys,
                                  dev.dualkey.storage.crypto.KeyWrapper destinationKeys) {
        throw new UnsupportedOperationException("this store cannot copy with a caller's key");
    }

    /**
     * UploadPart whose data keys are wrapped by {@code dataKeys} instead of the store's: the upload's SSE-C customer
     * key or SSE-KMS key, chosen at CreateMultipartUpload and checked by the caller for every part. A wrapper with a
     * keyed {@link dev.dualkey.storage.crypto.KeyWrapper#etag} (SSE-C) makes the part's ETag that digest, so that
     * the completed object's ETag is not derived from plaintext MD5s either.
     */
    default PartWriter newPartWriter(String bucket, String key, String uploadId, int partNumber,
                                     dev.dualkey.storage.crypto.KeyWrapper dataKeys) {
        throw new UnsupportedOperationException("this store cannot encrypt parts with a caller's key");
    }

    /**
     * UploadPartCopy with caller keys: the source is read with {@code sourceKeys} (null: the store's own key only;
     * SSE-C or SSE-KMS source) and the part's data keys are wrapped by {@code destinationKeys} (null: the store's
     * key). With {@code sourceKeys} the caller checked the source version's key record first and names that
     * version ({@code srcVersionId} non-null), so the version checked is the version copied.
     */
    default PartCopyResult uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                          String srcBucket, String srcKey, String srcVersionId, ByteRange range,
                                          dev.dualkey.storage.crypto.KeyWrapper sourceKeys,
                                          dev.dualkey.storage.crypto.KeyWrapper destinationKeys) {
        throw new UnsupportedOperationException("this store cannot copy parts with a caller's key");
    }

    /** True once {@link #encryptAtRest} was called: data written from now on is encrypted. */
    default boolean encryptsAtRest() {
        return false;
    }

    /**
     * What {@code bucket} holds (objects, versions, delete markers, bytes), as the store counted it at every write;
     * never a scan. All zero for an empty or unknown bucket. A store that keeps no counters refuses (the default).
     */
    default dev.dualkey.storage.usage.BucketUsage bucketUsage(String bucket) {
        throw new UnsupportedOperationException("this store keeps no usage counters");
    }

    /**
     * Usage of up to {@code limit} buckets in name order after {@code startAfter} (null: from the first); buckets
     * that never held a version may be missing.
     */
    default List<dev.dualkey.storage.usage.BucketUsage> listBucketUsage(String startAfter, int limit) {
        throw new UnsupportedOperationException("this store keeps no usage counters");
    }

    /** The sum over every bucket ({@link dev.dualkey.storage.usage.BucketUsage#TOTAL}). */
    default dev.dualkey.storage.usage.BucketUsage totalUsage() {
        throw new UnsupportedOperationException("this store keeps no usage counters");
    }

    /**
     * The clock this store judges Object Lock by (retention in force or expired). The gateway takes "now" from it
     * too, for a new version's default retention and for "the retain until date must be in the future", so that one
     * clock decides every lock question.
     */
    java.time.Clock clock();

    /** Releases resources; open readers stay readable until closed. */
    @Override
    void close();
}
