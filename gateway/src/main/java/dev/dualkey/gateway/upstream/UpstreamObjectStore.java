package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.BucketNames;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.PublishCheck;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.error.BucketAlreadyExistsException;
import dev.dualkey.storage.error.BucketAlreadyOwnedByYouException;
import dev.dualkey.storage.error.BucketNotEmptyException;
import dev.dualkey.storage.error.ConditionalRequestConflictException;
import dev.dualkey.storage.error.EntityTooSmallException;
import dev.dualkey.storage.error.InvalidArgumentException;
import dev.dualkey.storage.error.InvalidBucketNameException;
import dev.dualkey.storage.error.InvalidBucketStateException;
import dev.dualkey.storage.error.InvalidPartException;
import dev.dualkey.storage.error.InvalidPartOrderException;
import dev.dualkey.storage.error.InvalidRangeException;
import dev.dualkey.storage.error.MethodNotAllowedException;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchKeyException;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.error.NoSuchVersionException;
import dev.dualkey.storage.error.PreconditionFailedException;
import dev.dualkey.storage.error.SlowDownException;
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
import dev.dualkey.storage.rocks.CompleteChecks;
import dev.dualkey.storage.shared.SharedKv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * {@link ObjectStore} over an upstream S3 service; see the package documentation for the design and the consistency
 * argument. In short: object data lives in upstream versions; which versions exist, their order and everything
 * Dualkey knows about them live in the version index in {@link SharedKv}; a change is published by one index
 * transaction that compares the bucket record and the key record with what it read, so every check (MFA
 * Delete's precondition, Object Lock, conditional writes) holds at the instant of the publish, on every gateway.
 */
public final class UpstreamObjectStore implements ObjectStore {
    private static final HexFormat HEX = HexFormat.of();
    private static final long MIN_PART = 5L * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 32;
    private static final int SCAN_BATCH = 256;
    /** Deletes per index commit when an ended upload's part entries are removed (etcd allows 128 operations). */
    static final int PART_DELETE_BATCH = 100;
    /** How long a writer waits for the upstream to take more of a body before answering SlowDown. */
    private static final Duration STALL = Duration.ofMinutes(2);
    /**
     * A version written upstream is published within this time or never (refused, and removed): the
     * {@link OrphanSweeper} waits at least twice as long before it removes an unreferenced version, so it cannot
     * race with a publish still in flight.
     */
    static final Duration PUBLISH_DEADLINE = Duration.ofMinutes(15);
    /**
     * The largest key record (all versions of one key, {@link Records}) a write may leave: a change that would make a
     * record larger than this and larger than it was is refused with InvalidArgument, so deletes and changes that
     * shrink a record always pass. Why 512 KiB: etcd refuses a request above its {@code --max-request-bytes}
     * (1.5 MiB by default), and a commit carries the record twice (the compare holds the value read, the put the new
     * one) plus the bucket record; above the limit etcd would answer an opaque error on every later write of the key.
     * That is about 2,400 versions with no metadata, 85 with the largest (2 KiB of user metadata and ten tags at
     * their maximum sizes each: {@code ManyVersionsTest}). Stricter than AWS (no limit): SECURITY.md U10.
     */
    static final int KEY_RECORD_LIMIT = 512 * 1024;
    /** Version ids an upstream produces: a UUID (MinIO, moto) or 32 URL-safe characters (Amazon S3, Ceph RGW). */
    private static final Pattern VERSION_ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9._]{32}");

    private final SharedKv kv;
    private final Upstream upstream;
    private final UpstreamSettings settings;
    private final Clock clock;
    private final int keyRecordLimit;
    private final LockManager locks = new LockManager(256, Duration.ofSeconds(30));
    private final Pins pins = new Pins();
    /** Reads ahead of GET responses (a thread per download in progress, none for one waiting on its client). */
    private final java.util.concurrent.ExecutorService fetcher = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "dualkey-upstream-fetch");
                t.setDaemon(true);
                return t;
            });

    /** Sends pass-through bodies upstream (a thread per body in flight; see {@link UpstreamBodyWriter}). */
    private final java.util.concurrent.ExecutorService sending = java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
                Thread t = new Thread(r, "dualkey-upstream-send");
                t.setDaemon(true);
                return t;
            });
    private final UpstreamBodyWriter.Settings writing;
    private OrphanSweeper sweeper;
    /** Copies and part copies made inside the upstream (tests: which path a copy took). */
    private final java.util.concurrent.atomic.AtomicLong upstreamCopies = new java.util.concurrent.atomic.AtomicLong();

    private UpstreamObjectStore(SharedKv kv, Upstream upstream, UpstreamSettings settings, Clock clock,
                                int keyRecordLimit) {
        this.kv = kv;
        this.upstream = upstream;
        this.settings = settings;
        this.clock = clock;
        this.keyRecordLimit = keyRecordLimit;
        this.writing = new UpstreamBodyWriter.Settings(settings.spoolDir(), sending, STALL);
    }

    /** A store over {@code settings}' upstream with its index in {@code kv} (not closed by this store). */
    public static UpstreamObjectStore open(UpstreamSettings settings, SharedKv kv, Clock clock) {
        return new UpstreamObjectStore(kv, new Upstream(settings), settings, clock, KEY_RECORD_LIMIT);
    }

    /** As {@link #open(UpstreamSettings, SharedKv, Clock)} with another key record limit (tests reach it quickly). */
    static UpstreamObjectStore open(UpstreamSettings settings, SharedKv kv, Clock clock, int keyRecordLimit) {
        return new UpstreamObjectStore(kv, new Upstream(settings), settings, clock, keyRecordLimit);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    private Instant now() {
        return clock.instant();
    }

    /** Whether the upstream still holds the data of this version (for tests and operators: "gone upstream too"). */
    public boolean upstreamHasVersion(String bucket, String key, String versionId) {
        Records.Version v = findEntry(bucket, key, versionId)
                .orElseThrow(() -> new NoSuchVersionException("The specified version does not exist."));
        return upstream.hasVersion(bucket, key, v.upstreamId());
    }

    /** Whether the upstream holds {@code upstreamVersionId} of {@code key} (tests). */
    public boolean upstreamHasRawVersion(String bucket, String key, String upstreamVersionId) {
        return upstream.hasVersion(bucket, key, upstreamVersionId);
    }

    /** The upstream version id behind a Dualkey version id ({@code "null"} maps to a real upstream version). */
    public String upstreamVersionId(String bucket, String key, String versionId) {
        return findEntry(bucket, key, versionId).map(Records.Version::upstreamId)
                .orElseThrow(() -> new NoSuchVersionException("The specified version does not exist."));
    }

    /** The name of the upstream bucket holding {@code bucket}. */
    public String upstreamBucket(String bucket) {
        return upstream.bucket(bucket);
    }

    int pinnedCount() {
        return pins.pinnedCount();
    }

    // ---- for the orphan sweeper ----------------------------------------------------------------------------

    /**
     * Starts this store's {@link OrphanSweeper}: every {@code interval}, upstream versions and uploads the index has
     * not referenced for {@code grace} are removed; it stops when the store closes. ({@code serve --upstream}: a grace
     * of 24 hours, hourly.)
     */
    public synchronized void startOrphanSweeper(Duration grace, Duration interval) {
        if (sweeper != null) {
            throw new IllegalStateException("the sweeper already runs");
        }
        sweeper = new OrphanSweeper(this, clock, grace).start(interval);
    }

    /**
     * Runs one pass of this store's running {@link OrphanSweeper} now ({@code dualkey admin sweep-orphans}): its
     * memory of when each orphan was first seen is the grace clock, so only it can tell what is old enough.
     *
     * @throws IllegalStateException when no sweeper runs (not started by {@code serve})
     */
    public OrphanSweeper.Result sweepOrphansNow(boolean dryRun) {
        OrphanSweeper s;
        synchronized (this) {
            s = sweeper;
        }
        if (s == null) {
            throw new IllegalStateException("no orphan sweeper runs in this gateway");
        }
        return s.sweepOnce(dryRun);
    }

    /** The running sweeper's grace period, or null when none runs. */
    public synchronized Duration orphanGrace() {
        return sweeper == null ? null : sweeper.grace();
    }

    Upstream upstream() {
        return upstream;
    }

    long upstreamCopies() {
        return upstreamCopies.get();
    }

    Duration publishDeadline() {
        return PUBLISH_DEADLINE;
    }

    /** True when the index names {@code upstreamId} as a version (or marker) of {@code key}, now. */
    boolean indexReferences(String bucket, String key, String upstreamId) {
        return keyEntry(bucket, key).versions().stream().anyMatch(v -> v.upstreamId().equals(upstreamId));
    }

    /** True when an upload record of the index names this upstream upload, now. */
    boolean indexHasUpload(String bucket, String key, String uploadId) {
        return uploadEntry(bucket, key, uploadId).isPresent();
    }

    /** True while a reader of this gateway reads {@code upstreamId}. */
    boolean pinnedUpstream(String bucket, String upstreamId) {
        return pins.isPinned(bucket, upstreamId);
    }

    // ---- state access --------------------------------------------------------------------------------------

    private record BucketEntry(Records.Bucket bucket, byte[] raw) {
        BucketInfo info() {
            Records.Bucket b = bucket;
            return new BucketInfo(b.name(), b.owner(), b.created(), b.region(), b.config());
        }
    }

    private record KeyEntry(Records.Key record, byte[] raw) {
        List<Records.Version> versions() {
            return record == null ? List.of() : record.versions();
        }
    }

    /** The bucket's record; a DeleteBucket's mark old enough is settled first ({@link #settle}). */
    private Optional<BucketEntry> bucketEntry(String name) {
        Optional<BucketEntry> b = kv.get(StateKeys.bucket(name)).map(e -> new BucketEntry(
                Records.decodeBucket(e.value()), e.value()));
        if (b.isPresent() && stale(b.get().bucket())) {
            try {
                settle(name);
            } catch (dev.dualkey.storage.error.StorageException | software.amazon.awssdk.core.exception.SdkException e) {
                return b; // still marked (NoSuchBucket for this request); a later one tries again
            }
            b = kv.get(StateKeys.bucket(name)).map(e -> new BucketEntry(Records.decodeBucket(e.value()), e.value()));
        }
        return b;
    }

    private BucketEntry requireBucket(String name) {
        BucketEntry b = bucketEntry(name).orElse(null);
        if (b == null || b.bucket().deleting()) {
            throw new NoSuchBucketException("The specified bucket does not exist");
        }
        return b;
    }

    private KeyEntry keyEntry(String bucket, String key) {
        return kv.get(StateKeys.key(bucket, key)).map(e -> new KeyEntry(Records.decodeKey(e.value()), e.value()))
                .orElse(new KeyEntry(null, null));
    }

    /**
     * The write replacing {@code old}'s record by {@code versions}; refused (InvalidArgument, nothing written) when the
     * new record would exceed {@link #KEY_RECORD_LIMIT} and be larger than the old one.
     */
    private SharedKv.Write keyWrite(String bucket, String key, KeyEntry old, List<Records.Version> versions) {
        byte[] k = StateKeys.key(bucket, key);
        if (versions.isEmpty()) {
            return SharedKv.Write.delete(k);
        }
        byte[] record = Records.encode(new Records.Key(key, versions));
        int before = old.raw() == null ? 0 : old.raw().length;
        if (record.length > keyRecordLimit && record.length > before) {
            throw new TooManyVersionsException(keyRecordLimit);
        }
        return SharedKv.Write.put(k, record);
    }

    /** A key whose versions fill its index record ({@link #KEY_RECORD_LIMIT}): 400 InvalidArgument. */
    static final class TooManyVersionsException extends InvalidArgumentException {
        private static final long serialVersionUID = 1L;

        TooManyVersionsException(int limit) {
            super("There are too many versions of this key in cluster mode (their index record would exceed "
                    + limit / 1024 + " KiB; a multipart object's part layout counts too): delete some versions of "
                    + "it, or write under another key");
        }
    }

    private boolean commit(BucketEntry b, String bucket, KeyEntry k, String key, List<SharedKv.Write> writes) {
        return kv.commit(List.of(new SharedKv.Compare(StateKeys.bucket(bucket), b.raw()),
                new SharedKv.Compare(StateKeys.key(bucket, key), k.raw())), writes);
    }

    private static SlowDownException contended() {
        return new SlowDownException("Please reduce your request rate.");
    }

    // ---- buckets -------------------------------------------------------------------------------------------

    @Override
    public BucketInfo createBucket(String name, String ownerAccountId, String region) {
        return createBucket(name, ownerAccountId, region, BucketConfig.initial());
    }

    @Override
    public BucketInfo createBucket(String name, String ownerAccountId, String region, BucketConfig initial) {
        BucketNames.validate(name);
        if (settings.bucketPrefix().length() + name.length() > 63) {
            throw new InvalidBucketNameException("The specified bucket is not valid: with the upstream prefix \""
                    + settings.bucketPrefix() + "\" its name is longer than 63 characters.");
        }
        Objects.requireNonNull(initial, "initial");
        try (LockManager.Held l = locks.bucketWrite(name)) {
            Optional<BucketEntry> existing = bucketEntry(name);
            if (existing.isPresent()) {
                throw taken(existing.get(), ownerAccountId);
            }
            upstream.createBucket(name);
            Records.Bucket rec = new Records.Bucket(name, ownerAccountId, now().truncatedTo(ChronoUnit.MILLIS),
                    region, false, initial);
            byte[] key = StateKeys.bucket(name);
            if (!kv.commit(List.of(new SharedKv.Compare(key, null)),
                    List.of(SharedKv.Write.put(key, Records.encode(rec))))) {
                throw taken(bucketEntry(name).orElseThrow(StorageRace::new), ownerAccountId);
            }
            return new BucketEntry(rec, null).info();
        }
    }

    private static RuntimeException taken(BucketEntry b, String owner) {
        return b.bucket().owner().equals(owner)
                ? new BucketAlreadyOwnedByYouException("Your previous request to create the named bucket succeeded "
                + "and you already own it.")
                : new BucketAlreadyExistsException("The requested bucket name is not available. The bucket "
                + "namespace is shared by all users of the system. Please select a different name and try again.");
    }

    /** A record vanished between two reads: another gateway won a race; the caller answers SlowDown. */
    private static final class StorageRace extends SlowDownException {
        StorageRace() {
            super("Please reduce your request rate.");
        }
    }

    /**
     * DeleteBucket in three index steps around one upstream step: (1) mark the bucket record {@code deleting} (from
     * then on no write commits into it: each compares the bucket record it read), (2) check that no key record and no
     * upload record remain, (3a) not empty: remove the mark, or (3b) empty: delete the upstream bucket, then the bucket
     * record. A gateway killed between them leaves the mark; {@link #settle} then ends the deletion the one way
     * consistent with what the index holds, and any gateway may do it: requests naming the bucket do once the mark is
     * {@link #SETTLE_AFTER} old (until then they answer NoSuchBucket, as during a deletion in progress).
     */
    @Override
    public void deleteBucket(String name) {
        try (LockManager.Held l = locks.bucketWrite(name)) {
            BucketEntry b = requireBucket(name);
            Records.Bucket deleting = new Records.Bucket(name, b.bucket().owner(), b.bucket().created(),
                    b.bucket().region(), true, b.bucket().config(), now());
            byte[] key = StateKeys.bucket(name);
            byte[] rev = Records.encode(deleting);
            if (!kv.commit(List.of(new SharedKv.Compare(key, b.raw())), List.of(SharedKv.Write.put(key, rev)))) {
                throw contended();
            }
            if (!indexEmpty(name)) {
                rollBackDelete(name, rev);
                throw new BucketNotEmptyException("The bucket you tried to delete is not empty");
            }
            try {
                upstream.deleteBucket(name);
            } catch (RuntimeException e) {
                if (upstream.bucketExists(name)) { // if this fails too, the mark stays: settled later
                    rollBackDelete(name, rev);
                    throw e;
                }
                // gone upstream after all (a lost answer): finish
            }
            kv.commit(List.of(new SharedKv.Compare(key, rev)), List.of(SharedKv.Write.delete(key)));
        }
    }

    /** How old a DeleteBucket's mark must be before another request settles it (its steps take seconds). */
    static final Duration SETTLE_AFTER = Duration.ofMinutes(5);

    private boolean indexEmpty(String name) {
        return kv.range(StateKeys.keyPrefix(name, ""), StateKeys.successor(StateKeys.keyPrefix(name, "")), 1)
                .isEmpty() && kv.range(StateKeys.uploadPrefix(name, ""),
                StateKeys.successor(StateKeys.uploadPrefix(name, "")), 1).isEmpty();
    }

    private void rollBackDelete(String name, byte[] marked) {
        Records.Bucket m = Records.decodeBucket(marked);
        Records.Bucket back = new Records.Bucket(name, m.owner(), m.created(), m.region(), false, m.config());
        byte[] key = StateKeys.bucket(name);
        kv.commit(List.of(new SharedKv.Compare(key, marked)), List.of(SharedKv.Write.put(key, Records.encode(back))));
    }

    /**
     * Ends a DeleteBucket left half-way (its {@code deleting} mark). While the mark stands nothing can enter the
     * bucket, so the index's emptiness is fixed, and the interrupted gateway would have decided on it too:
     * <ul>
     *   <li>not empty: that gateway had not touched the upstream (it deletes the upstream bucket only when empty):
     *       the mark is removed, the bucket is as before;</li>
     *   <li>empty: the deletion is finished: the upstream bucket is deleted if it still exists, then the record.
     *       If the upstream refuses, the mark stays and a later request tries again: never a bucket record without
     *       its upstream bucket.</li>
     * </ul>
     * Every step compares the mark it read, so two gateways settling at once (or one settling while a slow
     * DeleteBucket finishes) apply one outcome: they decide the same, and the second commit finds nothing to do.
     */
    void settle(String name) {
        Optional<SharedKv.Entry> e = kv.get(StateKeys.bucket(name));
        if (e.isEmpty() || !Records.decodeBucket(e.get().value()).deleting()) {
            return;
        }
        byte[] marked = e.get().value();
        if (!indexEmpty(name)) {
            rollBackDelete(name, marked);
            return;
        }
        if (upstream.bucketExists(name)) {
            upstream.deleteBucket(name);
        }
        kv.commit(List.of(new SharedKv.Compare(StateKeys.bucket(name), marked)),
                List.of(SharedKv.Write.delete(StateKeys.bucket(name))));
    }

    /** True when {@code b} is a DeleteBucket's mark old enough to settle. */
    private boolean stale(Records.Bucket b) {
        return b.deleting() && (b.deletingSince() == null || !now().isBefore(b.deletingSince().plus(SETTLE_AFTER)));
    }

    @Override
    public BucketInfo headBucket(String name) {
        return requireBucket(name).info();
    }

    @Override
    public List<BucketInfo> listBuckets(String ownerAccountId) {
        List<BucketInfo> out = new ArrayList<>();
        for (BucketInfo b : allBuckets(null, Integer.MAX_VALUE)) {
            if (b.ownerAccountId().equals(ownerAccountId)) {
                out.add(b);
            }
        }
        return out;
    }

    @Override
    public List<BucketInfo> listAllBuckets(String startAfter, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        return allBuckets(startAfter, limit);
    }

    private List<BucketInfo> allBuckets(String startAfter, int limit) {
        List<BucketInfo> out = new ArrayList<>();
        byte[] from = startAfter == null ? StateKeys.bucketsFrom() : StateKeys.after(StateKeys.bucket(startAfter));
        while (out.size() < limit) {
            List<SharedKv.Entry> page = kv.range(from, StateKeys.bucketsTo(), SCAN_BATCH);
            for (SharedKv.Entry e : page) {
                Records.Bucket b = Records.decodeBucket(e.value());
                if (!b.deleting() && out.size() < limit) {
                    out.add(new BucketEntry(b, e.value()).info());
                }
            }
            if (page.size() < SCAN_BATCH) {
                break;
            }
            from = StateKeys.after(page.get(page.size() - 1).key());
        }
        return out;
    }

    @Override
    public BucketInfo updateBucket(String name, UnaryOperator<BucketConfig> change) {
        try (LockManager.Held l = locks.bucketWrite(name)) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                BucketEntry b = requireBucket(name);
                BucketConfig cur = b.bucket().config();
                BucketConfig next = Objects.requireNonNull(change.apply(cur), "new config");
                if (cur.versioning() != VersioningState.UNVERSIONED
                        && next.versioning() == VersioningState.UNVERSIONED) {
                    throw new InvalidArgumentException("versioning cannot return to unversioned once set");
                }
                if (cur.objectLockEnabled() && !next.objectLockEnabled()) {
                    throw new InvalidArgumentException("Object Lock cannot be disabled once enabled");
                }
                if (next.objectLockEnabled() && next.versioning() != VersioningState.ENABLED) {
                    throw new InvalidBucketStateException(cur.objectLockEnabled()
                            ? "An Object Lock configuration is present on this bucket, so the versioning state "
                            + "cannot be changed."
                            : "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
                }
                Records.Bucket rec = new Records.Bucket(name, b.bucket().owner(), b.bucket().created(),
                        b.bucket().region(), false, next);
                byte[] key = StateKeys.bucket(name);
                if (kv.commit(List.of(new SharedKv.Compare(key, b.raw())),
                        List.of(SharedKv.Write.put(key, Records.encode(rec))))) {
                    return new BucketEntry(rec, null).info();
                }
            }
            throw contended();
        }
    }

    // ---- objects: write ------------------------------------------------------------------------------------

    @Override
    public ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options) {
        return newObjectWriter(bucket, key, metadata, options, PublishCheck.NONE);
    }

    @Override
    public ObjectWriter newObjectWriter(String bucket, String key, ObjectMetadata metadata, WriteOptions options,
                                        PublishCheck check) {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(check, "check");
        BucketNames.validateKey(key);
        requireBucket(bucket);
        BodyDigests digests = new BodyDigests(options.computeSha256(), options.checksumAlgorithms());
        return new UpstreamBodyWriter.ForObject(writing, digests, versionSender(bucket, key), (sent, d) ->
                publishOrDiscard(bucket, key, sent.versionId(), null, options, check, (b, v) -> new Records.Version(v,
                        sent.versionId(), v.equals(ObjectVersion.NULL_VERSION_ID), false, d.length(),
                        HEX.formatHex(d.md5()), null, owner(options, b), metadata, 0, d.checksumsBase64())));
    }

    /** Sends bodies as new upstream versions of {@code key}; a version that will not be published is removed. */
    private UpstreamBodyWriter.Sender versionSender(String bucket, String key) {
        return new UpstreamBodyWriter.Sender() {
            @Override
            public Upstream.Sent send(InputStream in, long length) {
                return upstream.putStream(bucket, key, in, length);
            }

            @Override
            public void discard(Upstream.Sent sent) {
                try {
                    upstream.deleteVersion(bucket, key, sent.versionId());
                } catch (RuntimeException ignored) {
                    // an orphan upstream version is invisible (not in the index); the sweeper removes it
                }
            }
        };
    }

    private static String owner(WriteOptions options, BucketEntry b) {
        return options.ownerAccountId() != null ? options.ownerAccountId() : b.bucket().owner();
    }

    /** Builds the new version's entry once its id is known; {@code lastModified} is filled in by the publish. */
    private interface EntryFactory {
        Records.Version create(BucketEntry bucket, String versionId);
    }

    /**
     * Publishes an upstream version already written: on any refusal or failure the upstream version is removed, so
     * that nothing a client could not see stays upstream.
     */
    private ObjectVersion publishOrDiscard(String bucket, String key, String upstreamId, Records.Upload upload,
                                           WriteOptions conditions, PublishCheck check, EntryFactory factory) {
        boolean published = false;
        Instant deadline = now().plus(PUBLISH_DEADLINE);
        try {
            ObjectVersion v;
            if (upload != null) {
                v = publishLocked(bucket, key, upstreamId, upload, conditions, check, factory, deadline); // locked
            } else {
                try (LockManager.Held bl = locks.bucketRead(bucket);
                     LockManager.Held kl = locks.keyWrite(bucket, key)) {
                    v = publishLocked(bucket, key, upstreamId, null, conditions, check, factory, deadline);
                }
            }
            published = true;
            return v;
        } catch (dev.dualkey.storage.kv.KvStateUnavailableException e) {
            // cluster mode: etcd did not answer, so the index commit may still be applied; removing the data now
            // could leave an indexed version without its bytes. Keep it: at worst an invisible orphan.
            published = true;
            throw e;
        } finally {
            if (!published) {
                try {
                    upstream.deleteVersion(bucket, key, upstreamId);
                } catch (RuntimeException ignored) {
                    // an orphan upstream version is invisible (not in the index); see the package documentation
                }
            }
        }
    }

    /**
     * The publish (the caller holds this gateway's bucket-read and key-write locks): reads the bucket and key
     * records, makes every check, and commits the new key record comparing both with what it read (and the upload's when
     * completing one).
     * A lost race with another gateway repeats the whole decision, checks included.
     */
    private ObjectVersion publishLocked(String bucket, String key, String upstreamId, Records.Upload upload,
                                        WriteOptions conditions, PublishCheck check, EntryFactory factory,
                                        Instant deadline) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            BucketEntry b = requireBucket(bucket);
            KeyEntry k = keyEntry(bucket, key);
            byte[] uploadRevision = null;
            if (upload != null) {
                uploadRevision = uploadEntry(bucket, key, upload.uploadId())
                        .orElseThrow(() -> noSuchUpload()).raw();
            }
            checkConditions(k, conditions);
            if (upload != null) {
                checkNoConflict(conditions, k, upload);
            }
            boolean isNull = b.bucket().config().versioning() != VersioningState.ENABLED;
            Optional<Records.Version> oldNull = isNull ? nullEntry(k) : Optional.empty();
            check.check(b.info(), oldNull.isPresent());
            if (oldNull.isPresent() && !oldNull.get().deleteMarker()) {
                RetentionGuard.checkRemovable(oldNull.get().metadata(), now(), RetentionBypass.NONE);
            }
            Records.Version created = factory.create(b, isNull ? ObjectVersion.NULL_VERSION_ID : upstreamId);
            created = new Records.Version(created.versionId(), created.upstreamId(), isNull, false,
                    created.size(), created.etag(), commitTime(k), created.owner(), created.metadata(),
                    created.partsCount(), created.checksums());
            List<Records.Version> next = new ArrayList<>();
            next.add(created);
            for (Records.Version v : k.versions()) {
                if (!(isNull && v.nullVersion())) {
                    next.add(v);
                }
            }
            List<SharedKv.Write> writes = new ArrayList<>(List.of(keyWrite(bucket, key, k, next)));
            List<SharedKv.Compare> compares = new ArrayList<>(List.of(
                    new SharedKv.Compare(StateKeys.bucket(bucket), b.raw()),
                    new SharedKv.Compare(StateKeys.key(bucket, key), k.raw())));
            if (upload != null) {
                byte[] uk = StateKeys.upload(bucket, key, micros(upload.initiated()), upload.uploadId());
                compares.add(new SharedKv.Compare(uk, uploadRevision));
                writes.add(SharedKv.Write.delete(uk));
            }
            if (now().isAfter(deadline)) {
                // too late: the orphan sweeper may already count this upstream version as abandoned
                throw new SlowDownException("Please reduce your request rate.");
            }
            if (kv.commit(compares, writes)) {
                if (upload != null) {
                    dropPartsQuietly(bucket, key, upload);
                }
                oldNull.ifPresent(v -> removeUpstream(bucket, key, v.upstreamId()));
                return created.toVersion(bucket, key, true);
            }
        }
        throw contended();
    }

    /** Now, but never before the key's newest version: the listing's order is the commit order. */
    private Instant commitTime(KeyEntry k) {
        Instant t = now();
        if (!k.versions().isEmpty() && t.isBefore(k.versions().get(0).lastModified())) {
            return k.versions().get(0).lastModified();
        }
        return t;
    }

    private static Optional<Records.Version> nullEntry(KeyEntry k) {
        return k.versions().stream().filter(Records.Version::nullVersion).findFirst();
    }

    private void removeUpstream(String bucket, String key, String upstreamId) {
        pins.whenUnpinned(bucket, upstreamId, () -> {
            try {
                upstream.deleteVersion(bucket, key, upstreamId);
            } catch (RuntimeException ignored) {
                // already invisible; an orphan upstream version costs space only (package documentation)
            }
        });
    }

    private static void checkConditions(KeyEntry k, WriteOptions options) {
        if (!options.ifNoneMatchAny() && options.ifMatchEtag() == null) {
            return;
        }
        Optional<Records.Version> current = k.versions().isEmpty() || k.versions().get(0).deleteMarker()
                ? Optional.empty() : Optional.of(k.versions().get(0));
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

    private static void checkNoConflict(WriteOptions conditions, KeyEntry k, Records.Upload upload) {
        if (!conditions.ifNoneMatchAny() && conditions.ifMatchEtag() == null) {
            return;
        }
        if (!k.versions().isEmpty() && k.versions().get(0).lastModified().isAfter(upload.initiated())) {
            throw new ConditionalRequestConflictException("A conflicting operation occurred. If using PutObject you"
                    + " can retry the request. If using multipart upload you should initiate another"
                    + " CreateMultipartUpload request and re-upload each part.");
        }
    }

    // ---- objects: read -------------------------------------------------------------------------------------

    private record Resolved(Records.Version entry, boolean latest) {
    }

    private Resolved resolve(String bucket, String key, String versionId) {
        return resolve(keyEntry(bucket, key), versionId);
    }

    private static Resolved resolve(KeyEntry k, String versionId) {
        List<Records.Version> vs = k.versions();
        if (versionId == null) {
            if (vs.isEmpty()) {
                throw new NoSuchKeyException("The specified key does not exist.");
            }
            if (vs.get(0).deleteMarker()) {
                throw new NoSuchKeyException("The specified key does not exist.", vs.get(0).versionId());
            }
            return new Resolved(vs.get(0), true);
        }
        checkVersionId(versionId);
        for (int i = 0; i < vs.size(); i++) {
            Records.Version v = vs.get(i);
            if (v.versionId().equals(versionId)) {
                if (v.deleteMarker()) {
                    throw new MethodNotAllowedException("The specified method is not allowed against this "
                            + "resource.", v.versionId(), v.lastModified());
                }
                return new Resolved(v, i == 0);
            }
        }
        throw new NoSuchVersionException("The specified version does not exist.");
    }

    private static void checkVersionId(String versionId) {
        if (!ObjectVersion.NULL_VERSION_ID.equals(versionId) && !VERSION_ID.matcher(versionId).matches()) {
            throw new InvalidArgumentException("Invalid version id specified");
        }
    }

    private Optional<Records.Version> findEntry(String bucket, String key, String versionId) {
        return keyEntry(bucket, key).versions().stream().filter(v -> v.versionId().equals(versionId)).findFirst();
    }

    @Override
    public ObjectReader openObject(String bucket, String key, String versionId) {
        BucketNames.validateKey(key);
        dev.dualkey.storage.MemoryOnly.check("upstream object"); // upstream mode never reads on the loop
        try (LockManager.Held bl = locks.bucketRead(bucket); LockManager.Held kl = locks.keyRead(bucket, key)) {
            requireBucket(bucket);
            Resolved r = resolve(bucket, key, versionId);
            return new UpstreamObjectReader(r.entry().toVersion(bucket, key, r.latest()), r.entry().upstreamId(),
                    upstream, pins, fetcher);
        }
    }

    @Override
    public ObjectVersion headObject(String bucket, String key, String versionId) {
        BucketNames.validateKey(key);
        dev.dualkey.storage.MemoryOnly.check("upstream object"); // upstream mode never reads on the loop
        requireBucket(bucket);
        Resolved r = resolve(bucket, key, versionId);
        return r.entry().toVersion(bucket, key, r.latest());
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
        try (LockManager.Held bl = locks.bucketRead(bucket); LockManager.Held kl = locks.keyWrite(bucket, key)) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                BucketEntry b = requireBucket(bucket);
                KeyEntry k = keyEntry(bucket, key);
                Resolved r = resolve(k, versionId);
                ObjectMetadata meta = Objects.requireNonNull(change.apply(r.entry().metadata()), "changed metadata");
                RetentionGuard.checkRetentionChange(r.entry().metadata(), meta, now(), bypass);
                Records.Version changed = r.entry().withMetadata(meta);
                List<Records.Version> next = new ArrayList<>(k.versions());
                next.set(next.indexOf(r.entry()), changed);
                if (commit(b, bucket, k, key, List.of(keyWrite(bucket, key, k, next)))) {
                    return changed.toVersion(bucket, key, r.latest());
                }
            }
            throw contended();
        }
    }

    // ---- objects: delete -----------------------------------------------------------------------------------

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId) {
        return deleteObject(bucket, key, versionId, RetentionBypass.NONE, b -> { }, null);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, Consumer<BucketInfo> precondition) {
        return deleteObject(bucket, key, versionId, RetentionBypass.NONE, precondition, null);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                                      Consumer<BucketInfo> precondition) {
        return deleteObject(bucket, key, versionId, bypass, precondition, null);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, Consumer<BucketInfo> precondition,
                                      String ifMatchEtag) {
        return deleteObject(bucket, key, versionId, RetentionBypass.NONE, precondition, ifMatchEtag);
    }

    @Override
    public DeleteOutcome deleteObject(String bucket, String key, String versionId, RetentionBypass bypass,
                                      Consumer<BucketInfo> precondition, String ifMatchEtag) {
        Objects.requireNonNull(bypass, "bypass");
        BucketNames.validateKey(key);
        if (versionId != null) {
            checkVersionId(versionId);
        }
        try (LockManager.Held bl = locks.bucketRead(bucket); LockManager.Held kl = locks.keyWrite(bucket, key)) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                BucketEntry b = requireBucket(bucket);
                KeyEntry k = keyEntry(bucket, key);
                if (ifMatchEtag != null) {
                    // before the precondition: a refused conditional delete must not spend an MFA code
                    checkConditions(k, WriteOptions.defaults().withIfMatchEtag(ifMatchEtag.trim()));
                }
                precondition.accept(b.info());
                Optional<DeleteOutcome> done = versionId != null ? deleteVersion(b, bucket, k, key, versionId, bypass)
                        : deleteCurrent(b, bucket, k, key, bypass);
                if (done.isPresent()) {
                    return done.get();
                }
            }
            throw contended();
        }
    }

    /** Removes one version or marker; empty when the commit lost a race (the caller repeats everything). */
    private Optional<DeleteOutcome> deleteVersion(BucketEntry b, String bucket, KeyEntry k, String key,
                                                  String versionId, RetentionBypass bypass) {
        Optional<Records.Version> found = k.versions().stream().filter(v -> v.versionId().equals(versionId))
                .findFirst();
        if (found.isEmpty()) {
            return Optional.of(new DeleteOutcome(versionId, false, false, false));
        }
        Records.Version v = found.get();
        if (!v.deleteMarker()) {
            RetentionGuard.checkRemovable(v.metadata(), now(), bypass);
        }
        List<Records.Version> next = new ArrayList<>(k.versions());
        next.remove(v);
        if (!commit(b, bucket, k, key, List.of(keyWrite(bucket, key, k, next)))) {
            return Optional.empty();
        }
        removeUpstream(bucket, key, v.upstreamId());
        return Optional.of(new DeleteOutcome(versionId, v.deleteMarker(), false, true));
    }

    /** A delete without version id, by the bucket's versioning state. */
    private Optional<DeleteOutcome> deleteCurrent(BucketEntry b, String bucket, KeyEntry k, String key,
                                                  RetentionBypass bypass) {
        VersioningState state = b.bucket().config().versioning();
        Optional<Records.Version> oldNull = nullEntry(k);
        if (oldNull.isPresent() && state != VersioningState.ENABLED && !oldNull.get().deleteMarker()) {
            RetentionGuard.checkRemovable(oldNull.get().metadata(), now(), bypass);
        }
        if (state == VersioningState.UNVERSIONED) {
            if (oldNull.isEmpty()) {
                return Optional.of(new DeleteOutcome(null, false, false, false));
            }
            List<Records.Version> next = new ArrayList<>(k.versions());
            next.remove(oldNull.get());
            if (!commit(b, bucket, k, key, List.of(keyWrite(bucket, key, k, next)))) {
                return Optional.empty();
            }
            removeUpstream(bucket, key, oldNull.get().upstreamId());
            return Optional.of(new DeleteOutcome(null, false, false, true));
        }
        boolean isNull = state == VersioningState.SUSPENDED;
        String markerId = upstream.putDeleteMarker(bucket, key);
        Records.Version marker = new Records.Version(isNull ? ObjectVersion.NULL_VERSION_ID : markerId, markerId,
                isNull, true, 0, "", commitTime(k), b.bucket().owner(), ObjectMetadata.empty(), 0, Map.of());
        List<Records.Version> next = new ArrayList<>();
        next.add(marker);
        for (Records.Version v : k.versions()) {
            if (!(isNull && v.nullVersion())) {
                next.add(v);
            }
        }
        if (!commit(b, bucket, k, key, List.of(keyWrite(bucket, key, k, next)))) {
            upstream.deleteVersion(bucket, key, markerId);
            return Optional.empty();
        }
        if (isNull) {
            oldNull.ifPresent(v -> removeUpstream(bucket, key, v.upstreamId()));
        }
        return Optional.of(new DeleteOutcome(marker.versionId(), true, true, true));
    }

    // ---- copy ----------------------------------------------------------------------------------------------

    @Override
    public CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                 String dstKey, ObjectMetadata replaceMetadata, WriteOptions options) {
        return copyObject(srcBucket, srcKey, srcVersionId, dstBucket, dstKey, replaceMetadata, options,
                PublishCheck.NONE);
    }

    /**
     * Copies inside the upstream when it can ({@link #copyUpstream}), else streams the source through this gateway
     * into a new version, its MD5 and checksums computed as for a PUT.
     */
    @Override
    public CopyResult copyObject(String srcBucket, String srcKey, String srcVersionId, String dstBucket,
                                 String dstKey, ObjectMetadata replaceMetadata, WriteOptions options,
                                 PublishCheck check) {
        try (ObjectReader r = openObject(srcBucket, srcKey, srcVersionId)) { // pins the source version
            ObjectVersion src = r.version();
            ObjectMetadata meta = replaceMetadata != null ? replaceMetadata : src.metadata();
            Optional<ObjectVersion> inside = copyUpstream((UpstreamObjectReader) r, dstBucket, dstKey, meta, options,
                    check);
            if (inside.isPresent()) {
                return new CopyResult(src, inside.get());
            }
            try (ObjectWriter w = newObjectWriter(dstBucket, dstKey, meta, options, check)) {
                w.declareLength(src.size());
                pump(r.openStream(), w::write);
                return new CopyResult(src, w.commit(Expectations.none().withContentLength(src.size())));
            }
        }
    }

    /**
     * An upstream-side copy (CopyObject, or UploadPartCopy ranges above the multipart threshold): no byte passes
     * through the gateway. Used when everything the new version's index entry needs is known without reading the
     * bytes: its ETag (the source's MD5 for a single-part source, else the upstream copy's ETag when S3's rule makes
     * it the MD5: one CopyObject, unencrypted or SSE-S3 upstream) and its checksums (the source's whole-object
     * values of the requested algorithms). Upstream mode keeps no gateway-encrypted data (the store refuses SSE-S3 at
     * the gateway, SSE-C and SSE-KMS), so no copy needs a decrypt/encrypt transform. Empty when the copy must stream:
     * a multipart source above the threshold, a requested checksum the source lacks (or has per part only), or an
     * upstream copy whose ETag is not an MD5 (that copy is removed first).
     */
    private Optional<ObjectVersion> copyUpstream(UpstreamObjectReader r, String dstBucket, String dstKey,
                                                 ObjectMetadata meta, WriteOptions options, PublishCheck check) {
        ObjectVersion src = r.version();
        Set<ChecksumAlgorithm> wanted = options.checksumAlgorithms();
        boolean plainSource = src.partsCount() == 0 && src.etag().matches("[0-9a-f]{32}");
        if (options.computeSha256() || !src.checksums().keySet().containsAll(wanted)
                || (!plainSource && (!wanted.isEmpty() || src.size() > settings.multipartThreshold()))) {
            return Optional.empty();
        }
        BucketNames.validateKey(dstKey);
        requireBucket(dstBucket);
        Upstream.Sent sent = upstream.copyVersion(src.bucket(), src.key(), r.upstreamId(), dstBucket, dstKey,
                src.size());
        String etag = plainSource ? src.etag() : sent.md5Hex();
        if (etag == null || sent.contradicts(HEX.parseHex(etag))) {
            versionSender(dstBucket, dstKey).discard(sent);
            if (plainSource) {
                throw new dev.dualkey.storage.error.StorageIoException("the upstream copy differs from its source "
                        + "(ETag " + sent.etag() + ", source " + src.etag() + ")");
            }
            return Optional.empty();
        }
        Map<ChecksumAlgorithm, String> sums = new java.util.EnumMap<>(ChecksumAlgorithm.class);
        wanted.forEach(a -> sums.put(a, src.checksums().get(a)));
        upstreamCopies.incrementAndGet();
        return Optional.of(publishOrDiscard(dstBucket, dstKey, sent.versionId(), null, options, check, (b, v) ->
                new Records.Version(v, sent.versionId(), v.equals(ObjectVersion.NULL_VERSION_ID), false, src.size(),
                        etag, null, owner(options, b), meta, 0, sums)));
    }

    private static void pump(InputStream in, Consumer<ByteBuffer> sink) {
        try (in) {
            byte[] buf = new byte[UpstreamObjectReader.CHUNK];
            int n;
            while ((n = in.read(buf)) > 0) {
                sink.accept(ByteBuffer.wrap(buf, 0, n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading from the upstream failed", e);
        }
    }

    // ---- listing -------------------------------------------------------------------------------------------

    @Override
    public ListObjectsPage listObjects(String bucket, ListObjectsQuery q) {
        requireBucket(bucket);
        List<ObjectVersion> contents = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String last = null;
        boolean truncated = false;
        KeyScan scan = new KeyScan(bucket, q.prefix(), q.startAfter());
        for (Records.Key rec = scan.next(); rec != null; rec = scan.next()) {
            Records.Version latest = rec.versions().get(0);
            String k = rec.key();
            String cp = commonPrefix(k, q.prefix(), q.delimiter());
            if (cp != null) {
                if (q.startAfter() != null && Utf8.compare(cp, q.startAfter()) <= 0) {
                    scan.skipPrefix(cp);
                    continue;
                }
                if (contents.size() + prefixes.size() >= q.maxKeys()) {
                    truncated = true;
                    break;
                }
                prefixes.add(cp);
                last = cp;
                scan.skipPrefix(cp);
                continue;
            }
            if (latest.deleteMarker()) {
                continue;
            }
            if (contents.size() + prefixes.size() >= q.maxKeys()) {
                truncated = true;
                break;
            }
            contents.add(latest.toVersion(bucket, k, true));
            last = k;
        }
        return new ListObjectsPage(contents, prefixes, truncated, truncated ? last : null);
    }

    private static String commonPrefix(String key, String prefix, String delimiter) {
        if (delimiter == null || delimiter.isEmpty()) {
            return null;
        }
        int i = key.indexOf(delimiter, prefix.length());
        return i < 0 ? null : key.substring(0, i + delimiter.length());
    }

    @Override
    public ListVersionsPage listObjectVersions(String bucket, ListVersionsQuery q) {
        requireBucket(bucket);
        List<ObjectVersion> out = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        String nextKey = null;
        String nextVersion = null;
        String from = q.keyMarker();
        boolean inside = q.keyMarker() != null && q.versionIdMarker() != null;
        KeyScan scan = new KeyScan(bucket, q.prefix(), inside ? null : from);
        outer:
        for (Records.Key rec = scan.next(); rec != null; rec = scan.next()) {
            String k = rec.key();
            if (inside && Utf8.compare(k, q.keyMarker()) < 0) {
                continue;
            }
            String cp = commonPrefix(k, q.prefix(), q.delimiter());
            if (cp != null) {
                if (q.keyMarker() != null && Utf8.compare(cp, q.keyMarker()) <= 0) {
                    scan.skipPrefix(cp);
                    continue;
                }
                if (out.size() + prefixes.size() >= q.maxKeys()) {
                    truncated = true;
                    break;
                }
                prefixes.add(cp);
                nextKey = cp;
                nextVersion = null;
                scan.skipPrefix(cp);
                continue;
            }
            List<Records.Version> vs = rec.versions();
            int start = 0;
            if (inside && k.equals(q.keyMarker())) {
                start = vs.size();
                for (int i = 0; i < vs.size(); i++) {
                    if (vs.get(i).versionId().equals(q.versionIdMarker())) {
                        start = i + 1;
                        break;
                    }
                }
            }
            for (int i = start; i < vs.size(); i++) {
                if (out.size() + prefixes.size() >= q.maxKeys()) {
                    truncated = true;
                    break outer;
                }
                out.add(vs.get(i).toVersion(bucket, k, i == 0));
                nextKey = k;
                nextVersion = vs.get(i).versionId();
            }
        }
        return truncated ? new ListVersionsPage(out, prefixes, true, nextKey, nextVersion)
                : new ListVersionsPage(out, prefixes, false, null, null);
    }

    /** Key records of a bucket under a prefix, in key order, after a marker, fetched in batches. */
    private final class KeyScan {
        private final String bucket;
        private final byte[] end;
        private byte[] from;
        private List<SharedKv.Entry> batch = List.of();
        private int i;
        private boolean exhausted;

        KeyScan(String bucket, String prefix, String after) {
            this.bucket = bucket;
            byte[] start = StateKeys.keyPrefix(bucket, prefix);
            this.end = StateKeys.successor(start);
            this.from = start;
            if (after != null) {
                byte[] a = StateKeys.after(StateKeys.key(bucket, after));
                if (java.util.Arrays.compareUnsigned(a, from) > 0) {
                    from = a;
                }
            }
        }

        Records.Key next() {
            while (i >= batch.size()) {
                if (exhausted) {
                    return null;
                }
                batch = kv.range(from, end, SCAN_BATCH);
                i = 0;
                exhausted = batch.size() < SCAN_BATCH;
                if (!batch.isEmpty()) {
                    from = StateKeys.after(batch.get(batch.size() - 1).key());
                }
            }
            return Records.decodeKey(batch.get(i++).value());
        }

        /** Continues after every key starting with {@code prefix} (a rolled-up common prefix). */
        void skipPrefix(String prefix) {
            byte[] s = StateKeys.successor(StateKeys.keyPrefix(bucket, prefix));
            if (s == null) {
                batch = List.of();
                i = 0;
                exhausted = true;
                return;
            }
            while (i < batch.size() && java.util.Arrays.compareUnsigned(batch.get(i).key(), s) < 0) {
                i++;
            }
            if (i >= batch.size() && !exhausted && java.util.Arrays.compareUnsigned(s, from) > 0) {
                from = s;
            }
        }
    }

    // ---- multipart -----------------------------------------------------------------------------------------

    private record UploadEntry(Records.Upload upload, byte[] raw) {
        MultipartUpload info(String bucket) {
            Records.Upload u = upload;
            return new MultipartUpload(bucket, u.key(), u.uploadId(), u.initiated(), u.owner(), u.metadata(),
                    u.algorithm());
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    private Optional<UploadEntry> uploadEntry(String bucket, String key, String uploadId) {
        byte[] p = StateKeys.uploadsOfKey(bucket, key);
        byte[] end = StateKeys.successor(p);
        byte[] from = p;
        while (true) {
            List<SharedKv.Entry> page = kv.range(from, end, SCAN_BATCH);
            for (SharedKv.Entry e : page) {
                Records.Upload u = Records.decodeUpload(e.value());
                if (u.uploadId().equals(uploadId) && u.key().equals(key)) {
                    return Optional.of(new UploadEntry(u, e.value()));
                }
            }
            if (page.size() < SCAN_BATCH) {
                return Optional.empty();
            }
            from = StateKeys.after(page.get(page.size() - 1).key());
        }
    }

    private static NoSuchUploadException noSuchUpload() {
        return new NoSuchUploadException("The specified upload does not exist. The upload ID may be invalid, or the "
                + "upload may have been aborted or completed.");
    }

    private UploadEntry requireUpload(String bucket, String key, String uploadId) {
        requireBucket(bucket);
        return uploadEntry(bucket, key, uploadId).orElseThrow(UpstreamObjectStore::noSuchUpload);
    }

    @Override
    public MultipartUpload createMultipartUpload(String bucket, String key, ObjectMetadata metadata,
                                                 WriteOptions options) {
        BucketNames.validateKey(key);
        BucketEntry b = requireBucket(bucket);
        String uploadId = upstream.createUpload(bucket, key);
        ChecksumAlgorithm alg = options.checksumAlgorithms().stream().sorted().findFirst().orElse(null);
        Instant initiated = now();
        Records.Upload u = new Records.Upload(uploadId, key, initiated, owner(options, b), metadata, alg, Map.of(),
                0);
        byte[] uk = StateKeys.upload(bucket, key, micros(initiated), uploadId);
        if (!kv.commit(List.of(new SharedKv.Compare(StateKeys.bucket(bucket), b.raw()),
                new SharedKv.Compare(uk, null)), List.of(SharedKv.Write.put(uk,
                Records.encode(u))))) {
            upstream.abortUploadQuietly(bucket, key, uploadId);
            throw contended();
        }
        return new UploadEntry(u, null).info(bucket);
    }

    @Override
    public PartWriter newPartWriter(String bucket, String key, String uploadId, int partNumber) {
        BucketNames.validateKey(key);
        if (partNumber < 1 || partNumber > 10000) {
            throw new InvalidArgumentException("Part number must be an integer between 1 and 10000, inclusive");
        }
        Records.Upload u = requireUpload(bucket, key, uploadId).upload();
        Set<ChecksumAlgorithm> algs = u.algorithm() == null ? Set.of() : Set.of(u.algorithm());
        return new UpstreamBodyWriter.ForPart(writing, new BodyDigests(false, algs),
                new UpstreamBodyWriter.Sender() {
                    @Override
                    public Upstream.Sent send(InputStream in, long length) {
                        return upstream.uploadPartStream(bucket, key, uploadId, partNumber, in, length);
                    }

                    @Override
                    public void discard(Upstream.Sent sent) {
                        // a part not recorded is never completed: the upload's next UploadPart or its end replaces it
                    }
                }, (sent, d) -> storePart(bucket, key, uploadId, partNumber, HEX.formatHex(d.md5()), d.length(),
                        d.checksumsBase64()));
    }

    /**
     * Records a part the upstream holds, verified: its own entry ({@link StateKeys#part}), committed with the upload
     * record's next generation and a compare of the upload record (so the upload still exists, and a completion that
     * read the parts before this sees its compare fail).
     */
    private PartInfo storePart(String bucket, String key, String uploadId, int n, String md5Hex, long size,
                               Map<ChecksumAlgorithm, String> checksums) {
        Records.Part part = new Records.Part(n, md5Hex, size, now(), checksums);
        try (LockManager.Held ul = locks.upload(uploadId)) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                UploadEntry e = requireUpload(bucket, key, uploadId);
                Records.Upload u = e.upload();
                long micros = micros(u.initiated());
                byte[] uk = StateKeys.upload(bucket, key, micros, uploadId);
                if (kv.commit(List.of(new SharedKv.Compare(uk, e.raw())),
                        List.of(SharedKv.Write.put(uk, Records.encode(u.nextGeneration())),
                                SharedKv.Write.put(StateKeys.part(bucket, key, micros, uploadId, n),
                                        Records.encode(part))))) {
                    return new PartInfo(n, part.etag(), part.size(), part.lastModified(), part.checksums());
                }
            }
            throw contended();
        }
    }

    /**
     * The parts of an upload with a number above {@code after}, at most {@code limit}, by number: its part entries,
     * and the parts an upload record written before part entries existed holds inline.
     */
    private java.util.NavigableMap<Integer, Records.Part> parts(String bucket, Records.Upload u, int after,
                                                                int limit) {
        java.util.TreeMap<Integer, Records.Part> out = new java.util.TreeMap<>(new java.util.TreeMap<>(u.parts()).tailMap(after, false));
        byte[] prefix = StateKeys.partsOf(bucket, u.key(), micros(u.initiated()), u.uploadId());
        byte[] end = StateKeys.successor(prefix);
        byte[] from = StateKeys.part(bucket, u.key(), micros(u.initiated()), u.uploadId(), after + 1);
        int read = 0;
        while (read < limit) {
            int want = Math.min(SCAN_BATCH, limit - read);
            List<SharedKv.Entry> page = kv.range(from, end, want);
            for (SharedKv.Entry e : page) {
                Records.Part p = Records.decodePart(e.value());
                out.put(p.number(), p);
            }
            read += page.size();
            if (page.size() < want) {
                break;
            }
            from = StateKeys.after(page.get(page.size() - 1).key());
        }
        while (out.size() > limit) {
            out.pollLastEntry();
        }
        return out;
    }

    /**
     * Removes an ended upload's part entries (after its record left the index in an earlier commit), in batches of
     * {@link #PART_DELETE_BATCH} (etcd's {@code --max-txn-ops} is 128 by default). A failure here leaves entries no
     * upload record names: never read again (a new upload has a new id), removed by {@link #dropDanglingParts} (the
     * {@link OrphanSweeper}'s passes).
     */
    void dropParts(String bucket, String key, long initiatedMicros, String uploadId) {
        byte[] prefix = StateKeys.partsOf(bucket, key, initiatedMicros, uploadId);
        byte[] end = StateKeys.successor(prefix);
        while (true) {
            List<SharedKv.Entry> page = kv.range(prefix, end, PART_DELETE_BATCH);
            if (page.isEmpty()) {
                return;
            }
            List<SharedKv.Write> deletes = new ArrayList<>(page.size());
            for (SharedKv.Entry e : page) {
                deletes.add(SharedKv.Write.delete(e.key()));
            }
            kv.commit(List.of(), deletes);
            if (page.size() < PART_DELETE_BATCH) {
                return;
            }
        }
    }

    /**
     * Removes the part entries of {@code bucket} whose upload record is gone (a clean-up interrupted by a crash), and
     * returns how many (a dry run: how many there are). No grace is needed: a part entry is written only in a commit
     * comparing its upload record as present, an ended upload's record never returns (a new upload has a new id), so
     * an entry without its record is never read again.
     */
    int dropDanglingParts(String bucket, boolean dryRun) {
        byte[] bp = dev.dualkey.storage.keys.StoreKeys.bucketPrefix(bucket);
        byte[] from = new byte[bp.length + 1];
        from[0] = 'P';
        System.arraycopy(bp, 0, from, 1, bp.length);
        byte[] end = StateKeys.successor(from);
        int dropped = 0;
        while (true) {
            List<SharedKv.Entry> page = kv.range(from, end, PART_DELETE_BATCH);
            List<SharedKv.Write> deletes = new ArrayList<>();
            for (SharedKv.Entry e : page) {
                byte[] k = e.key();
                int afterKey = dev.dualkey.storage.keys.StoreKeys.suffixOffset(k, 1 + bp.length);
                int idLength = ((k[afterKey + 8] & 0xff) << 8) | (k[afterKey + 9] & 0xff);
                byte[] upload = new byte[afterKey + 8 + idLength];
                System.arraycopy(k, 0, upload, 0, afterKey + 8);
                System.arraycopy(k, afterKey + 10, upload, afterKey + 8, idLength);
                upload[0] = 'U';
                if (kv.get(upload).isEmpty()) {
                    deletes.add(SharedKv.Write.delete(k));
                }
            }
            if (!deletes.isEmpty() && !dryRun) {
                kv.commit(List.of(), deletes);
            }
            dropped += deletes.size();
            if (page.size() < PART_DELETE_BATCH) {
                return dropped;
            }
            from = StateKeys.after(page.get(page.size() - 1).key());
        }
    }

    private void dropPartsQuietly(String bucket, String key, Records.Upload u) {
        try {
            dropParts(bucket, key, micros(u.initiated()), u.uploadId());
        } catch (RuntimeException e) {
            // entries of an ended upload are never read again; the sweeper's passes remove them (above)
        }
    }

    @Override
    public PartCopyResult uploadPartCopy(String bucket, String key, String uploadId, int partNumber,
                                         String srcBucket, String srcKey, String srcVersionId, ByteRange range) {
        try (ObjectReader r = openObject(srcBucket, srcKey, srcVersionId)) {
            long size = r.version().size();
            long[] span = {0, size};
            if (range != null) {
                // copy ranges must lie inside the source: no clipping as for GET
                if (range.first() < 0 || range.last() < 0 || range.last() >= size) {
                    throw new InvalidRangeException("The requested range is not satisfiable: source object has "
                            + size + " bytes");
                }
                span = new long[] {range.first(), range.last() - range.first() + 1};
            }
            Optional<PartInfo> inside = copyPartUpstream((UpstreamObjectReader) r, span[0], span[1], bucket, key,
                    uploadId, partNumber);
            if (inside.isPresent()) {
                return new PartCopyResult(r.version(), inside.get());
            }
            try (PartWriter w = newPartWriter(bucket, key, uploadId, partNumber)) {
                w.declareLength(span[1]);
                pump(r.openStream(span[0], span[1]), w::write);
                return new PartCopyResult(r.version(), w.commit(Expectations.none().withContentLength(span[1])));
            }
        }
    }

    /**
     * UploadPartCopy inside the upstream, when the part's record needs nothing read from the bytes: an upload
     * without a checksum algorithm, and the part's MD5 known (the source's, for the whole of a single-part source;
     * else the upstream part's ETag when S3's rule makes it the MD5). Empty: stream the part instead (an upstream
     * part left behind is replaced by that upload of the same number).
     */
    private Optional<PartInfo> copyPartUpstream(UpstreamObjectReader r, long first, long length, String bucket,
                                                String key, String uploadId, int partNumber) {
        BucketNames.validateKey(key);
        if (partNumber < 1 || partNumber > 10000) {
            throw new InvalidArgumentException("Part number must be an integer between 1 and 10000, inclusive");
        }
        ObjectVersion src = r.version();
        if (length == 0 || requireUpload(bucket, key, uploadId).upload().algorithm() != null) {
            return Optional.empty();
        }
        boolean whole = first == 0 && length == src.size() && src.partsCount() == 0
                && src.etag().matches("[0-9a-f]{32}");
        Upstream.Sent sent = upstream.copyPart(src.bucket(), src.key(), r.upstreamId(), first, length, bucket, key,
                uploadId, partNumber);
        String md5 = whole ? src.etag() : sent.md5Hex();
        if (md5 == null) {
            return Optional.empty();
        }
        if (sent.contradicts(HEX.parseHex(md5))) {
            throw new dev.dualkey.storage.error.StorageIoException("the upstream part copy differs from its source "
                    + "(ETag " + sent.etag() + ", source " + src.etag() + ")");
        }
        upstreamCopies.incrementAndGet();
        return Optional.of(storePart(bucket, key, uploadId, partNumber, md5, length, Map.of()));
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId,
                                                 List<CompletedPart> parts) {
        return completeMultipartUpload(bucket, key, uploadId, parts, PublishCheck.NONE);
    }

    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> parts,
                                                 PublishCheck check) {
        return completeMultipartUpload(bucket, key, uploadId, parts, WriteOptions.defaults(), Expectations.none(),
                check);
    }

    /**
     * Validates the part list against the index, runs the publish's checks once before the upstream completion
     * (a refusal leaves the upload as it was, as the contract wants), completes upstream, then publishes. Between
     * the checks and the publish this gateway holds the key's lock; a race with another gateway repeats the checks
     * against the completed version, and a refusal then discards it (the upload is then gone: stated in the package
     * documentation).
     */
    @Override
    public ObjectVersion completeMultipartUpload(String bucket, String key, String uploadId, List<CompletedPart> list,
                                                 WriteOptions conditions, Expectations expected, PublishCheck check) {
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
        try (LockManager.Held bl = locks.bucketRead(bucket); LockManager.Held kl = locks.keyWrite(bucket, key);
             LockManager.Held ul = locks.upload(uploadId)) {
            UploadEntry ue = requireUpload(bucket, key, uploadId);
            Records.Upload up = ue.upload();
            Map<Integer, Records.Part> recorded = parts(bucket, up, 0, 10_000);
            List<Records.Part> chosen = new ArrayList<>();
            for (CompletedPart cp : list) {
                Records.Part p = recorded.get(cp.partNumber());
                if (p == null || !p.etag().equals(cp.unquotedEtag())
                        || !CompleteChecks.partChecksumsMatch(cp, p.checksums())) {
                    throw new InvalidPartException("One or more of the specified parts could not be found. The part "
                            + "may not have been uploaded, or the specified entity tag may not match the part's "
                            + "entity tag. (part " + cp.partNumber() + ")");
                }
                chosen.add(p);
            }
            for (int i = 0; i < chosen.size() - 1; i++) {
                if (chosen.get(i).size() < MIN_PART) {
                    throw new EntityTooSmallException("Your proposed upload is smaller than the minimum allowed "
                            + "size (part " + list.get(i).partNumber() + ")");
                }
            }
            MessageDigest md5 = md5();
            long size = 0;
            List<MultipartChecksums.Part> layout = new ArrayList<>();
            List<software.amazon.awssdk.services.s3.model.CompletedPart> upParts = new ArrayList<>();
            for (Records.Part p : chosen) {
                md5.update(HEX.parseHex(p.etag()));
                size += p.size();
                layout.add(new MultipartChecksums.Part(p.size(),
                        up.algorithm() == null ? null : p.checksums().get(up.algorithm())));
                upParts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(p.number())
                        .eTag('"' + p.etag() + '"').build());
            }
            String etag = HEX.formatHex(md5.digest()) + "-" + chosen.size();
            Map<ChecksumAlgorithm, String> checksums = CompleteChecks.objectChecksums(up.algorithm(), up.metadata(),
                    layout, expected);
            // the publish's checks, once, before the upload is consumed upstream
            BucketEntry b = requireBucket(bucket);
            KeyEntry k = keyEntry(bucket, key);
            checkConditions(k, conditions);
            checkNoConflict(conditions, k, up);
            boolean isNull = b.bucket().config().versioning() != VersioningState.ENABLED;
            Optional<Records.Version> oldNull = isNull ? nullEntry(k) : Optional.empty();
            check.check(b.info(), oldNull.isPresent());
            if (oldNull.isPresent() && !oldNull.get().deleteMarker()) {
                RetentionGuard.checkRemovable(oldNull.get().metadata(), now(), RetentionBypass.NONE);
            }
            long total = size;
            int count = chosen.size();
            ObjectMetadata meta = up.metadata().toBuilder()
                    .attribute(MultipartChecksums.PARTS_ATTRIBUTE, MultipartChecksums.encodeParts(layout))
                    .attribute(MultipartChecksums.TYPE_ATTRIBUTE, checksums.isEmpty() ? null
                            : CompleteChecks.type(up.algorithm(), up.metadata()).name()).build();
            // the key record limit, before the upload is consumed (the part layout is in the version's metadata:
            // 10,000 parts with SHA-256 checksums make about 530 KB); the publish checks it again
            String longestId = "x".repeat(64);
            List<Records.Version> planned = new ArrayList<>();
            planned.add(new Records.Version(longestId, longestId, isNull, false, total, etag, now(), up.owner(), meta,
                    count, checksums));
            for (Records.Version v : k.versions()) {
                if (!(isNull && v.nullVersion())) {
                    planned.add(v);
                }
            }
            keyWrite(bucket, key, k, planned);
            String upstreamId = upstream.completeUpload(bucket, key, uploadId, upParts);
            boolean[] first = {true};
            PublishCheck again = (info, replacesNull) -> {
                if (!first[0]) {
                    check.check(info, replacesNull);
                }
                first[0] = false;
            };
            return publishOrDiscard(bucket, key, upstreamId, up, conditions, again, (be, v) -> new Records.Version(v,
                    upstreamId, isNull, false, total, etag, null, up.owner(), meta, count, checksums));
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void abortMultipartUpload(String bucket, String key, String uploadId) {
        try (LockManager.Held ul = locks.upload(uploadId)) {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                UploadEntry e = requireUpload(bucket, key, uploadId);
                byte[] uk = StateKeys.upload(bucket, key, micros(e.upload().initiated()), uploadId);
                if (kv.commit(List.of(new SharedKv.Compare(uk, e.raw())), List.of(SharedKv.Write.delete(uk)))) {
                    upstream.abortUploadQuietly(bucket, key, uploadId);
                    dropPartsQuietly(bucket, key, e.upload());
                    return;
                }
            }
            throw contended();
        }
    }

    @Override
    public ListPartsPage listParts(String bucket, String key, String uploadId, int partNumberMarker, int maxParts) {
        if (maxParts < 0 || maxParts > 1000) {
            throw new InvalidArgumentException("max-parts must be between 0 and 1000");
        }
        UploadEntry e = requireUpload(bucket, key, uploadId);
        List<PartInfo> out = new ArrayList<>();
        boolean truncated = false;
        for (Records.Part p : parts(bucket, e.upload(), Math.max(partNumberMarker, 0), maxParts + 1).values()) {
            if (out.size() >= maxParts) {
                truncated = true;
                break;
            }
            out.add(new PartInfo(p.number(), p.etag(), p.size(), p.lastModified(), p.checksums()));
        }
        return new ListPartsPage(e.info(bucket), out, truncated,
                out.isEmpty() ? 0 : out.get(out.size() - 1).partNumber());
    }

    @Override
    public ListUploadsPage listMultipartUploads(String bucket, String prefix, String delimiter, String keyMarker,
                                                String uploadIdMarker, int maxUploads) {
        requireBucket(bucket);
        String p = prefix == null ? "" : prefix;
        byte[] from = StateKeys.uploadPrefix(bucket, p);
        byte[] end = StateKeys.successor(from);
        List<MultipartUpload> out = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        boolean passedMarker = keyMarker == null || uploadIdMarker == null;
        scan:
        while (true) {
            List<SharedKv.Entry> page = kv.range(from, end, SCAN_BATCH);
            for (SharedKv.Entry e : page) {
                Records.Upload u = Records.decodeUpload(e.value());
                String k = u.key();
                if (keyMarker != null) {
                    int c = Utf8.compare(k, keyMarker);
                    if (c < 0 || (c == 0 && uploadIdMarker == null)) {
                        continue;
                    }
                    if (c == 0 && !passedMarker) {
                        if (u.uploadId().equals(uploadIdMarker)) {
                            passedMarker = true;
                        }
                        continue;
                    }
                }
                String cp = commonPrefix(k, p, delimiter);
                if (cp != null) {
                    if (!prefixes.isEmpty() && prefixes.get(prefixes.size() - 1).equals(cp)) {
                        continue;
                    }
                    if (keyMarker != null && Utf8.compare(cp, keyMarker) <= 0) {
                        continue;
                    }
                }
                if (out.size() + prefixes.size() >= maxUploads) {
                    truncated = true;
                    break scan;
                }
                if (cp != null) {
                    prefixes.add(cp);
                } else {
                    out.add(new UploadEntry(u, e.value()).info(bucket));
                }
            }
            if (page.size() < SCAN_BATCH) {
                break;
            }
            from = StateKeys.after(page.get(page.size() - 1).key());
        }
        MultipartUpload last = out.isEmpty() ? null : out.get(out.size() - 1);
        return new ListUploadsPage(out, prefixes, truncated, truncated && last != null ? last.key() : null,
                truncated && last != null ? last.uploadId() : null);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (sweeper != null) {
                sweeper.close();
            }
        }
        fetcher.shutdown();
        sending.shutdown();
        upstream.close();
    }
}
