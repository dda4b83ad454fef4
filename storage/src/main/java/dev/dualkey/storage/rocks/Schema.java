package dev.dualkey.storage.rocks;

import java.util.List;

/**
 * The storage module's column families. Key layouts are in {@link dev.dualkey.storage.keys.StoreKeys}; value
 * layouts in {@link StoreRecords}. Anyone changing a key or value edits this table.
 *
 * <table>
 * <caption>storage column families</caption>
 * <tr><th>family</th><th>key :- value</th></tr>
 * <tr><td>storage.buckets</td><td>utf8(bucket name) :- BucketRecord(owner, created, region, config)</td></tr>
 * <tr><td>storage.objects</td><td>object key(bucket, key) :- VersionRecord of the latest version, only when it is
 *     not a delete marker (ListObjects and GET without version id read only this)</td></tr>
 * <tr><td>storage.versions</td><td>version key(bucket, key, ~seq) :- VersionRecord (all versions and delete
 *     markers, newest first per key)</td></tr>
 * <tr><td>storage.nullversions</td><td>object key(bucket, key) :- seq (16 bytes) of the key's {@code null}
 *     version</td></tr>
 * <tr><td>storage.inline</td><td>seq (16 bytes) :- object bytes (objects up to the inline threshold, written in
 *     the same batch as their version; values from 1 KiB live in RocksDB blob files,
 *     {@link ColumnFamilySpec#largeValues()})</td></tr>
 * <tr><td>storage.manifests</td><td>seq (16 bytes) :- Manifest(list of (blob id, size)) of a completed multipart
 *     object</td></tr>
 * <tr><td>storage.uploads</td><td>upload key(bucket, key, seq) :- UploadRecord(owner, initiated, metadata,
 *     checksum algorithm)</td></tr>
 * <tr><td>storage.parts</td><td>part key(upload seq, part number) :- PartRecord(blob id, size, etag, time,
 *     checksums)</td></tr>
 * <tr><td>storage.blobrefs</td><td>utf8(blob id) :- raw key of the one version or part owning the blob (orphan
 *     collection: a blob file without an entry here is garbage)</td></tr>
 * <tr><td>storage.usage</td><td>(bucket, counter id) :- 8-byte little-endian counter, updated by merge operands
 *     in the same batch as the versions it counts (layout: {@link UsageLedger})</td></tr>
 * </table>
 */
public final class Schema {
    public static final String BUCKETS = "storage.buckets";
    public static final String OBJECTS = "storage.objects";
    public static final String VERSIONS = "storage.versions";
    public static final String NULL_VERSIONS = "storage.nullversions";
    public static final String INLINE = "storage.inline";
    public static final String MANIFESTS = "storage.manifests";
    public static final String UPLOADS = "storage.uploads";
    public static final String PARTS = "storage.parts";
    public static final String BLOB_REFS = "storage.blobrefs";
    public static final String USAGE = "storage.usage";

    /** All storage families, to pass (with other modules' families) to {@link RocksDatabase#open}. */
    public static final List<ColumnFamilySpec> FAMILIES = List.of(
            ColumnFamilySpec.of(BUCKETS, "bucket name :- BucketRecord"),
            ColumnFamilySpec.of(OBJECTS, "(bucket, key) :- latest non-marker VersionRecord"),
            ColumnFamilySpec.of(VERSIONS, "(bucket, key, ~seq) :- VersionRecord"),
            ColumnFamilySpec.of(NULL_VERSIONS, "(bucket, key) :- seq of the null version"),
            ColumnFamilySpec.ofLargeValues(INLINE, "seq :- inline object bytes"),
            ColumnFamilySpec.of(MANIFESTS, "seq :- multipart manifest"),
            ColumnFamilySpec.of(UPLOADS, "(bucket, key, seq) :- UploadRecord"),
            ColumnFamilySpec.of(PARTS, "(upload seq, part number) :- PartRecord"),
            ColumnFamilySpec.of(BLOB_REFS, "blob id :- owning key"),
            ColumnFamilySpec.of(USAGE, "(bucket, counter) :- usage counter (uint64add merges)"));

    private Schema() {
    }
}
