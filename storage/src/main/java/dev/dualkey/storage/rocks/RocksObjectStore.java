package dev.dualkey.storage.rocks;

import dev.dualkey.storage.MemoryOnly;
import dev.dualkey.storage.BucketNames;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.PublishCheck;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.crypto.SealedReader;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.EntityTooSmallException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidPartException;
import dev.dualkey.storage.error.InvalidPartOrderException;
import dev.dualkey.storage.error.InvalidRangeException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.keys.Utf8Order;
import dev.dualkey.storage.lock.LockManager;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.ByteRange;
import dev.dualkey.storage.model.ChecksumAlgorithm;
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
import dev.dualkey.storage.model.PartInfo;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.retention.RetentionBypass;
import dev.dualkey.storage.retention.RetentionGuard;
import dev.dualkey.storage.rocks.StoreRecords.BucketRecord;
import dev.dualkey.storage.rocks.StoreRecords.DataKind;
import dev.dualkey.storage.rocks.StoreRecords.ManifestEntry;
import dev.dualkey.storage.rocks.StoreRecords.PartRecord;
import dev.dualkey.storage.rocks.StoreRecords.UploadRecord;
import dev.dualkey.storage.rocks.StoreRecords.VersionRecord;
import dev.dualkey.storage.versioning.VersionIds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@link ObjectStore} on RocksDB plus blob files. Families and layouts: {@link Schema}, {@link StoreRecords},
 * {@link StoreKeys}.
 *
 * <p>Invariants kept by every mutation (one WriteBatch each, under the locks of {@link LockManager}, order
 * bucket -> key -> upload):
 * <ul>
 * <li>{@code versions} holds every version and marker of a key, newest first; {@code objects} holds a copy of the
 *     newest one exactly when it is not a delete marker;</li>
 * <li>at most one {@code null} version per key, pointed to by {@code nullversions};</li>
 * <li>every blob file referenced by a version, manifest or part has a {@code blobrefs} entry naming its one owner;
 *     the file was fsynced, renamed and its directory fsynced before that batch; blobs released by a batch are
 *     unlinked only after it committed (and after readers unpin them).</li>
 * </ul>
 * Data below {@link Settings#inlineThreshold()} is stored in {@code inline} in the same batch as its version.
 */
public final class RocksObjectStore implements ObjectStore {
    private static final HexFormat HEX = HexFormat.of();
    private static final int COPY_CHUNK = 64 * 1024;

    /**
     * Tunables.
     *
     * <h2>Why the inline threshold is 128 KiB</h2>
     * Measured with {@code dev.dualkey.storage.bench.InlineThresholdBenchmark} (128 MiB of PUTs per point, fresh
     * store each, 2-core VM, ext4 mounted with {@code discard}, other sessions sharing the machine): PUT/s and
     * p50 / p99 latency, all-inline vs all-blob.
     * <pre>
     * size     threads   inline                        blob
     * 16 KiB      1      2009/s  0.24 / 4.5 ms         1793/s  0.51 / 1.4 ms
     * 16 KiB     16      6978/s  1.7 / 12.8 ms          848/s  12.5 / 126 ms
     * 64 KiB      1      2373/s  0.41 / 0.84 ms         594/s  1.5 / 3.6 ms
     * 64 KiB     16      3340/s  4.6 / 9.9 ms           877/s  16.9 / 43 ms
     * 128 KiB     1      1649/s  0.58 / 1.1 ms  216 MB/s  512/s  1.7 / 3.2 ms   67 MB/s
     * 128 KiB    16      3314/s  4.6 / 8.3 ms   434 MB/s  853/s  17.5 / 41 ms  112 MB/s
     * 256 KiB     1      1046/s  0.93 / 2.1 ms          159/s  3.0 / 40 ms
     * 256 KiB    16       633/s  17.6 / 122 ms          292/s  44 / 157 ms
     * 512 KiB     1       114/s  4.4 / 88 ms             82/s  9.2 / 90 ms
     * 512 KiB    16       275/s  53 / 130 ms            238/s  55 / 186 ms
     * </pre>
     * A blob PUT costs two extra fsyncs (file, directory) and a create/rename, which dominate up to 128 KiB:
     * inline is 3-4x faster there with a third of the latency, and concurrent writers share one WAL fsync (group
     * commit) instead of queueing on the journal. From 256 KiB on, 16 concurrent inline writers fill memtables
     * fast enough to meet flush stalls (p99 122 ms, about the blob path's), and at 512 KiB inline gains only
     * 15-40 %. Inline data is also rewritten by every compaction level it passes, while a blob is written once
     * (these short runs show about 1.0-1.5 device bytes per logical byte either way, before deep compaction), and
     * each writer buffers up to the threshold in memory. 128 KiB keeps the whole clear win and stops before the
     * region where inline latency degrades. (Deletes: a blob delete unlinks a file, 4.5-14k/s; inline 8-32k/s.)
     *
     * @param inlineThreshold objects up to this many bytes live inline in RocksDB, in the version's WriteBatch;
     *                        larger ones (and all parts) become blob files
     * @param minPartSize     S3's minimum size of every part but the last (5 MiB)
     * @param lockDeadline    longest wait for a lock before SlowDown
     * @param abandonedWriteTimeout an unfinished writer whose body spilled to a temp blob and received no byte for
     *                        this long is reaped (temp file deleted, next call fails with RequestTimeout); swept
     *                        every {@code min(timeout / 2, 1 minute)}
     */
    public record Settings(int inlineThreshold, long minPartSize, Duration lockDeadline,
                           Duration abandonedWriteTimeout) {
        public Settings {
            Objects.requireNonNull(lockDeadline, "lockDeadline");
            Objects.requireNonNull(abandonedWriteTimeout, "abandonedWriteTimeout");
            if (inlineThreshold < 0 || minPartSize < 0 || abandonedWriteTimeout.isNegative()
                    || abandonedWriteTimeout.isZero()) {
                throw new IllegalArgumentException("invalid settings");
            }
        }

        /** With the default 15-minute abandoned-write timeout. */
        public Settings(int inlineThreshold, long minPartSize, Duration lockDeadline) {
            this(inlineThreshold, minPartSize, lockDeadline, Duration.ofMinutes(15));
        }

        public static Settings defaults() {
            return new Settings(128 * 1024, 5L * 1024 * 1024, Duration.ofSeconds(30));
        }
    }

    private final RocksDatabase db;
    private final BlobStore blobs;
    private final Clock clock;
    private final Settings settings;
    private final VersionIds ids;
    private final LockManager locks;
    private final Table<String, BucketRecord> buckets;
    /** Decoded bucket records; every write of {@link #buckets} is followed by {@link BucketRecordCache#changed}. */
    private final BucketRecordCache bucketRecords;
    private final Table<byte[], VersionRecord> objects;
    private final Table<byte[], VersionRecord> versions;
    private final Table<byte[], byte[]> nullVersions;
    private final Table<byte[], byte[]> inline;
    private final Table<byte[], List<ManifestEntry>> manifests;
    private final Table<byte[], UploadRecord> uploads;
    private final Table<byte[], PartRecord> parts;
    private final Table<String, byte[]> blobRefs;
    /** Per-bucket usage counters, staged in every batch that adds or removes a version (metrics, dashboard). */
    private final UsageLedger usage;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dualkey-temp-blob-sweeper");
        t.setDaemon(true);
        return t;
    });

    private RocksObjectStore(RocksDatabase db, Path blobDir, Clock clock, Settings settings) {
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.ids = new VersionIds(clock);
        this.locks = new LockManager(1024, settings.lockDeadline());
        this.blobs = new BlobStore(blobDir, db::checkFreeSpace, clock, settings.abandonedWriteTimeout());
        this.buckets = db.table(Schema.BUCKETS, Codecs.UTF8, StoreRecords.bucketCodec());
        this.bucketRecords = new BucketRecordCache(buckets);
        this.objects = db.table(Schema.OBJECTS, Codecs.BYTES, StoreRecords.versionCodec());
        this.versions = db.table(Schema.VERSIONS, Codecs.BYTES, StoreRecords.versionCodec());
        this.nullVersions = db.table(Schema.NULL_VERSIONS, Codecs.BYTES, Codecs.BYTES);
        this.inline = db.table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
        this.manifests = db.table(Schema.MANIFESTS, Codecs.BYTES, StoreRecords.manifestCodec());
        this.uploads = db.table(Schema.UPLOADS, Codecs.BYTES, StoreRecords.uploadCodec());
        this.parts = db.table(Schema.PARTS, Codecs.BYTES, StoreRecords.partCodec());
        this.blobRefs = db.table(Schema.BLOB_REFS, Codecs.UTF8, Codecs.BYTES);
        this.usage = new UsageLedger(db);
    }

    /**
     * Opens the store over {@code db} (which must have been opened with {@link Schema#FAMILIES}) and collects
     * orphan blobs (temp files of interrupted writes, blobs whose metadata never committed or was removed).
     */
    public static RocksObjectStore open(RocksDatabase db, Path blobDir, Clock clock) {
        return open(db, blobDir, clock, Settings.defaults());
    }

    public static RocksObjectStore open(RocksDatabase db, Path blobDir, Clock clock, Settings settings) {
        RocksObjectStore store = new RocksObjectStore(db, blobDir, clock, settings);
        try {
            store.blobs.collectGarbage(id -> store.blobRefs.get(id).isPresent());
            if (!db.readOnly()) {
                store.usage.backfillIfNeeded(store.versions, store.objects); // once, for data written before
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        long every = Math.max(1, Math.min(settings.abandonedWriteTimeout().toMillis() / 2, 60_000));
        store.sweeper.scheduleWithFixedDelay(store::sweepAbandonedWrites, every, every, TimeUnit.MILLISECONDS);
        store.tuneBlobGarbageCollection(); // the first look at once: a reopened database starts with it off
        store.sweeper.scheduleWithFixedDelay(store::tuneBlobGarbageCollection, BLOB_GARBAGE_LOOK_MILLIS,
                BLOB_GARBAGE_LOOK_MILLIS, TimeUnit.MILLISECONDS);
        return store;
    }

    /** Wraps data keys of new blobs and inline values; null = new data is stored in the clear. */
    private volatile KeyWrapper dataKeys;

    /**
     * Encrypts the data of every version and part written from now on (SSE-S3 semantics, see
     * {@code crypto.SealedLayout}), and reads data encrypted earlier. Data stored in the clear stays readable.
     */
    @Override
    public void encryptAtRest(KeyWrapper keys) {
        this.dataKeys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public boolean encryptsAtRest() {
        return dataKeys != null;
    }

    /** The wrapper of the store's data keys, or null (the scrub opens sealed data with it). */
    KeyWrapper dataKeys() {
        return dataKeys;
    }

    /** The blob store (tests inspect pins and files). */
    BlobStore blobStore() {
        return blobs;
    }

    /** The usage counters (the gateway's metrics and dashboard read them through {@link #bucketUsage}). */
    UsageLedger usageLedger() {
        return usage;
    }

    @Override
    public dev.dualkey.storage.usage.BucketUsage bucketUsage(String bucket) {
        return usage.usage(bucket);
    }

    @Override
    public List<dev.dualkey.storage.usage.BucketUsage> listBucketUsage(String startAfter, int limit) {
        return usage.list(startAfter, limit);
    }

    @Override
    public dev.dualkey.storage.usage.BucketUsage totalUsage() {
        return usage.total();
    }

    /** Recounts {@code bucket} by scanning its versions (tests compare it with the counters). */
    dev.dualkey.storage.usage.BucketUsage recountUsage(String bucket) {
        return usage.recount(bucket, versions, objects);
    }

    /** The lock manager (tests assert the order). */
    LockManager lockManager() {
        return locks;
    }

    /** The database (master key rotation re-wraps inline values' data keys: {@link DataKeyRewrapper}). */
    RocksDatabase db() {
        return db;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    // ---- buckets -------------------------------------------------------------------------------------------

    @Override
    public BucketInfo createBucket(String name, String ownerAccountId, String region) {
        return createBucket(name, ownerAccountId, region, BucketConfig.initial());
    }

    @Override
    public BucketInfo createBucket(String name, String ownerAccountId, String region, BucketConfig initial) {
        BucketNames.validate(name);
        Objects.requireNonNull(ownerAccountId, "ownerAccountId");
        Objects.requireNonNull(region, "region");
        try (LockManager.Held b = locks.bucketWrite(name)) {
            Optional<BucketRecord> existing = buckets.get(name);
            if (existing.isPresent()) {
                if (existing.get().owner().equals(ownerAccountId)) {
                    throw new BucketAlreadyOwnedByYouException("Your previous request to create the named bucket "
                            + "succeeded and you already own it: " + name);
                }
                throw new BucketAlreadyExistsException("The requested bucket name is not available: " + name);
            }
            if (initial.objectLockEnabled() && initial.versioning() != VersioningState.ENABLED) {
                throw new InvalidArgumentException("an Object Lock bucket is created with versioning Enabled");
            }
            BucketRecord r = new BucketRecord(name, ownerAccountId, now(), region, initial);
            try {
                buckets.put(name, r);
            } finally {
                bucketRecords.changed(name);
            }
            return info(r);
        }
    }

    @Override
    public void deleteBucket(String name) {
        try (LockManager.Held b = locks.bucketWrite(name)) {
            requireBucket(name);
            byte[] prefix = StoreKeys.bucketPrefix(name);
            if (!versions.scanPrefix(prefix, 1).isEmpty() || !uploads.scanPrefix(prefix, 1).isEmpty()) {
                throw new BucketNotEmptyException("The bucket you tried to delete is not empty: " + name);
            }
            try {
                db.write(batch -> {
                    buckets.delete(batch, name);
                    usage.forget(batch, name); // usage: an empty bucket's zero counters go with it
                });
            } finally {
                bucketRecords.changed(name);
            }
        }
    }

    @Override
    public BucketInfo headBucket(String name) {
        return info(requireBucket(name));
    }

    @Override
    public List<BucketInfo> listBuckets(String ownerAccountId) {
        List<BucketInfo> out = new ArrayList<>();
        try (KvIterator<String, BucketRecord> it = buckets.scanRaw(null, null)) {
            while (it.hasNext()) {
                BucketRecord r = it.next().value();
                if (r.owner().equals(ownerAccountId)) {
                    out.add(info(r));
                }
            }
        }
        out.sort(Comparator.comparing(BucketInfo::name));
        return out;
    }

    @Override
    public BucketInfo updateBucket(String name, UnaryOperator<BucketConfig> change) {
        try (LockManager.Held b = locks.bucketWrite(name)) {
            BucketRecord r = requireBucket(name);
            BucketConfig next = Objects.requireNonNull(change.apply(r.config()), "new config");
            if (r.config().versioning() != VersioningState.UNVERSIONED
                    && next.versioning() == VersioningState.UNVERSIONED) {
                throw new InvalidArgumentException("versioning cannot return to unversioned once set");
            }
            if (r.config().objectLockEnabled() && !next.objectLockEnabled()) {
                throw new InvalidArgumentException("Object Lock cannot be disabled once enabled");
            }
            if (next.objectLockEnabled() && next.versioning() != VersioningState.ENABLED) {
                // Object Lock needs versioning Enabled and keeps it so: a lock bucket never has a write that
                // replaces a version (AWS's wording for both directions).
                throw new dev.dualkey.storage.error.InvalidBucketStateException(r.config().objectLockEnabled()
                        ? "An Object Lock configuration is present on this bucket, so the versioning state cannot be"
                        + " changed."
                        : "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
            }
            BucketRecord updated = new BucketRecord(r.name(), r.owner(), r.created(), r.region(), next);
            try {
                buckets.put(name, updated);
            } finally {
                bucketRecords.changed(name);
            }
            return info(updated);
        }
    }

    @Override
    public List<BucketInfo> listAllBuckets(String startAfter, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        List<BucketInfo> out = new ArrayList<>();
        byte[] from = startAfter == null ? null : after(startAfter.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (KvIterator<String, BucketRecord> it = buckets.scanRaw(from, null)) {
            while (out.size() < limit && it.hasNext()) {
                out.add(info(it.next().value()));
            }
        }
        return out;
    }

    private BucketRecord requireBucket(String name) {
        if (name == null) {
            throw new NoSuchBucketException("The specified bucket does not exist");
        }
        return bucketRecords.get(name).orElseThrow(
                () -> new NoSuchBucketException("The specified bucket does not exist: " + name));
    }

    private static BucketInfo info(BucketRecord r) {
        return new BucketInfo(r.name(), r.owner(), r.created(), r.region(), r.config());
    }

    // ---- objects: write ------------------------------------------------------------------------------------

    @Override
    public ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options) {
        return newObjectWriter(bucket, key, metadata, options, PublishCheck.NONE);
    }

    @Override
    public ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                        PublishCheck check) {
        BucketNames.validateKey(key);
        requireBucket(bucket);
        Objects.requireNonNull(metadata, "metadata");
        return new PutWriter(bucket, key, metadata, options, Objects.requireNonNull(check, "check"), null);
    }

    @Override
    public ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                        PublishCheck check, KeyWrapper keys) {
        BucketNames.validateKey(key);
        requireBucket(bucket);
        Objects.requireNonNull(metadata, "metadata");
        return new PutWriter(bucket, key, metadata, options, Objects.requireNonNull(check, "check"),
                Objects.requireNonNull(keys, "keys"));
    }

    /** PutObject writer: publishes a new version under bucket(read) -> key(write). */
    private final class PutWriter extends RocksBodyWriter<ObjectVersion> implements ObjectWriter {
        private final String bucket;
        private final String key;
        private final ObjectMetadata metadata;
        private final WriteOptions options;
        private final PublishCheck check;
        /** The caller's wrapper (SSE-C), or null for the store's own. */
        private final KeyWrapper callerKeys;

        PutWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options, PublishCheck check,
                  KeyWrapper callerKeys) {
            super(blobs, settings.inlineThreshold(), options.computeSha256(), options.checksumAlgorithms());
            this.callerKeys = callerKeys;
            sealWith(callerKeys != null ? callerKeys : dataKeys, SealedLayout.inlineContext(bucket, key));
            this.bucket = bucket;
            this.key = key;
            this.metadata = metadata;
            this.options = options;
            this.check = check;
        }

        @Override
        ObjectVersion publish(BodyDigests d, byte[] inlineBytes, BlobStore.BlobOutput blob) {
            String blobId = blob == null ? null : blob.publish();
            try {
                return publishVersion(bucket, key, metadata, options, d.length(), callerKeys != null ? callerKeys.etag(d.md5()) : HEX.formatHex(d.md5()), 0,
                        d.checksumsBase64(), inlineBytes, blobId == null ? null
                                : List.of(new ManifestEntry(blobId, d.length())), false, check, sealsInline());
            } catch (RuntimeException e) {
                if (blob != null) {
                    blob.discard();
                }
                throw e;
            }
        }
    }

    /**
     * Commits a new version (object data already durable) under bucket(read) -> key(write). {@code blobList}
     * with one entry is a plain blob, with several (or {@code manifest}) a multipart manifest.
     */
    private ObjectVersion publishVersion(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                         long size, String etag, int partsCount,
                                         Map<ChecksumAlgorithm, String> checksums, byte[] inlineBytes,
                                         List<ManifestEntry> blobList, boolean manifest, PublishCheck check,
                                         boolean sealedInline) {
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key)) {
            BucketRecord br = requireBucket(bucket);
            byte[] objectKey = StoreKeys.objectKey(bucket, key);
            checkConditions(objectKey, options);
            boolean isNull = br.config().versioning() != VersioningState.ENABLED;
            // Each read once, under the key's write lock (they hold until the batch is written): the null version
            // this write replaces, and (unversioned) the newest version and the latest, which are that same one.
            byte[] nullSeq = isNull ? nullVersions.get(objectKey).orElse(null) : null;
            check.check(info(br), nullSeq != null);
            Optional<VersionRecord> oldNull = nullSeq == null ? Optional.empty()
                    : versions.get(StoreKeys.versionKey(bucket, key, nullSeq));
            if (oldNull.isPresent()) {
                checkRemovable(oldNull.get(), RetentionBypass.NONE);
            }
            // An unversioned bucket holds null versions only (versioning never returns to unversioned), so a key's
            // newest version there is its null version: no scan of the key's versions.
            boolean unversioned = br.config().versioning() == VersioningState.UNVERSIONED;
            byte[] newest = unversioned ? nullSeq : newestSeq(objectKey);
            Staged prior = isNull ? new Staged(oldNull, unversioned ? oldNull : null) : null;
            DataKind kind = manifest ? DataKind.MANIFEST
                    : blobList != null ? DataKind.BLOB : size == 0 ? DataKind.NONE
                    : sealedInline ? DataKind.SEALED_INLINE : DataKind.INLINE;
            String owner = options.ownerAccountId() == null ? br.owner() : options.ownerAccountId();
            VersionRecord rec = new VersionRecord(ids.next(newest), isNull, false, size, etag, now(),
                    owner, metadata, partsCount, checksums, kind, kind == DataKind.BLOB ? blobList.get(0).blobId()
                    : null);
            List<String> released = new ArrayList<>();
            db.write(batch -> {
                released.clear();
                released.addAll(stageNewVersion(batch, bucket, key, rec, inlineBytes,
                        manifest ? blobList : null, prior));
            });
            blobs.deleteWhenUnpinned(released);
            return rec.toVersion(bucket, key, true);
        }
    }

    private void checkConditions(byte[] objectKey, WriteOptions options) {
        if (!options.ifNoneMatchAny() && options.ifMatchEtag() == null) {
            return;
        }
        Optional<VersionRecord> current = objects.get(objectKey);
        if (options.ifNoneMatchAny() && current.isPresent()) {
            throw new PreconditionFailedException("At least one of the pre-conditions you specified did not hold");
        }
        if (options.ifMatchEtag() != null) {
            if (current.isEmpty()) {
                throw new NoSuchKeyException("The specified key does not exist.");
            }
            String want = new CompletedPart(1, options.ifMatchEtag()).unquotedEtag();
            if (!want.equals("*") && !current.get().etag().equals(want)) {
                throw new PreconditionFailedException(
                        "At least one of the pre-conditions you specified did not hold");
            }
        }
    }

    /** The seq of the newest version or marker of the key, or null. */
    private byte[] newestSeq(byte[] objectKey) {
        List<KvEntry<byte[], VersionRecord>> first = versions.scanPrefix(objectKey, 1);
        return first.isEmpty() ? null : first.get(0).value().seq();
    }

    /**
     * Stages {@code rec} as the new newest version: replaces the existing null version when {@code rec} is a null
     * version, stores data/manifest and blob references, and maintains {@code objects} and {@code nullversions}.
     *
     * @return blob ids no longer referenced once the batch commits
     */
    private List<String> stageNewVersion(Batch batch, String bucket, String key, VersionRecord rec,
                                         byte[] inlineBytes, List<ManifestEntry> manifest) {
        return stageNewVersion(batch, bucket, key, rec, inlineBytes, manifest, null);
    }

    /**
     * What a writer already read under the key's write lock, so that staging does not read it again.
     *
     * @param oldNull the key's null version (what a new null version replaces)
     * @param latest  the key's latest version when known (null: read {@code objects})
     */
    private record Staged(Optional<VersionRecord> oldNull, Optional<VersionRecord> latest) {
    }

    /** As {@link #stageNewVersion(Batch, String, String, VersionRecord, byte[], List)}; {@code known} may be null. */
    private List<String> stageNewVersion(Batch batch, String bucket, String key, VersionRecord rec,
                                         byte[] inlineBytes, List<ManifestEntry> manifest, Staged known) {
        List<String> released = new ArrayList<>();
        byte[] objectKey = StoreKeys.objectKey(bucket, key);
        byte[] versionKey = StoreKeys.versionKey(bucket, key, rec.seq());
        if (rec.nullVersion()) {
            Optional<VersionRecord> old;
            if (known != null) {
                old = known.oldNull();
            } else {
                Optional<byte[]> oldNull = nullVersions.get(objectKey);
                old = oldNull.isEmpty() ? Optional.empty()
                        : versions.get(StoreKeys.versionKey(bucket, key, oldNull.get()));
            }
            if (old.isPresent()) {
                released.addAll(stageRemoveVersion(batch, bucket, key, old.get()));
            }
            nullVersions.put(batch, objectKey, rec.seq());
        }
        versions.put(batch, versionKey, rec);
        usage.versionAdded(batch, bucket, rec);
        Optional<VersionRecord> latest = known != null && known.latest() != null ? known.latest()
                : objects.get(objectKey);
        usage.latestChanged(batch, bucket, latest.orElse(null), rec.deleteMarker() ? null : rec);
        switch (rec.kind()) {
            case INLINE, SEALED_INLINE -> inline.put(batch, rec.seq(), inlineBytes);
            case BLOB -> blobRefs.put(batch, rec.blobId(), versionKey);
            case MANIFEST -> {
                manifests.put(batch, rec.seq(), manifest);
                for (ManifestEntry e : manifest) {
                    blobRefs.put(batch, e.blobId(), versionKey);
                }
            }
            case NONE -> {
            }
        }
        if (rec.deleteMarker()) {
            objects.delete(batch, objectKey);
        } else {
            objects.put(batch, objectKey, rec);
        }
        return released;
    }

    /**
     * Stages removal of one version's record, data and blob references (not {@code objects}: callers decide the new
     * latest). Returns its blob ids to unlink after commit.
     */
    private List<String> stageRemoveVersion(Batch batch, String bucket, String key, VersionRecord old) {
        List<String> released = new ArrayList<>();
        versions.delete(batch, StoreKeys.versionKey(bucket, key, old.seq()));
        usage.versionRemoved(batch, bucket, old);
        switch (old.kind()) {
            case INLINE, SEALED_INLINE -> inline.delete(batch, old.seq());
            case BLOB -> {
                blobRefs.delete(batch, old.blobId());
                released.add(old.blobId());
            }
            case MANIFEST -> {
                for (ManifestEntry e : manifests.get(old.seq()).orElse(List.of())) {
                    blobRefs.delete(batch, e.blobId());
                    released.add(e.blobId());
                }
                manifests.delete(batch, old.seq());
            }
            case NONE -> {
            }
        }
        if (old.nullVersion()) {
            nullVersions.delete(batch, StoreKeys.objectKey(bucket, key));
        }
        return released;
    }

    // ---- objects: read -------------------------------------------------------------------------------------

    @Override
    public ObjectReader openObject(String bucket, String key, String versionId) {
        return openObject(bucket, key, versionId, (KeyWrapper) null);
    }

    @Override
    public ObjectReader openObject(String bucket, String key, String versionId, KeyWrapper callerKeys) {
        KeyWrapper dataKeys = callerKeys == null ? this.dataKeys
                : this.dataKeys == null ? callerKeys : KeyWrapper.either(this.dataKeys, callerKeys);
        BucketNames.validateKey(key);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyRead(bucket, key)) {
            requireBucket(bucket);
            ResolvedVersion rv = resolve(bucket, key, versionId);
            VersionRecord rec = rv.record();
            ObjectVersion v = rec.toVersion(bucket, key, rv.latest());
            switch (rec.kind()) {
                case NONE:
                    return new RocksObjectReader(v, new byte[0], null, blobs, dataKeys);
                case INLINE:
                    byte[] data = inline.get(rec.seq()).orElseThrow(
                            () -> new StorageIoException("inline data missing for " + bucket + "/" + key));
                    return new RocksObjectReader(v, data, null, blobs, dataKeys);
                case SEALED_INLINE:
                    byte[] sealed = inline.get(rec.seq()).orElseThrow(
                            () -> new StorageIoException("inline data missing for " + bucket + "/" + key));
                    // decrypted on first read, so that callers check the version (SSE-C) before any key is used
                    return RocksObjectReader.sealedInline(v, sealed, SealedLayout.inlineContext(bucket, key), blobs,
                            dataKeys);
                case BLOB:
                    MemoryOnly.check("blob file"); // its bytes are read from a file: not on the event loop
                    return pinned(v, List.of(new ManifestEntry(rec.blobId(), rec.size())), dataKeys);
                default:
                    MemoryOnly.check("multipart blob files");
                    return pinned(v, manifests.get(rec.seq()).orElseThrow(
                            () -> new StorageIoException("manifest missing for " + bucket + "/" + key)), dataKeys);
            }
        }
    }

    private RocksObjectReader pinned(ObjectVersion v, List<ManifestEntry> entries, KeyWrapper keys) {
        blobs.pin(entries.stream().map(ManifestEntry::blobId).toList());
        return new RocksObjectReader(v, null, entries, blobs, keys);
    }

    @Override
    public ObjectVersion headObject(String bucket, String key, String versionId) {
        BucketNames.validateKey(key);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyRead(bucket, key)) {
            requireBucket(bucket);
            ResolvedVersion rv = resolve(bucket, key, versionId);
            return rv.record().toVersion(bucket, key, rv.latest());
        }
    }

    @Override
    public ObjectVersion updateObjectMetadata(String bucket, String key, String versionId,
                                              UnaryOperator<ObjectMetadata> change) {
        return updateObjectMetadata(bucket, key, versionId, RetentionBypass.NONE, change);
    }

    @Override
    public ObjectVersion updateObjectMetadata(String bucket, String key, String versionId, RetentionBypass bypass,
                                              UnaryOperator<ObjectMetadata> change) {
        Objects.requireNonNull(bypass, "bypass");
        BucketNames.validateKey(key);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key)) {
            requireBucket(bucket);
            ResolvedVersion rv = resolve(bucket, key, versionId);
            VersionRecord old = rv.record();
            ObjectMetadata meta = Objects.requireNonNull(change.apply(old.metadata()), "changed metadata");
            RetentionGuard.checkRetentionChange(old.metadata(), meta, now(), bypass);
            VersionRecord rec = new VersionRecord(old.seq(), old.nullVersion(), false, old.size(), old.etag(),
                    old.lastModified(), old.owner(), meta, old.partsCount(), old.checksums(), old.kind(),
                    old.blobId());
            byte[] objectKey = StoreKeys.objectKey(bucket, key);
            db.write(batch -> {
                versions.put(batch, StoreKeys.versionKey(bucket, key, rec.seq()), rec);
                if (rv.latest()) {
                    objects.put(batch, objectKey, rec);
                }
            });
            return rec.toVersion(bucket, key, rv.latest());
        }
    }

    private record ResolvedVersion(VersionRecord record, boolean latest) {
    }

    /** Finds the addressed non-marker version or throws the S3 error for the case. Caller holds the key lock. */
    private ResolvedVersion resolve(String bucket, String key, String versionId) {
        byte[] objectKey = StoreKeys.objectKey(bucket, key);
        if (versionId == null) {
            Optional<VersionRecord> cur = objects.get(objectKey);
            if (cur.isPresent()) {
                return new ResolvedVersion(cur.get(), true);
            }
            List<KvEntry<byte[], VersionRecord>> first = versions.scanPrefix(objectKey, 1);
            if (!first.isEmpty() && first.get(0).value().deleteMarker()) {
                throw new NoSuchKeyException("The specified key does not exist.", first.get(0).value().versionId());
            }
            throw new NoSuchKeyException("The specified key does not exist.");
        }
        VersionRecord rec = findVersion(bucket, key, versionId, true)
                .orElseThrow(() -> new NoSuchVersionException("The specified version does not exist."));
        byte[] newest = newestSeq(objectKey);
        boolean latest = newest != null && Arrays.equals(newest, rec.seq());
        if (rec.deleteMarker()) {
            throw new MethodNotAllowedException("The specified method is not allowed against this resource.",
                    rec.versionId(), rec.lastModified());
        }
        return new ResolvedVersion(rec, latest);
    }

    /** Looks a version up by external id; malformed ids raise InvalidArgument when {@code strict}. */
    private Optional<VersionRecord> findVersion(String bucket, String key, String versionId, boolean strict) {
        byte[] seq;
        if (ObjectVersion.NULL_VERSION_ID.equals(versionId)) {
            Optional<byte[]> s = nullVersions.get(StoreKeys.objectKey(bucket, key));
            if (s.isEmpty()) {
                return Optional.empty();
            }
            seq = s.get();
        } else {
            seq = VersionIds.parse(versionId);
            if (seq == null) {
                if (strict) {
                    throw new InvalidArgumentException("Invalid version id specified");
                }
                return Optional.empty();
            }
        }
        return versions.get(StoreKeys.versionKey(bucket, key, seq));
    }

    // ---- objects: delete -----------------------------------------------------------------------------------

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId) {
        return deleteObject(bucket, key, versionId, b -> { });
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId,
                                      java.util.function.Consumer<BucketInfo> precondition) {
        return deleteObject(bucket, key, versionId, RetentionBypass.NONE, precondition, null);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                                      java.util.function.Consumer<BucketInfo> precondition) {
        return deleteObject(bucket, key, versionId, bypass, precondition, null);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId,
                                      java.util.function.Consumer<BucketInfo> precondition, String ifMatchEtag) {
        return deleteObject(bucket, key, versionId, RetentionBypass.NONE, precondition, ifMatchEtag);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                                      java.util.function.Consumer<BucketInfo> precondition, String ifMatchEtag) {
        return deleteObject(bucket, key, versionId, bypass, precondition, ifMatchEtag, null);
    }

    /** The database every record of this store is in (a {@link WriteRide} for its deletes must be for it). */
    public RocksDatabase database() {
        return db;
    }

    /**
     * DeleteObject as above, whose write also carries what {@code precondition} attached to {@code ride} (issue 19:
     * the MFA code it checked, spent in the delete's own WriteBatch). Every branch of a delete writes exactly once,
     * after the precondition and before anything else changes (blobs are released only after the write), so the
     * ride and the delete are one atomic write; a delete that writes nothing (no such version, Object Lock) leaves
     * the ride pending for the caller's {@link WriteRide#settle()}.
     *
     * @param ride a ride for {@link #database()}, or null
     */
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                                      java.util.function.Consumer<BucketInfo> precondition, String ifMatchEtag,
                                      WriteRide ride) {
        Objects.requireNonNull(bypass, "bypass");
        BucketNames.validateKey(key);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key)) {
            BucketRecord br = requireBucket(bucket);
            byte[] objectKey = StoreKeys.objectKey(bucket, key);
            if (ifMatchEtag != null) {
                // before the precondition: a refused conditional delete must not spend an MFA code
                checkConditions(objectKey, WriteOptions.defaults().withIfMatchEtag(ifMatchEtag.trim()));
            }
            // Under the bucket's read lock: updateBucket needs its write lock, so the state seen here holds until
            // the delete is written.
            precondition.accept(info(br));
            if (versionId != null) {
                return deleteVersion(bucket, key, objectKey, versionId, bypass, ride);
            }
            VersioningState state = br.config().versioning();
            if (state == VersioningState.UNVERSIONED) {
                Optional<VersionRecord> nv = findVersion(bucket, key, ObjectVersion.NULL_VERSION_ID, false);
                if (nv.isEmpty()) {
                    return new DeleteOutcome(null, false, false, false);
                }
                checkRemovable(nv.get(), bypass);
                List<String> released = new ArrayList<>();
                db.write(ride, batch -> {
                    batch.releasesData(); // passes the free-space guard: deletes must work on a full disk
                    released.clear();
                    released.addAll(stageRemoveVersion(batch, bucket, key, nv.get()));
                    usage.latestChanged(batch, bucket, objects.get(objectKey).orElse(null), null);
                    objects.delete(batch, objectKey);
                });
                blobs.deleteWhenUnpinned(released);
                return new DeleteOutcome(null, false, false, true);
            }
            boolean isNull = state == VersioningState.SUSPENDED;
            if (isNull) {
                checkNullVersionReplaceable(bucket, key, bypass); // the null marker replaces the null version
            }
            VersionRecord marker = new VersionRecord(ids.next(newestSeq(objectKey)), isNull, true, 0, "", now(),
                    br.owner(), ObjectMetadata.empty(), 0, Map.of(), DataKind.NONE, null);
            List<String> released = new ArrayList<>();
            db.write(ride, batch -> {
                batch.releasesData(); // passes the free-space guard: deletes must work on a full disk
                released.clear();
                released.addAll(stageNewVersion(batch, bucket, key, marker, null, null));
            });
            blobs.deleteWhenUnpinned(released);
            return new DeleteOutcome(marker.versionId(), true, true, true);
        }
    }

    private DeleteOutcome deleteVersion(String bucket, String key, byte[] objectKey, String versionId,
                                        RetentionBypass bypass, WriteRide ride) {
        Optional<VersionRecord> found = findVersion(bucket, key, versionId, true);
        if (found.isEmpty()) {
            return new DeleteOutcome(versionId, false, false, false);
        }
        VersionRecord victim = found.get();
        checkRemovable(victim, bypass);
        List<KvEntry<byte[], VersionRecord>> top = versions.scanPrefix(objectKey, 2);
        boolean wasLatest = Arrays.equals(top.get(0).value().seq(), victim.seq());
        List<String> released = new ArrayList<>();
        db.write(ride, batch -> {
            batch.releasesData(); // passes the free-space guard: deletes must work on a full disk
            released.clear();
            released.addAll(stageRemoveVersion(batch, bucket, key, victim));
            if (wasLatest) {
                VersionRecord promoted = top.size() > 1 && !top.get(1).value().deleteMarker()
                        ? top.get(1).value() : null;
                usage.latestChanged(batch, bucket, objects.get(objectKey).orElse(null), promoted);
                // promote the next newest version (if any) to latest
                if (top.size() > 1 && !top.get(1).value().deleteMarker()) {
                    objects.put(batch, objectKey, top.get(1).value());
                } else {
                    objects.delete(batch, objectKey);
                }
            }
        });
        blobs.deleteWhenUnpinned(released);
        return new DeleteOutcome(victim.versionId(), victim.deleteMarker(), false, true);
    }

    /** Object Lock: refuses removing {@code victim} (markers are never protected). Caller holds the key lock. */
    private void checkRemovable(VersionRecord victim, RetentionBypass bypass) {
        if (!victim.deleteMarker()) {
            RetentionGuard.checkRemovable(victim.metadata(), now(), bypass);
        }
    }

    /**
     * Object Lock: refuses a write or delete that would replace the key's existing {@code null} version while that
     * version is protected. Caller holds the key's write lock.
     */
    private void checkNullVersionReplaceable(String bucket, String key, RetentionBypass bypass) {
        Optional<VersionRecord> old = findVersion(bucket, key, ObjectVersion.NULL_VERSION_ID, false);
        if (old.isPresent()) {
            checkRemovable(old.get(), bypass);
        }
    }

    // ---- copy ----------------------------------------------------------------------------------------------

    @Override
    public CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                 String dstKey, ObjectMetadata replaceMetadata, WriteOptions options) {
        return copyObject(srcBucket, srcKey, srcVersionId, dstBucket, dstKey, replaceMetadata, options,
                PublishCheck.NONE);
    }

    @Override
    public CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                 String dstKey, ObjectMetadata replaceMetadata, WriteOptions options,
                                 PublishCheck check) {
        BucketNames.validateKey(dstKey);
        requireBucket(dstBucket);
        try (ObjectReader src = openObject(srcBucket, srcKey, srcVersionId)) {
            ObjectMetadata meta = replaceMetadata != null ? replaceMetadata : src.version().metadata();
            try (ObjectWriter w = newObjectWriter(dstBucket, dstKey, meta, options, check);
                 InputStream in = src.openStream()) {
                pump(in, w);
                ObjectVersion created = w.commit(Expectations.none().withContentLength(src.version().size()));
                return new CopyResult(src.version(), created);
            }
        } catch (IOException e) {
            throw new StorageIoException("copy failed: " + e.getMessage(), e);
        }
    }

    @Override
    public CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                 String dstKey, ObjectMetadata replaceMetadata, WriteOptions options,
                                 PublishCheck check, KeyWrapper sourceKeys, KeyWrapper destinationKeys) {
        BucketNames.validateKey(dstKey);
        requireBucket(dstBucket);
        Objects.requireNonNull(srcVersionId, "srcVersionId");
        try (ObjectReader src = openObject(srcBucket, srcKey, srcVersionId, sourceKeys)) {
            ObjectMetadata meta = replaceMetadata != null ? replaceMetadata : src.version().metadata();
            try (ObjectWriter w = destinationKeys == null ? newObjectWriter(dstBucket, dstKey, meta, options, check)
                    : newObjectWriter(dstBucket, dstKey, meta, options, check, destinationKeys);
                 InputStream in = src.openStream()) {
                pump(in, w);
                ObjectVersion created = w.commit(Expectations.none().withContentLength(src.version().size()));
                return new CopyResult(src.version(), created);
            }
        } catch (IOException e) {
            throw new StorageIoException("copy failed: " + e.getMessage(), e);
        }
    }

    private static void pump(InputStream in, dev.dualkey.storage.BodyWriter<?> w) throws IOException {
        byte[] buf = new byte[COPY_CHUNK];
        int n;
        while ((n = in.read(buf)) > 0) {
            w.write(ByteBuffer.wrap(buf, 0, n));
        }
    }

    // ---- listing -------------------------------------------------------------------------------------------

    @Override
    public ListObjectsPage listObjects(String bucket, ListObjectsQuery q) {
        requireBucket(bucket);
        byte[] bucketPrefix = StoreKeys.bucketPrefix(bucket);
        byte[] scanPrefix = StoreKeys.keyPrefix(bucket, q.prefix());
        byte[] upper = Bounds.prefixUpperBound(scanPrefix);
        byte[] from = scanPrefix;
        if (q.startAfter() != null && Utf8Order.compare(q.startAfter(), q.prefix()) >= 0) {
            from = after(StoreKeys.objectKey(bucket, q.startAfter()));
        }
        List<ObjectVersion> contents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        boolean truncated = false;
        if (q.maxKeys() == 0) {
            return new ListObjectsPage(contents, prefixes, false, null);
        }
        outer:
        while (true) {
            try (KvIterator<byte[], VersionRecord> it = objects.scanRaw(from, upper)) {
                while (it.hasNext()) {
                    KvEntry<byte[], VersionRecord> e = it.next();
                    String key = StoreKeys.decodeKey(e.key(), bucketPrefix.length);
                    String cp = commonPrefix(q.prefix(), q.delimiter(), key);
                    if (cp != null) {
                        if (q.startAfter() != null && Utf8Order.compare(cp, q.startAfter()) <= 0) {
                            // the marker lies inside this prefix: it was returned on an earlier page
                            from = Bounds.prefixUpperBound(StoreKeys.keyPrefix(bucket, cp));
                            continue outer;
                        }
                        if (contents.size() + prefixes.size() == q.maxKeys()) {
                            truncated = true;
                            break outer;
                        }
                        prefixes.add(cp);
                        last = cp;
                        from = Bounds.prefixUpperBound(StoreKeys.keyPrefix(bucket, cp));
                        continue outer; // seek past everything under the common prefix: O(1) per prefix
                    }
                    if (contents.size() + prefixes.size() == q.maxKeys()) {
                        truncated = true;
                        break outer;
                    }
                    contents.add(e.value().toVersion(bucket, key, true));
                    last = key;
                }
                break;
            }
        }
        return new ListObjectsPage(contents, prefixes, truncated, truncated ? last : null);
    }

    @Override
    public ListVersionsPage listObjectVersions(String bucket, ListVersionsQuery q) {
        requireBucket(bucket);
        byte[] bucketPrefix = StoreKeys.bucketPrefix(bucket);
        byte[] scanPrefix = StoreKeys.keyPrefix(bucket, q.prefix());
        byte[] upper = Bounds.prefixUpperBound(scanPrefix);
        byte[] from = scanPrefix;
        String currentKey = null;
        if (q.keyMarker() != null) {
            if (q.versionIdMarker() == null) {
                from = Bounds.prefixUpperBound(StoreKeys.objectKey(bucket, q.keyMarker()));
            } else {
                byte[] seq = markerSeq(bucket, q.keyMarker(), q.versionIdMarker());
                if (seq == null) {
                    from = Bounds.prefixUpperBound(StoreKeys.objectKey(bucket, q.keyMarker()));
                } else {
                    from = after(StoreKeys.versionKey(bucket, q.keyMarker(), seq));
                    currentKey = q.keyMarker(); // the rest of this key are not latest
                }
            }
            if (Arrays.compareUnsigned(from, scanPrefix) < 0) {
                from = scanPrefix;
            }
        }
        List<ObjectVersion> out = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        String nextKey = null;
        String nextVersion = null;
        if (q.maxKeys() == 0) {
            return new ListVersionsPage(out, prefixes, false, null, null);
        }
        byte[] previousRaw = null;
        String previousKey = null;
        outer:
        while (true) {
            try (KvIterator<byte[], VersionRecord> it = versions.scanRaw(from, upper)) {
                while (it.hasNext()) {
                    KvEntry<byte[], VersionRecord> e = it.next();
                    byte[] raw = e.key();
                    // a version key is the object key + 16 bytes of seq (StoreKeys.versionKey): the versions of one
                    // key follow one another and share its decoded String (issue 19)
                    String key = previousRaw != null && raw.length == previousRaw.length
                            && Arrays.equals(raw, 0, raw.length - 16, previousRaw, 0, raw.length - 16)
                            ? previousKey : StoreKeys.decodeKey(raw, bucketPrefix.length);
                    previousRaw = raw;
                    previousKey = key;
                    String cp = commonPrefix(q.prefix(), q.delimiter(), key);
                    if (cp != null) {
                        if (q.keyMarker() != null && Utf8Order.compare(cp, q.keyMarker()) <= 0) {
                            from = Bounds.prefixUpperBound(StoreKeys.keyPrefix(bucket, cp));
                            continue outer;
                        }
                        if (out.size() + prefixes.size() == q.maxKeys()) {
                            truncated = true;
                            break outer;
                        }
                        prefixes.add(cp);
                        nextKey = cp;
                        nextVersion = null;
                        from = Bounds.prefixUpperBound(StoreKeys.keyPrefix(bucket, cp));
                        continue outer;
                    }
                    if (out.size() + prefixes.size() == q.maxKeys()) {
                        truncated = true;
                        break outer;
                    }
                    boolean latest = !key.equals(currentKey);
                    currentKey = key;
                    ObjectVersion v = e.value().toVersion(bucket, key, latest);
                    out.add(v);
                    nextKey = key;
                    nextVersion = v.versionId();
                }
                break;
            }
        }
        return truncated ? new ListVersionsPage(out, prefixes, true, nextKey, nextVersion)
                : new ListVersionsPage(out, prefixes, false, null, null);
    }

    private byte[] markerSeq(String bucket, String key, String versionIdMarker) {
        if (ObjectVersion.NULL_VERSION_ID.equals(versionIdMarker)) {
            return nullVersions.get(StoreKeys.objectKey(bucket, key)).orElse(null);
        }
        byte[] seq = VersionIds.parse(versionIdMarker);
        if (seq == null) {
            throw new InvalidArgumentException("Invalid version id specified");
        }
        return seq;
    }

    /** The common prefix {@code key} rolls up to, or null. */
    private static String commonPrefix(String prefix, String delimiter, String key) {
        if (delimiter == null) {
            return null;
        }
        int i = key.indexOf(delimiter, prefix.length());
        return i < 0 ? null : key.substring(0, i + delimiter.length());
    }

    /** The smallest key strictly greater than {@code k}. */
    private static byte[] after(byte[] k) {
        return Arrays.copyOf(k, k.length + 1);
    }

    // ---- multipart -----------------------------------------------------------------------------------------

    @Override
    public MultipartUpload createMultipartUpload(String bucket, String key, ObjectMetadata metadata,
                                                 WriteOptions options) {
        BucketNames.validateKey(key);
        try (LockManager.Held b = locks.bucketRead(bucket)) {
            BucketRecord br = requireBucket(bucket);
            byte[] seq = ids.next(null);
            ChecksumAlgorithm alg = options.checksumAlgorithms().isEmpty() ? null
                    : options.checksumAlgorithms().stream().sorted().findFirst().orElseThrow();
            String owner = options.ownerAccountId() == null ? br.owner() : options.ownerAccountId();
            UploadRecord r = new UploadRecord(owner, now(), metadata, alg);
            uploads.put(StoreKeys.uploadKey(bucket, key, seq), r);
            return upload(bucket, key, seq, r);
        }
    }

    private static MultipartUpload upload(String bucket, String key, byte[] seq, UploadRecord r) {
        return new MultipartUpload(bucket, key, VersionIds.toId(seq), r.initiated(), r.owner(), r.metadata(),
                r.algorithm());
    }

    private byte[] requireUploadSeq(String uploadId) {
        byte[] seq = VersionIds.parse(uploadId);
        if (seq == null) {
            throw new NoSuchUploadException("The specified upload does not exist.");
        }
        return seq;
    }

    private UploadRecord requireUpload(String bucket, String key, byte[] seq) {
        return uploads.get(StoreKeys.uploadKey(bucket, key, seq)).orElseThrow(() -> new NoSuchUploadException(
                "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                        + "aborted or completed."));
    }

    private static void checkPartNumber(int partNumber) {
        if (partNumber < 1 || partNumber > 10_000) {
            throw new InvalidArgumentException("Part number must be an integer between 1 and 10000, inclusive");
        }
    }

    @Override
    public PartWriter newPartWriter(String bucket, String key, String uploadId, int partNumber) {
        BucketNames.validateKey(key);
        checkPartNumber(partNumber);
        requireBucket(bucket);
        byte[] seq = requireUploadSeq(uploadId);
        UploadRecord u = requireUpload(bucket, key, seq);
        Set<ChecksumAlgorithm> algs = u.algorithm() == null ? Set.of() : Set.of(u.algorithm());
        return new UploadPartWriter(bucket, key, seq, partNumber, algs, null);
    }

    @Override
    public PartWriter newPartWriter(String bucket, String key, String uploadId, int partNumber, KeyWrapper keys) {
        Objects.requireNonNull(keys, "keys");
        BucketNames.validateKey(key);
        checkPartNumber(partNumber);
        requireBucket(bucket);
        byte[] seq = requireUploadSeq(uploadId);
        UploadRecord u = requireUpload(bucket, key, seq);
        Set<ChecksumAlgorithm> algs = u.algorithm() == null ? Set.of() : Set.of(u.algorithm());
        return new UploadPartWriter(bucket, key, seq, partNumber, algs, keys);
    }

    /** UploadPart writer: always a blob; commits under bucket(read) -> upload. */
    private final class UploadPartWriter extends RocksBodyWriter<PartInfo> implements PartWriter {
        private final String bucket;
        private final String key;
        private final byte[] uploadSeq;
        private final int partNumber;
        /** The caller's wrapper (the upload's SSE-C or SSE-KMS key), or null for the store's own. */
        private final KeyWrapper callerKeys;

        UploadPartWriter(String bucket, String key, byte[] uploadSeq, int partNumber, Set<ChecksumAlgorithm> algs,
                         KeyWrapper callerKeys) {
            super(blobs, 0, false, algs);
            this.callerKeys = callerKeys;
            sealWith(callerKeys != null ? callerKeys : dataKeys, null); // parts are always blobs
            this.bucket = bucket;
            this.key = key;
            this.uploadSeq = uploadSeq;
            this.partNumber = partNumber;
        }

        @Override
        PartInfo publish(BodyDigests d, byte[] inlineBytes, BlobStore.BlobOutput unused) {
            BlobStore.BlobOutput blob = forceBlob();
            String blobId = blob.publish();
            try (LockManager.Held b = locks.bucketRead(bucket);
                 LockManager.Held u = locks.upload(VersionIds.toId(uploadSeq))) {
                requireBucket(bucket);
                requireUpload(bucket, key, uploadSeq);
                byte[] partKey = StoreKeys.partKey(uploadSeq, partNumber);
                Optional<PartRecord> old = parts.get(partKey);
                PartRecord rec = new PartRecord(blobId, d.length(),
                        callerKeys != null ? callerKeys.etag(d.md5()) : HEX.formatHex(d.md5()), now(),
                        d.checksumsBase64());
                db.write(batch -> {
                    parts.put(batch, partKey, rec);
                    blobRefs.put(batch, blobId, partKey);
                    old.ifPresent(o -> blobRefs.delete(batch, o.blobId()));
                });
                old.ifPresent(o -> blobs.deleteWhenUnpinned(List.of(o.blobId())));
                return new PartInfo(partNumber, rec.etag(), rec.size(), rec.lastModified(), rec.checksums());
            } catch (RuntimeException e) {
                blob.discard();
                throw e;
            }
        }
    }

    @Override
    public PartCopyResult uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                         String srcBucket, String srcKey, String srcVersionId, ByteRange range) {
        return copyIntoPart(bucket, key, uploadId, partNumber, srcBucket, srcKey, srcVersionId, range, null, null);
    }

    @Override
    public PartCopyResult uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                         String srcBucket, String srcKey, String srcVersionId, ByteRange range,
                                         KeyWrapper sourceKeys, KeyWrapper destinationKeys) {
        if (sourceKeys != null) {
            Objects.requireNonNull(srcVersionId, "srcVersionId");
        }
        return copyIntoPart(bucket, key, uploadId, partNumber, srcBucket, srcKey, srcVersionId, range, sourceKeys,
                destinationKeys);
    }

    /** UploadPartCopy: source read with {@code sourceKeys} (null: the store's), part sealed by {@code destinationKeys}. */
    private PartCopyResult copyIntoPart(String bucket, String key, String uploadId, int partNumber,
                                        String srcBucket, String srcKey, String srcVersionId, ByteRange range,
                                        KeyWrapper sourceKeys, KeyWrapper destinationKeys) {
        try (PartWriter w = destinationKeys == null ? newPartWriter(bucket, key, uploadId, partNumber)
                : newPartWriter(bucket, key, uploadId, partNumber, destinationKeys);
             ObjectReader src = openObject(srcBucket, srcKey, srcVersionId, sourceKeys)) {
            long size = src.version().size();
            long offset = 0;
            long length = size;
            if (range != null) {
                // copy ranges must lie inside the source: no clipping as for GET
                if (range.first() < 0 || range.last() < 0 || range.last() >= size) {
                    throw new InvalidRangeException("The requested range is not satisfiable: source object has "
                            + size + " bytes");
                }
                offset = range.first();
                length = range.last() - range.first() + 1;
            }
            try (InputStream in = src.openStream(offset, length)) {
                pump(in, w);
            }
            PartInfo part = w.commit(Expectations.none().withContentLength(length));
            return new PartCopyResult(src.version(), part);
        } catch (IOException e) {
            throw new StorageIoException("part copy failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId,
                                                 List<CompletedPart> list) {
        return completeMultipartUpload(bucket, key, uploadId, list, PublishCheck.NONE);
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId,
                                                 List<CompletedPart> list, PublishCheck check) {
        return completeMultipartUpload(bucket, key, uploadId, list, WriteOptions.defaults(), Expectations.none(),
                check);
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId,
                                                 List<CompletedPart> list, WriteOptions conditions,
                                                 Expectations expected, PublishCheck check) {
        Objects.requireNonNull(check, "check");
        BucketNames.validateKey(key);
        if (list == null || list.isEmpty()) {
            throw new InvalidArgumentException("You must specify at least one part");
        }
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).partNumber() <= list.get(i - 1).partNumber()) {
                throw new InvalidPartOrderException("The list of parts was not in ascending order. The parts list "
                        + "must be specified in order by part number.");
            }
        }
        byte[] seq = requireUploadSeq(uploadId);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key);
             LockManager.Held u = locks.upload(uploadId)) {
            BucketRecord br = requireBucket(bucket);
            UploadRecord up = requireUpload(bucket, key, seq);
            Map<Integer, PartRecord> stored = storedParts(seq);
            List<PartRecord> chosen = new ArrayList<>(list.size());
            for (CompletedPart cp : list) {
                PartRecord p = stored.get(cp.partNumber());
                if (p == null || !p.etag().equals(cp.unquotedEtag())
                        || !CompleteChecks.partChecksumsMatch(cp, p.checksums())) {
                    throw new InvalidPartException("One or more of the specified parts could not be found. The part "
                            + "may not have been uploaded, or the specified entity tag may not match the part's "
                            + "entity tag. (part " + cp.partNumber() + ")");
                }
                chosen.add(p);
            }
            for (int i = 0; i < chosen.size() - 1; i++) {
                if (chosen.get(i).size() < settings.minPartSize()) {
                    throw new EntityTooSmallException("Your proposed upload is smaller than the minimum allowed "
                            + "size (part " + list.get(i).partNumber() + ")");
                }
            }
            MessageDigest md5 = md5();
            long size = 0;
            List<ManifestEntry> manifest = new ArrayList<>();
            for (PartRecord p : chosen) {
                md5.update(HEX.parseHex(p.etag()));
                size += p.size();
                manifest.add(new ManifestEntry(p.blobId(), p.size()));
            }
            String etag = HEX.formatHex(md5.digest()) + "-" + chosen.size();
            List<MultipartChecksums.Part> layout = new ArrayList<>(chosen.size());
            for (PartRecord p : chosen) {
                layout.add(new MultipartChecksums.Part(p.size(),
                        up.algorithm() == null ? null : p.checksums().get(up.algorithm())));
            }
            Map<ChecksumAlgorithm, String> checksums = CompleteChecks.objectChecksums(up.algorithm(),
                    up.metadata(), layout, expected);
            boolean isNull = br.config().versioning() != VersioningState.ENABLED;
            byte[] objectKey = StoreKeys.objectKey(bucket, key);
            checkConditions(objectKey, conditions);
            byte[] newest = newestSeq(objectKey);
            CompleteChecks.checkNoConflict(conditions, newest, seq);
            check.check(info(br), isNull && nullVersions.get(objectKey).isPresent());
            if (isNull) {
                checkNullVersionReplaceable(bucket, key, RetentionBypass.NONE);
            }
            VersionRecord rec = new VersionRecord(ids.next(newest), isNull, false, size, etag, now(),
                    up.owner(), up.metadata().toBuilder()
                    .attribute(MultipartChecksums.PARTS_ATTRIBUTE, MultipartChecksums.encodeParts(layout))
                    .attribute(MultipartChecksums.TYPE_ATTRIBUTE, checksums.isEmpty() ? null
                            : CompleteChecks.type(up.algorithm(), up.metadata()).name()).build(),
                    chosen.size(), checksums, DataKind.MANIFEST, null);
            List<String> released = new ArrayList<>();
            db.write(batch -> {
                released.clear();
                released.addAll(stageNewVersion(batch, bucket, key, rec, null, manifest));
                for (Map.Entry<Integer, PartRecord> e : stored.entrySet()) {
                    parts.delete(batch, StoreKeys.partKey(seq, e.getKey()));
                    if (!chosen.contains(e.getValue())) {
                        blobRefs.delete(batch, e.getValue().blobId());
                        released.add(e.getValue().blobId());
                    }
                }
                uploads.delete(batch, StoreKeys.uploadKey(bucket, key, seq));
            });
            blobs.deleteWhenUnpinned(released);
            return rec.toVersion(bucket, key, true);
        }
    }

    private Map<Integer, PartRecord> storedParts(byte[] uploadSeq) {
        Map<Integer, PartRecord> m = new HashMap<>();
        try (KvIterator<byte[], PartRecord> it = parts.scanRaw(uploadSeq, Bounds.prefixUpperBound(uploadSeq))) {
            while (it.hasNext()) {
                KvEntry<byte[], PartRecord> e = it.next();
                m.put(StoreKeys.partNumberOf(e.key()), e.value());
            }
        }
        return m;
    }

    @Override
    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        BucketNames.validateKey(key);
        byte[] seq = requireUploadSeq(uploadId);
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key);
             LockManager.Held u = locks.upload(uploadId)) {
            requireBucket(bucket);
            requireUpload(bucket, key, seq);
            Map<Integer, PartRecord> stored = storedParts(seq);
            db.write(batch -> {
                batch.releasesData(); // passes the free-space guard: deletes must work on a full disk
                for (Map.Entry<Integer, PartRecord> e : stored.entrySet()) {
                    parts.delete(batch, StoreKeys.partKey(seq, e.getKey()));
                    blobRefs.delete(batch, e.getValue().blobId());
                }
                uploads.delete(batch, StoreKeys.uploadKey(bucket, key, seq));
            });
            blobs.deleteWhenUnpinned(stored.values().stream().map(PartRecord::blobId).toList());
        }
    }

    @Override
    public ListPartsPage listParts(String bucket, String key, String uploadId, int partNumberMarker, int maxParts) {
        if (maxParts < 0 || maxParts > 1000) {
            throw new InvalidArgumentException("max-parts must be between 0 and 1000");
        }
        if (partNumberMarker < 0) {
            throw new InvalidArgumentException("part-number-marker must be >= 0");
        }
        requireBucket(bucket);
        byte[] seq = requireUploadSeq(uploadId);
        UploadRecord up = requireUpload(bucket, key, seq);
        List<PartInfo> out = new ArrayList<>();
        boolean truncated = false;
        try (KvIterator<byte[], PartRecord> it = parts.scanRaw(StoreKeys.partKey(seq, partNumberMarker + 1),
                Bounds.prefixUpperBound(seq))) {
            while (it.hasNext()) {
                KvEntry<byte[], PartRecord> e = it.next();
                if (out.size() == maxParts) {
                    truncated = true;
                    break;
                }
                PartRecord p = e.value();
                out.add(new PartInfo(StoreKeys.partNumberOf(e.key()), p.etag(), p.size(), p.lastModified(),
                        p.checksums()));
            }
        }
        int next = out.isEmpty() ? 0 : out.get(out.size() - 1).partNumber();
        return new ListPartsPage(upload(bucket, key, seq, up), out, truncated, next);
    }

    @Override
    public ListUploadsPage listMultipartUploads(String bucket, String prefix, String delimiter, String keyMarker,
                                                String uploadIdMarker, int maxUploads) {
        if (maxUploads < 0 || maxUploads > 1000) {
            throw new InvalidArgumentException("max-uploads must be between 0 and 1000");
        }
        requireBucket(bucket);
        String pfx = prefix == null ? "" : prefix;
        String delim = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        String km = keyMarker == null || keyMarker.isEmpty() ? null : keyMarker;
        byte[] bucketPrefix = StoreKeys.bucketPrefix(bucket);
        byte[] scanPrefix = StoreKeys.keyPrefix(bucket, pfx);
        byte[] upper = Bounds.prefixUpperBound(scanPrefix);
        byte[] from = scanPrefix;
        if (km != null) {
            byte[] useq = uploadIdMarker == null || uploadIdMarker.isEmpty() ? null : VersionIds.parse(uploadIdMarker);
            from = useq == null ? Bounds.prefixUpperBound(StoreKeys.objectKey(bucket, km))
                    : after(StoreKeys.uploadKey(bucket, km, useq));
            if (Arrays.compareUnsigned(from, scanPrefix) < 0) {
                from = scanPrefix;
            }
        }
        List<MultipartUpload> out = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        String nextKey = null;
        String nextUpload = null;
        if (maxUploads == 0) {
            return new ListUploadsPage(out, prefixes, false, null, null);
        }
        outer:
        while (true) {
            try (KvIterator<byte[], UploadRecord> it = uploads.scanRaw(from, upper)) {
                while (it.hasNext()) {
                    KvEntry<byte[], UploadRecord> e = it.next();
                    String key = StoreKeys.decodeKey(e.key(), bucketPrefix.length);
                    String cp = commonPrefix(pfx, delim, key);
                    if (cp != null) {
                        from = Bounds.prefixUpperBound(StoreKeys.keyPrefix(bucket, cp));
                        if (km != null && Utf8Order.compare(cp, km) <= 0) {
                            continue outer;
                        }
                        if (out.size() + prefixes.size() == maxUploads) {
                            truncated = true;
                            break outer;
                        }
                        prefixes.add(cp);
                        nextKey = cp;
                        nextUpload = null;
                        continue outer;
                    }
                    if (out.size() + prefixes.size() == maxUploads) {
                        truncated = true;
                        break outer;
                    }
                    MultipartUpload mu = upload(bucket, key, StoreKeys.seqOfUploadKey(e.key()), e.value());
                    out.add(mu);
                    nextKey = key;
                    nextUpload = mu.uploadId();
                }
                break;
            }
        }
        return truncated ? new ListUploadsPage(out, prefixes, true, nextKey, nextUpload)
                : new ListUploadsPage(out, prefixes, false, null, null);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Blob garbage collection runs in {@code storage.inline} only while its blob files hold garbage
     * ({@link BlobGarbagePolicy}); the share is looked at this often, on the sweeper's thread.
     */
    static final long BLOB_GARBAGE_LOOK_MILLIS = 5_000;

    private void tuneBlobGarbageCollection() {
        try {
            db.tuneBlobGarbageCollection();
        } catch (RuntimeException e) {
            // keep the schedule alive; the next look retries (a closed or failed database answers the reads)
            org.slf4j.LoggerFactory.getLogger(RocksObjectStore.class).warn("blob garbage look failed", e);
        }
    }

    private void sweepAbandonedWrites() {
        try {
            blobs.reapAbandoned();
        } catch (RuntimeException e) {
            // keep the schedule alive; the next sweep retries
            org.slf4j.LoggerFactory.getLogger(RocksObjectStore.class).warn("temp blob sweep failed", e);
        }
    }

    /**
     * Stops the abandoned-write sweeper. Does not close the database (its owner, e.g. {@link StorageEngine}, does);
     * readers own their channels and pins.
     */
    @Override
    public void close() {
        sweeper.shutdownNow();
        blobs.close();
    }
}
