package dev.dualkey.storage.rocks;

import dev.dualkey.storage.MemoryOnly;
import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageFullException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.LRUCache;
import org.rocksdb.MutableColumnFamilyOptions;
import org.rocksdb.Options;
import org.rocksdb.PrepopulateBlobCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.ReadTier;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.SstFileManager;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one RocksDB instance of a data directory, shared by all modules, and the sole owner of its native handles.
 *
 * <h2>Declaring families</h2>
 * Each module has one {@code Schema} class whose Javadoc lists its column families as {@code key :- value} and
 * whose constant list of {@link ColumnFamilySpec}s is passed here, e.g.
 * <pre>{@code
 * List<ColumnFamilySpec> all = new ArrayList<>(dev.dualkey.storage.rocks.Schema.FAMILIES);
 * all.addAll(dev.dualkey.mfa.store.MfaSchema.FAMILIES);
 * try (RocksDatabase db = RocksDatabase.open(dataDir, all)) {
 *     Table<String, Device> devices = db.table("mfa.devices", Codecs.UTF8, DEVICE_CODEC);
 *     db.write(batch -> { devices.put(batch, serial, device); users.delete(batch, oldUser); });
 * }
 * }</pre>
 * Families already on disk but not declared are opened (RocksDB requires it) and left untouched.
 *
 * <h2>Durability and full disk</h2>
 * WAL on; every write is {@code sync=true}, and RocksDB's write group commits concurrent writers with one fsync.
 * Writes use {@code no_slowdown}: a write stall returns at once and is retried with back-off until
 * {@link Settings#writeDeadline()}, then fails with {@link SlowDownException}, so no caller can hang on a
 * stopped DB. Writes that store data are refused with {@link StorageFullException} while the file system's usable
 * space is below {@link Settings#reservedFreeBytes()}; batches declared {@link Batch#releasesData()} (deletes,
 * aborts) still pass so space can be freed. The guard's {@code statfs} is reused for up to 100 ms while it was
 * more than 1 GiB above the reserve ({@link FreeSpaceProbe}); near the reserve every write reads it again.
 *
 * <p>When the disk fills up anyway (another process, or a large body written past the guard), RocksDB reports
 * NoSpace on the WAL append and stops accepting writes (a "hard" background error). The failing write gets
 * {@link StorageFullException} at once, and the ballast file ({@link Settings#ballastBytes()}, real blocks kept in
 * the directory) is deleted so that RocksDB's out-of-space recovery (its SST file manager polls free space every
 * few seconds and then resumes the DB) has room to work; until it resumes, writes fail fast with
 * {@link StorageFullException}, reads keep working. Nothing needs a restart. The ballast is re-created after a
 * successful data write once usable space exceeds ballast + reserve again, and on open; opening a full disk also
 * sacrifices it. (RocksJava 10.10 has no {@code DB::Resume()}, so recovery cannot be forced from here.)
 *
 * <h2>Disk errors</h2>
 * A write that fails with an I/O error (EIO on the WAL append or fsync, a failed MANIFEST rename) is reported to
 * its caller as {@link StorageIoException} (never acknowledged) and logged once; RocksDB then refuses writes
 * until resumed. Reads go on. The first write after a probe file can be written, fsynced and renamed again
 * reopens the database (WAL replay) under the close lock: recovery without a restart once the fault ends.
 *
 * <h2>Close order</h2>
 * {@link #close()} takes the close lock exclusively (waiting for in-flight reads and writes), then closes: open
 * iterators (with their read options and bound slices) -> column family handles -> the DB (after a WAL sync) ->
 * the DB's SST file manager -> write/read options -> column family options -> DB options -> write buffer manager ->
 * block cache, bloom filter.
 */
public final class RocksDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDatabase.class);
    private static final String BALLAST = "BALLAST";

    static {
        // not RocksDB.loadLibrary() alone: it leaves a 15 MB copy in java.io.tmpdir after every abnormal exit
        NativeLibrary.load();
    }

    /**
     * Tunables.
     *
     * @param reservedFreeBytes refuse data-storing writes when the file system has less usable space than this
     * @param writeDeadline     longest time a write waits through write stalls before {@link SlowDownException}
     * @param blockCacheBytes   RocksDB's caches together: the blob cache ({@link #blobCacheBytes}) and the shared
     *                          block cache (the rest, which also holds the memtables' charge and the row cache)
     * @param ballastBytes      size of the ballast file released when the DB cannot open for lack of space (0 = none)
     */
    public record Settings(long reservedFreeBytes, Duration writeDeadline, long blockCacheBytes, long ballastBytes) {
        public Settings {
            Objects.requireNonNull(writeDeadline, "writeDeadline");
            if (reservedFreeBytes < 0 || blockCacheBytes <= 0 || ballastBytes < 0 || writeDeadline.isNegative()) {
                throw new IllegalArgumentException("invalid settings");
            }
        }

        /**
         * 64 MiB reserve, 10 s write deadline, a block cache sized from this JVM's heap limit
         * ({@link #blockCacheFor}), 8 MiB ballast.
         */
        public static Settings defaults() {
            return new Settings(64L << 20, Duration.ofSeconds(10), blockCacheFor(Runtime.getRuntime().maxMemory()),
                    8L << 20);
        }

        /**
         * The block cache for a server whose Java heap may grow to {@code maxHeapBytes}: an eighth of it, at least
         * 16 MiB and at most 64 MiB, in whole MiB. Why tied to the heap (issue 19, footprint): the operator's
         * {@code -Xmx} is the one memory figure a server is started with, and the cache (which also bounds every
         * family's memtables, {@link #memtableBudget}) is RocksDB's largest share of the resident memory, outside
         * the heap. With {@code -Xmx256m} (the README's bounded command; the serial collector reports 247.5 MiB)
         * it is 30 MiB, from {@code -Xmx512m} up the 64 MiB it always was.
         */
        public static long blockCacheFor(long maxHeapBytes) {
            long eighth = (maxHeapBytes / 8) & ~((1L << 20) - 1);
            return Math.max(16L << 20, Math.min(64L << 20, eighth));
        }

        /**
         * The share of {@link #blockCacheBytes} given to the blob cache of the {@link ColumnFamilySpec#largeValues()}
         * families: a quarter, in whole MiB (7 MiB of 30 with {@code -Xmx256m}, 16 of 64), at least 1 MiB. Why
         * (issue 19): a flushed small object's bytes live in a blob file, which the block cache never holds, so
         * without a blob cache every GET of one preads the file (and checks its CRC32C in software) on the
         * storage executor, as the event loop's memory-only read cannot answer it. RocksJava has no setter
         * that would let the blob cache share the block cache object, so it is a second cache; it is taken out
         * of the block cache's capacity (that gets {@link #blockCacheBytes} minus this), so that RocksDB's two
         * caches together stay within the one figure {@link #blockCacheFor} derives from the heap limit and the
         * resident memory bound does not grow. The memtable budget ({@link #memtableBudget}) is unchanged.
         */
        public long blobCacheBytes() {
            long quarter = (blockCacheBytes / 4) & ~((1L << 20) - 1);
            return Math.min(blockCacheBytes / 2, Math.max(1L << 20, quarter));
        }
    }

    private final Path dir;
    private final Settings settings;
    private final FileStore fileStore;
    /** The free-space guard's statfs, briefly reused while far above the reserve. */
    private final FreeSpaceProbe freeSpace;
    private final LRUCache blockCache;
    /** Bounds every family's memtables together, charged to {@link #blockCache} (see {@link #memtableBudget}). */
    private final WriteBufferManager writeBufferManager;
    private final BloomFilter bloomFilter;
    /**
     * The SST file manager of the open instance (its out-of-space recovery thread), one per instance: replaced
     * with the instance on every reopen and closed right after it (see {@link #openDb()}).
     */
    private SstFileManager sstFileManager;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    /** {@link #cfOptions} plus blob files, for families declared {@link ColumnFamilySpec#largeValues()}. */
    private final ColumnFamilyOptions largeValueCfOptions;
    private final WriteOptions syncWrite;
    private final WriteOptions deferredWrite;
    /** Deferred writes completed so far: the ticket of each is this counter's value right after it returned. */
    private final AtomicLong deferredCompleted = new AtomicLong();
    /**
     * Every deferred write with a ticket up to this is durable: a synced write or WAL sync that began after it
     * had returned (so came later in the WAL) has completed.
     */
    private final AtomicLong deferredDurable = new AtomicLong();
    private final ReadOptions pointRead;
    /**
     * Point reads under {@link MemoryOnly} (the event loop): memtables and the block cache only; a read that
     * needs a block or a table file not in memory fails with status Incomplete, turned into
     * {@link MemoryOnly.WouldBlock}.
     */
    private final ReadOptions cachedRead;
    private final List<ColumnFamilyDescriptor> descriptors;
    private final Set<String> wantedNames;
    /** The declared {@link ColumnFamilySpec#largeValues()} families, for {@link #tuneBlobGarbageCollection()}. */
    private final List<String> largeValueFamilies;
    // replaced only under the close lock's write side (reopen after out-of-space); read under its read side
    private RocksDB db;
    private List<ColumnFamilyHandle> allHandles;
    private Map<String, ColumnFamilyHandle> declared;
    /** A WAL append failed with NoSpace: RocksDB refuses writes until reopened (RocksJava has no Resume()). */
    private volatile boolean stoppedByNoSpace;
    /**
     * A write failed with an I/O error (EIO on the WAL append or its fsync, a failed rename of a new MANIFEST...):
     * RocksDB then refuses every write with that "background error" until {@code DB::Resume()}, which RocksJava
     * lacks. Recovery is the same reopen as after a full disk, tried at a later write once a probe (write, fsync,
     * rename, fsync of the directory in the database directory) succeeds again, so it waits for the fault to end.
     */
    private volatile boolean stoppedByIoError;
    /** nanoTime of the last failed recovery probe: probes run at most every {@link #PROBE_INTERVAL_NANOS}. */
    private volatile long lastProbeNanos = System.nanoTime() - PROBE_INTERVAL_NANOS;
    private static final long PROBE_INTERVAL_NANOS = 200_000_000L;
    /** Opened with {@link #openReadOnly}: no writes, no ballast, no lock on the directory. */
    private final boolean readOnly;
    private final Set<RocksKvIterator<?, ?>> openIterators = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed;
    /** Set when the ballast is known to be missing; cleared when it is re-created. */
    private volatile boolean ballastMissing;

    /** Opens (creating if needed) the database in {@code dir} with default {@link Settings}. */
    public static RocksDatabase open(Path dir, List<ColumnFamilySpec> families) {
        return open(dir, families, Settings.defaults());
    }

    /**
     * Opens (creating if needed) the database in {@code dir} with the given families (duplicates by name are
     * merged; declare each family once per module).
     */
    public static RocksDatabase open(Path dir, List<ColumnFamilySpec> families, Settings settings) {
        try {
            // 0700: RocksDB creates its files with the process umask (often world-readable 0644); nobody but the
            // server's user can reach them through an owner-only directory.
            OwnerOnlyFiles.directory(dir);
        } catch (IOException e) {
            throw new StorageIoException("cannot create data directory " + dir + ": " + e.getMessage(), e);
        }
        try {
            return new RocksDatabase(dir, families, settings, false);
        } catch (StorageFullException e) {
            // A completely full disk can make RocksDB unable to open (it must write a new MANIFEST/WAL):
            // sacrifice the ballast and try once more.
            if (releaseBallast(dir)) {
                LOG.warn("disk full while opening {}: released the ballast file and retrying", dir);
                return new RocksDatabase(dir, families, settings, false);
            }
            throw e;
        }
    }

    /**
     * Opens an existing database read-only, as it is on disk now (RocksDB's read-only mode: no lock, no writes, no
     * recovery written back): for offline scrubs, which must not change what they inspect. Every write fails.
     *
     * @throws StorageIoException when there is no database in {@code dir}
     */
    public static RocksDatabase openReadOnly(Path dir, List<ColumnFamilySpec> families) {
        if (!Files.exists(dir.resolve("CURRENT"))) {
            throw new StorageIoException("no database in " + dir);
        }
        return new RocksDatabase(dir, families, Settings.defaults(), true);
    }

    private RocksDatabase(Path dir, List<ColumnFamilySpec> families, Settings settings, boolean readOnly) {
        this.readOnly = readOnly;
        this.dir = dir;
        this.settings = settings;
        try {
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new StorageIoException("cannot stat file store of " + dir, e);
        }
        this.freeSpace = new FreeSpaceProbe(this::usableSpace, Clock.systemUTC(), settings.reservedFreeBytes());
        Map<String, ColumnFamilySpec> wanted = new LinkedHashMap<>();
        for (ColumnFamilySpec spec : families) {
            ColumnFamilySpec prev = wanted.putIfAbsent(spec.name(), spec);
            if (prev != null && !prev.equals(spec)) {
                throw new IllegalArgumentException("column family declared twice differently: " + spec.name());
            }
        }
        List<AutoCloseable> built = new ArrayList<>();
        try {
            long blockCacheCapacity = settings.blockCacheBytes() - settings.blobCacheBytes();
            blockCache = track(built, new LRUCache(blockCacheCapacity, blockCacheShardBits(blockCacheCapacity)));
            bloomFilter = track(built, new BloomFilter(10));
            writeBufferManager = track(built, new WriteBufferManager(memtableBudget(settings), blockCache));
            cfOptions = track(built, familyOptions(new ColumnFamilyOptions(), settings));
            largeValueCfOptions = track(built, familyOptions(withBlobCache(settings.blobCacheBytes()), settings)
                    .setEnableBlobFiles(true)
                    .setMinBlobSize(MIN_BLOB_BYTES)
                    // a deleted object's bytes leave a blob file that still holds live values when compaction
                    // relocates the oldest quarter of the blob files' live values: only while the family holds
                    // garbage (BlobGarbagePolicy, tuneBlobGarbageCollection), so it starts off
                    .setEnableBlobGarbageCollection(false)
                    .setBlobGarbageCollectionAgeCutoff(0.25)
                    // issue 19: a flush also puts the blobs it writes into the blob cache, so that a freshly
                    // flushed small object is still answered from memory (the event loop's read) until evicted
                    .setPrepopulateBlobCache(PrepopulateBlobCache.PREPOPULATE_BLOB_FLUSH_ONLY));
            dbOptions = track(built, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    // bit rot (issue 17): check every file's metadata and checksums on open and refuse to open a
                    // damaged database rather than serve from it (RocksDB's default, set here so it stays on)
                    .setParanoidChecks(true)
                    .setMaxBackgroundJobs(2)
                    .setBytesPerSync(1L << 20)
                    // Group-commit followers otherwise spin with sched_yield for up to 100 us while the leader
                    // fsyncs the WAL (which takes far longer): on a small machine that burns the cores the leader,
                    // the network and the clients need. Blocking at once costs one futex wake-up per write.
                    .setEnableWriteThreadAdaptiveYield(false)
                    .setKeepLogFileNum(5)
                    // issue 19: a point read that finds its key in an SST file is kept as a row in the same
                    // cache as the blocks (its capacity bounds both), so the next read of the key skips the
                    // filter, index and data-block seek of every file it would consult
                    .setRowCache(blockCache)
                    .setWriteBufferManager(writeBufferManager));
            syncWrite = track(built, new WriteOptions().setSync(true).setDisableWAL(false).setNoSlowdown(true));
            deferredWrite = track(built, new WriteOptions().setSync(false).setDisableWAL(false).setNoSlowdown(true));
            // bit rot: every block read is checked against its checksum (a flipped bit fails the read, never
            // returns wrong bytes); RocksDB's default, set explicitly so it stays on
            pointRead = track(built, new ReadOptions().setVerifyChecksums(true));
            cachedRead = track(built, new ReadOptions().setVerifyChecksums(true)
                    .setReadTier(ReadTier.BLOCK_CACHE_TIER));

            Set<String> names = new LinkedHashSet<>();
            names.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, java.nio.charset.StandardCharsets.UTF_8));
            try (Options listOptions = new Options()) {
                if (Files.exists(dir.resolve("CURRENT"))) {
                    for (byte[] n : RocksDB.listColumnFamilies(listOptions, dir.toString())) {
                        names.add(new String(n, java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
            names.addAll(wanted.keySet());
            List<ColumnFamilyDescriptor> list = new ArrayList<>();
            for (String n : names) {
                ColumnFamilySpec spec = wanted.get(n);
                list.add(new ColumnFamilyDescriptor(n.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        spec != null && spec.largeValues() ? largeValueCfOptions : cfOptions));
            }
            descriptors = List.copyOf(list);
            wantedNames = Set.copyOf(wanted.keySet());
            largeValueFamilies = wanted.values().stream().filter(ColumnFamilySpec::largeValues)
                    .map(ColumnFamilySpec::name).toList();
            openDb();
            for (ColumnFamilyDescriptor d : descriptors) {
                String n = new String(d.getName(), java.nio.charset.StandardCharsets.UTF_8);
                if (!wanted.containsKey(n) && !n.equals("default")) {
                    LOG.info("column family {} exists on disk but no module declares it; left untouched", n);
                }
            }
        } catch (RocksDBException e) {
            closeAll(built);
            throw translate("open " + dir, e);
        } catch (RuntimeException e) {
            closeAll(built);
            throw e;
        }
        if (!readOnly) {
            ensureBallast();
        }
        LOG.info("opened RocksDB at {} with families {}", dir, declared.keySet());
    }

    /**
     * Values of a {@link ColumnFamilySpec#largeValues()} family from this size on are kept in blob files.
     *
     * <h2>Large values (issue 19)</h2>
     * Small objects' bytes ({@code storage.inline}: every object up to the inline threshold, 4 KiB in the
     * benchmarks) used to sit in the SST files, and leveled compaction rewrote each of them several times: an
     * overwrite or delete leaves a tombstone for an old seq, so a flushed L0 file spans old and new seqs and is
     * merged with most of the bottom level. Profiled under 4 KiB PUTs (async-profiler, wrk): compaction was 21%
     * of the server's CPU and read 4.1 GiB for about 0.4 GiB written. RocksDB's integrated blob files (BlobDB)
     * write a value once, at flush, into a blob file; SST files and compaction carry a 16-byte key and a
     * reference. Durability is unchanged: a write is acknowledged once its WAL record (value included) is
     * synced, exactly as before; the blob file is written and synced by the flush before the MANIFEST records
     * it, like an SST. Below 1 KiB a reference saves little, so small values stay in the SST. Databases
     * written before keep their SST-held values readable, and a release without this option reads blob
     * references too (reading never depends on the option). Checkpoints ({@link #checkpoint}) link blob files
     * like SST files; a blob record carries its own CRC, checked on every read ({@code verify_checksums}), and a
     * scrub re-reads every inline value against its ETag. {@link #liveSstBytes()} does not count blob files.
     *
     * <p>64 KiB values (session 12; put64k_new fell from 1,666 to 1,275 PUT/s in the recorded runs). Measured at
     * the store with compat-tests/bench/cost/StorePhaseCost.java (process CPU incl. RocksDB's background threads,
     * the bench's row order; blob files vs the same build with the values in the SSTs, alternating runs, loads
     * 19-38): a 64 KiB PUT to a new key cost a median 92 us more CPU with blob files (diffs +150, +113, +97, +88,
     * +46, -7 us on 370-670 us), an overwrite about the same (+41, +21, -2, -163), while the SST layout wrote
     * 156-176 (overwrites 229-273) KiB and read 26-46 (159-202) KiB per PUT against 132-138 and 1-8 with blob
     * files. The extra CPU is
     * the flush (async-profiler with native frames: flush +50 us per PUT, compaction -6): above all the blob
     * record's CRC32C over the whole value (about 28 us per 64 KiB, about 2.4 GB/s; the SST block's XXH3 over the
     * same bytes about 5 us). It is that slow because the rocksdbjni build is portable: its LOG says "Fast CRC32
     * supported: Not supported on x86" although the CPU has SSE4.2 and PCLMULQDQ, so RocksDB runs its software
     * CRC32C, for the WAL record in the writer's thread (both layouts) and again for the blob record at flush
     * (and a blob read verifies it once more, where an SST block read checks XXH3). Blob GC relocated nothing in these rows (the inline family's compactions were
     * intra-L0 merges of key-only files of under 1 ms), and compression is not involved (blob files are never
     * compressed; the SST layout's values are rewritten once into LZ4-compressed L6 by
     * {@code optimizeLevelStyleCompaction}'s per-level compression, at 600-1,150 MB/s). No option removes the CRC;
     * a size rule (values from some size on in a second, SST-only family) is the remaining lever, not done yet.
     */
    static final int MIN_BLOB_BYTES = 1024;

    /**
     * Every family's options on top of {@code base} (a fresh {@link ColumnFamilyOptions}, or {@link #withBlobCache}
     * for the large-value families): the shared block cache and Bloom filter, the usage counters' merge operator,
     * level compaction, and the memtable sizes of {@link #memtableBudget}.
     */
    private ColumnFamilyOptions familyOptions(ColumnFamilyOptions base, Settings settings) {
        return base
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setCacheIndexAndFilterBlocks(true))
                // usage counters (UsageLedger): merge operands are 64-bit two's complement deltas added
                // modulo 2^64; families that never merge are unaffected
                .setMergeOperatorName("uint64add")
                .optimizeLevelStyleCompaction()
                // footprint (issue 19): optimizeLevelStyleCompaction() sizes memtables for a 512 MiB budget
                // per family (128 MiB write buffers, flushed two at a time, up to six): hundreds of MiB of
                // RSS in a small-object workload. One budget for all families instead (memtableBudget).
                .setWriteBufferSize(writeBufferBytes(settings))
                .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS)
                .setMinWriteBufferNumberToMerge(1)
                // issue 19, session 19: levels sized for these small write buffers, not for the 512 MiB budget
                // optimizeLevelStyleCompaction() assumes (a 512 MiB base level of 64 MiB files). With that base
                // and dynamic level sizes, every family under 512 MiB was one bottom level, and as versions are
                // keyed all over it, each compaction of two flushed L0 files rewrote the whole family: its cost
                // grew with the family (in a run of ~240k 4 KiB PUTs the versions family's compactions read 628
                // MiB for ~35 MiB of records). A base level of two write buffers in files of half of one keeps
                // most compactions small (L0 into a base level of a few MiB, then one file at a time into the
                // next); four L0 files per compaction instead of two halves their number again, for at most four
                // L0 files' Bloom filters to probe per read. Figures: LEVEL0_COMPACTION_TRIGGER.
                .setLevel0FileNumCompactionTrigger(LEVEL0_COMPACTION_TRIGGER)
                .setMaxBytesForLevelBase(2 * writeBufferBytes(settings))
                .setTargetFileSizeBase(writeBufferBytes(settings) / 2);
    }

    /**
     * L0 files that start a compaction of a family ({@link #familyOptions}; RocksDB's default; 2 before session 19,
     * from {@code optimizeLevelStyleCompaction}). Measured with the levels above, against the old shape (wrk,
     * presigned 4 KiB PUTs to new keys, 64 connections, bench JVM options, ~250k PUTs per run, blob collection as
     * {@link BlobGarbagePolicy}; two runs each): every family's compaction CPU 7.2-8.5 s (old) -> 3.8-4.4 s (base
     * level of 16 MiB in 4 MiB files) -> 2.8-2.9 s (and 4 L0 files); compaction input 1,389-1,841 -> 626-663 ->
     * 491-519 MiB; server CPU per PUT 214-242 -> 196-205 -> 190-193 us.
     */
    static final int LEVEL0_COMPACTION_TRIGGER = 4;

    /**
     * Default family options with a blob cache of {@code capacity} bytes (an LRU cache of its own; see
     * {@link Settings#blobCacheBytes}). RocksJava 10.10 has no {@code setBlobCache}; RocksDB's options parser
     * builds the cache from the {@code blob_cache} option string, the only way to reach it from Java.
     *
     * @throws IllegalStateException if this RocksDB does not parse the option (a build without blob caches)
     */
    static ColumnFamilyOptions withBlobCache(long capacity) {
        java.util.Properties props = new java.util.Properties();
        // the struct form ({capacity=N}: an LRUCache with RocksDB's default LRUCacheOptions otherwise) builds the
        // cache; "lru_cache://capacity=N" parses as well but, an object-registry name this build does not know,
        // is silently ignored and leaves no cache at all (BlobCacheTest checks the capacity RocksDB reports)
        props.setProperty("blob_cache", "{capacity=" + capacity + "}");
        try (ConfigOptions config = new ConfigOptions()) {
            ColumnFamilyOptions options = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(config, props);
            if (options == null) {
                throw new IllegalStateException("RocksDB does not accept a blob cache option");
            }
            return options;
        }
    }

    /**
     * The block cache's shards, as a power of two: one per 16 MiB of capacity at most (one shard for the 23 MiB of a
     * {@code -Xmx256m} server, two from {@code -Xmx512m} up), at most 64.
     *
     * <p>Why not RocksDB's default (shards of at least 512 KiB: 32 of ~720 KiB at 23 MiB): the write buffer manager
     * charges the memtables to this cache ({@link #memtableBudget}) as 256 KiB dummy entries that it holds, so they
     * are never evicted, and each goes to the shard its key hashes to. With ~60 of them (15 MiB) over 32 small shards
     * several shards got three or more, were over their capacity with dummies alone, and dropped every data block
     * hashed to them as soon as its reader released it (an LRU shard over capacity frees an entry on its last
     * release). Those blocks were read from the file on every use, and the event loop's memory-only read
     * ({@link dev.dualkey.storage.MemoryOnly}) of any key in them never succeeded: in the benchmark the root user's
     * record did, so most small GETs fell back to the storage executor (issue 19, session 18:
     * {@code BlockCacheShardsTest}). In large shards the dummies' share evens out. The price is one mutex for all of
     * a small server's lookups (a few per request, each held for well under a microsecond); in session 18's runs
     * one shard and four were within each other's run-to-run spread on every small row but {@code wrk_get4k}
     * (25.0k GETs/s against 26.6k, single invocations), and one was kept because four shards of 5.75 MiB can still
     * be mostly dummies when the memtables are full.
     */
    static int blockCacheShardBits(long capacityBytes) {
        long shards = Math.max(1, capacityBytes / (16L << 20));
        return Math.min(6, 63 - Long.numberOfLeadingZeros(shards));
    }

    /**
     * The memory all families' memtables may hold together: half of {@link Settings#blockCacheBytes}, and charged
     * to the block cache (RocksDB's write buffer manager reserves that memory in the cache), so that the block
     * cache's capacity bounds data blocks, index and filter blocks and memtables together
     * ({@link Settings#blockCacheFor}: 30 MiB with {@code -Xmx256m}, 64 MiB from {@code -Xmx512m} up, of which
     * {@link Settings#blobCacheBytes} is the blob cache's and the rest the block cache's; the budget stayed half the
     * whole figure when the blob cache was taken out of it, so flushes and PUTs are as before). When the memtables reach 7/8 of
     * the budget RocksDB flushes the largest; writes do not stall on the budget itself, only on
     * {@link #MAX_WRITE_BUFFERS} when flushes lag.
     */
    static long memtableBudget(Settings settings) {
        return settings.blockCacheBytes() / 2;
    }

    /**
     * A family's memtables at most (one being written, the others waiting for their flush): the hard bound when
     * flushes lag behind writes, {@code MAX_WRITE_BUFFERS * writeBufferBytes} per written family; a write beyond
     * it is a write stall (retried until {@link Settings#writeDeadline()}).
     */
    static final int MAX_WRITE_BUFFERS = 3;

    /** One family's write buffer: 16 MiB, or half the memtable budget when that is smaller. */
    static long writeBufferBytes(Settings settings) {
        return Math.max(1L << 20, Math.min(16L << 20, memtableBudget(settings) / 2));
    }

    /**
     * Opens the RocksDB instance and its handles (constructor, or reopen under the write lock), with an SST file
     * manager of its own, which lets RocksDB recover by itself from out-of-space background errors once space is
     * freed.
     *
     * <p>Why one manager per instance (issue 17, "fsync 28" after "write 28"): the manager's recovery thread
     * outlives the instance it was started for. Closing that instance only removes it from the manager's list;
     * the thread sleeps on (up to 5 s) before it notices. When the next instance then hits NoSpace, RocksDB
     * (10.10) calls the manager with the instance's mutex held, the manager joins its old thread, and that thread,
     * waking to find the new instance in its list, tries to resume it and waits for the same mutex: a deadlock
     * that hung every read and write of the server. A manager closed with its instance (its destructor wakes and
     * joins the thread, which then has nothing to resume) leaves no such thread behind.
     */
    private void openDb() throws RocksDBException {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        SstFileManager manager = new SstFileManager(Env.getDefault());
        dbOptions.setSstFileManager(manager);
        RocksDB opened;
        try {
            opened = readOnly ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
                    : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        } catch (RocksDBException | RuntimeException e) {
            manager.close();
            throw e;
        }
        sstFileManager = manager;
        Map<String, ColumnFamilyHandle> map = new LinkedHashMap<>();
        for (int i = 0; i < descriptors.size(); i++) {
            String n = new String(descriptors.get(i).getName(), java.nio.charset.StandardCharsets.UTF_8);
            if (wantedNames.contains(n)) {
                map.put(n, handles.get(i));
            }
        }
        db = opened;
        allHandles = handles;
        declared = Collections.unmodifiableMap(map);
    }

    /** Closes open iterators (they then fail with SlowDown), the handles and the RocksDB instance. */
    private void closeDb(boolean invalidateIterators) {
        for (RocksKvIterator<?, ?> it : new ArrayList<>(openIterators)) {
            it.closeNative(invalidateIterators);
        }
        openIterators.clear();
        if (db == null) {
            return;
        }
        try {
            if (!readOnly) {
                db.syncWal();
            }
        } catch (RocksDBException e) {
            LOG.warn("WAL sync on close failed: {}", e.getMessage());
        }
        for (ColumnFamilyHandle h : allHandles) {
            h.close();
        }
        db.close();
        db = null;
        closeSstFileManager();
    }

    /**
     * Closes the closed instance's SST file manager: stops and joins its recovery thread (see {@link #openDb()}).
     * The options keep a reference until the next open replaces it, so the native manager (and its thread) would
     * live on; an empty manager takes the options' place first.
     */
    private void closeSstFileManager() {
        SstFileManager old = sstFileManager;
        sstFileManager = null;
        if (old == null) {
            return;
        }
        try (SstFileManager placeholder = new SstFileManager(Env.getDefault())) {
            dbOptions.setSstFileManager(placeholder);
        } catch (RocksDBException e) {
            LOG.warn("cannot detach the SST file manager of {}: {}", dir, e.getMessage());
        }
        old.close();
    }

    /**
     * After a NoSpace WAL failure RocksDB refuses every write until {@code DB::Resume()}, which RocksJava lacks;
     * reopening does the same (WAL replay, new WAL). Done at the first write after usable space is back above
     * reserve + ballast, under the close lock's write side, so no read or write is in flight. If it fails the DB
     * stays closed and calls fail with StorageFullException until a later write retries.
     */
    private void recoverFromNoSpace() {
        if (stoppedByIoError) {
            recoverFromIoError();
            return;
        }
        if (!stoppedByNoSpace
                || usableSpace() < Math.max(1L << 20, settings.reservedFreeBytes() + settings.ballastBytes())) {
            return;
        }
        // Free space is not proof: an fsync that reported ENOSPC may keep failing. A reopen that fails leaves
        // the database closed (reads fail too), so try only once a probe file can be written and synced.
        if (System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS || !probeWritable()) {
            return;
        }
        closeLock.writeLock().lock();
        try {
            if (!stoppedByNoSpace || closed) {
                return;
            }
            closeDb(true);
            openDb();
            stoppedByNoSpace = false;
            LOG.warn("reopened RocksDB at {} after running out of space", dir);
        } catch (RocksDBException e) {
            LOG.warn("reopening RocksDB at {} after running out of space failed: {}", dir, e.getMessage());
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    /** The handle of a declared family; call under the close lock's read side. */
    ColumnFamilyHandle handle(String family) {
        ensureOpen();
        return declared.get(family);
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> built, T resource) {
        built.add(resource);
        return resource;
    }

    private static void closeAll(List<AutoCloseable> built) {
        for (int i = built.size() - 1; i >= 0; i--) {
            try {
                built.get(i).close();
            } catch (Exception ignored) {
                // best effort while failing to open
            }
        }
    }

    /** Whether this database was opened with {@link #openReadOnly} (every write fails). */
    public boolean readOnly() {
        return readOnly;
    }

    /** The data directory. */
    public Path directory() {
        return dir;
    }

    /** The declared family names, in declaration order. */
    public Set<String> families() {
        return declared.keySet();
    }

    /**
     * A typed table over a declared family. Cheap; tables may be created once and shared.
     *
     * @throws IllegalArgumentException when no module declared {@code family}
     */
    public <K, V> Table<K, V> table(String family, Codec<K> keyCodec, Codec<V> valueCodec) {
        if (!wantedNames.contains(family)) {
            throw new IllegalArgumentException("column family not declared: " + family);
        }
        return new Table<>(this, family, keyCodec, valueCodec);
    }

    /**
     * Atomically applies every change {@code fill} stages, across any tables of this database, as one synced
     * WriteBatch. Nothing is written if {@code fill} throws or the batch is empty.
     *
     * @throws StorageFullException when storing data while the disk is (nearly) full; nothing was written
     * @throws SlowDownException    when writes stayed stalled beyond the write deadline
     * @throws StorageIoException   on any other RocksDB failure
     */
    public void write(Consumer<Batch> fill) {
        write(fill, syncWrite, null);
    }

    /**
     * {@link #write(Consumer)} whose batch also carries {@code ride}'s changes, if it has any pending: staged first,
     * then {@code fill}'s, one synced WriteBatch (issue 19: a spent MFA code and the delete it authorizes). Whether
     * the write succeeded or failed is recorded in the ride (a failure wrote neither); {@link WriteRide#settle()}
     * ends it.
     *
     * @throws IllegalArgumentException when {@code ride} is for another database (nothing is written)
     */
    public void write(WriteRide ride, Consumer<Batch> fill) {
        if (ride == null || !ride.pending()) {
            write(fill, syncWrite, null);
            return;
        }
        if (ride.database() != this) {
            throw new IllegalArgumentException("a ride for " + ride.database().directory() + " cannot go into a "
                    + "write to " + dir);
        }
        write(fill, syncWrite, ride);
    }

    /**
     * Like {@link #write(Consumer)}, but does not wait for the WAL to reach the disk: the batch is in the WAL and
     * visible at once, survives a process crash (the OS holds it), and becomes durable against a power cut with
     * the next synced write to this database (RocksDB syncs every earlier WAL entry with it) or {@link #syncWal()}.
     *
     * <p>For records whose durability may share a synced write that follows (the lifecycle worker's audit records;
     * a consumed MFA code no longer: it rides in its delete's batch, {@link WriteRide}): the caller must call {@link #syncWalThrough(long)} with the returned ticket
     * before it reports success to anyone, which costs nothing when a synced write has begun since this returned.
     *
     * @return this write's durability ticket, for {@link #syncWalThrough(long)}
     */
    public long writeDeferringSync(Consumer<Batch> fill) {
        write(fill, deferredWrite, null);
        return deferredCompleted.incrementAndGet();
    }

    /**
     * Returns once the deferred write with {@code ticket} (and every earlier one) is durable: at once when a synced
     * write or WAL sync that began after it has completed, else after a WAL sync.
     */
    public void syncWalThrough(long ticket) {
        if (!isDurable(ticket)) {
            syncWal();
        }
    }

    /** Whether the deferred write with {@code ticket} is known to be durable. */
    boolean isDurable(long ticket) {
        return deferredDurable.get() >= ticket;
    }

    /**
     * Flushes every family's memtable to SST files and compacts them (tests that scan the raw files for plaintext;
     * an offline tool). Slow on a large database.
     */
    public void flushAndCompact() {
        closeLock.readLock().lock();
        try (org.rocksdb.FlushOptions fo = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            ensureOpen();
            db.flush(fo, allHandles);
            for (ColumnFamilyHandle h : allHandles) {
                db.compactRange(h);
            }
        } catch (RocksDBException e) {
            throw translate("flushAndCompact", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /** Makes every write so far durable (fsync of the WAL, even when nothing is pending). */
    public void syncWal() {
        long covered = deferredCompleted.get();
        closeLock.readLock().lock();
        try {
            ensureOpen();
            db.syncWal();
        } catch (RocksDBException e) {
            throw translate("syncWal", e);
        } finally {
            closeLock.readLock().unlock();
        }
        deferredDurable.accumulateAndGet(covered, Math::max);
    }

    /** @param ride pending changes for this database to stage first (synced writes only), or null */
    private void write(Consumer<Batch> fill, WriteOptions options, WriteRide ride) {
        boolean written = false;
        try {
            if (readOnly) {
                throw new StorageIoException("database " + dir + " is open read-only");
            }
            recoverFromNoSpace();
            boolean restore;
            // staging resolves column family handles, so it runs under the read lock too (a reopen replaces them)
            closeLock.readLock().lock();
            try (WriteBatch wb = new WriteBatch()) {
                Batch batch = new Batch(this, wb);
                if (ride != null) {
                    ride.stageInto(batch);
                }
                fill.accept(batch);
                if (batch.size() == 0) {
                    return;
                }
                // read before the write: every deferred write counted here is earlier in the WAL than this one
                long covered = deferredCompleted.get();
                commit(batch, options);
                written = true;
                if (ride != null) {
                    ride.taken(true);
                }
                if (options == syncWrite) {
                    deferredDurable.accumulateAndGet(covered, Math::max);
                }
                restore = ballastMissing && batch.grows();
            } finally {
                closeLock.readLock().unlock();
            }
            if (restore) {
                restoreBallast();
            }
        } finally {
            if (ride != null && !written) {
                ride.taken(false); // RocksDB writes a batch whole or not at all: neither the ride nor fill's changes
            }
        }
    }

    /** Writes a staged batch; the caller holds the close lock's read side. */
    private void commit(Batch batch, WriteOptions options) {
        {
            ensureOpen();
            if (batch.grows()) {
                checkFreeSpace();
            }
            long deadline = System.nanoTime() + settings.writeDeadline().toNanos();
            long backoffMillis = 1;
            while (true) {
                try {
                    db.write(options, batch.writeBatch());
                    break;
                } catch (RocksDBException e) {
                    if (isWriteStall(e) && System.nanoTime() < deadline) {
                        sleep(backoffMillis);
                        backoffMillis = Math.min(backoffMillis * 2, 50);
                        continue;
                    }
                    if (isIoError(e) && !stoppedByIoError) {
                        stoppedByIoError = true;
                        LOG.error("RocksDB write failed in {}: {} (writes refused until the disk works again; "
                                + "reads go on)", dir, e.getMessage());
                    }
                    if (isNoSpace(e)) {
                        boolean first = !stoppedByNoSpace;
                        stoppedByNoSpace = true;
                        freeSpace.forget();
                        boolean released = releaseBallast(dir);
                        if (released) {
                            // room for the reopen's WAL replay and flush once some space is freed
                            ballastMissing = true;
                        }
                        if (first || released) {
                            // once per episode, whether or not a ballast was left to release (issue 17)
                            LOG.warn("disk full on {}: {}; writes refused until space is back{}", dir,
                                    e.getMessage(), released ? "; released the ballast file" : "");
                        }
                    }
                    throw translate("write", e);
                }
            }
        }
    }

    /** An I/O error other than a full disk (EIO and the like): RocksDB's hard background error. */
    private static boolean isIoError(RocksDBException e) {
        Status s = e.getStatus();
        return s != null && s.getCode() == Status.Code.IOError && !isNoSpace(e);
    }

    /**
     * After an I/O error: reopens (the Resume() RocksJava lacks) once a probe shows the directory writable and
     * syncable again; while the fault lasts, writes fail fast with RocksDB's error and reads go on.
     */
    private void recoverFromIoError() {
        long now = System.nanoTime();
        if (now - lastProbeNanos < PROBE_INTERVAL_NANOS || !probeWritable()) {
            return;
        }
        closeLock.writeLock().lock();
        try {
            if (!stoppedByIoError || closed) {
                return;
            }
            closeDb(true);
            openDb();
            stoppedByIoError = false;
            stoppedByNoSpace = false;
            LOG.warn("reopened RocksDB at {} after an I/O error: writes accepted again", dir);
        } catch (RocksDBException e) {
            lastProbeNanos = System.nanoTime();
            LOG.error("reopening RocksDB at {} after an I/O error failed: {}", dir, e.getMessage());
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    /** Write, fsync, rename and directory fsync of a small file in the database directory; false on failure. */
    private boolean probeWritable() {
        Path tmp = dir.resolve("RECOVERY-PROBE.tmp");
        Path done = dir.resolve("RECOVERY-PROBE");
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[4096]));
                ch.force(true);
            }
            Files.move(tmp, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
            Files.deleteIfExists(done);
            return true;
        } catch (IOException | RuntimeException e) {
            lastProbeNanos = System.nanoTime();
            return false;
        }
    }

    /**
     * A consistent copy of the database as of now in {@code target} (which must not exist): RocksDB's checkpoint,
     * hard links to the immutable SST files where {@code target} is on the same file system, copies otherwise,
     * plus a copy of the live WAL. Runs while writes go on.
     */
    public void checkpoint(Path target) {
        closeLock.readLock().lock();
        try (org.rocksdb.Checkpoint cp = org.rocksdb.Checkpoint.create(dbForCheckpoint())) {
            cp.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw translate("checkpoint to " + target, e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    private RocksDB dbForCheckpoint() {
        ensureOpen();
        return db;
    }

    /**
     * Re-reads every SST file of the database and verifies its block checksums (RocksDB's VerifyChecksum): the
     * metadata half of a scrub. Reads at the disk's speed; the caller bounds when it runs.
     *
     * @throws StorageIoException naming the corrupt file
     */
    public void verifyChecksums() {
        closeLock.readLock().lock();
        try {
            ensureOpen();
            db.verifyChecksum();
        } catch (RocksDBException e) {
            throw translate("verify checksums", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * A RocksDB integer property (metrics): DB-wide ones such as {@code rocksdb.num-running-compactions},
     * {@code rocksdb.is-write-stopped}, {@code rocksdb.actual-delayed-write-rate} as RocksDB reports them;
     * per-family ones ({@code rocksdb.estimate-pending-compaction-bytes}, {@code rocksdb.cur-size-all-mem-tables})
     * summed over every family. -1 when RocksDB does not know the property or the database is closed.
     */
    public long longProperty(String name, boolean sumOverFamilies) {
        closeLock.readLock().lock();
        try {
            if (closed || db == null) {
                return -1;
            }
            return sumOverFamilies ? db.getAggregatedLongProperty(name) : db.getLongProperty(name);
        } catch (RocksDBException e) {
            return -1;
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * Turns RocksDB's blob garbage collection on or off in each large-value family, from the share of its blob
     * files' bytes that is garbage ({@link BlobGarbagePolicy}). The object store calls it every few seconds. The
     * setting is read back from RocksDB each time, so a reopen (which starts from the open-time options: off) is
     * corrected by the next call. Does nothing on a closed or read-only database.
     *
     * @return the families whose setting this call changed, with the new setting
     * @throws StorageIoException when RocksDB refuses to read or change a family's options
     */
    public Map<String, Boolean> tuneBlobGarbageCollection() {
        Map<String, Boolean> changed = new LinkedHashMap<>();
        closeLock.readLock().lock();
        try {
            if (closed || db == null || readOnly) {
                return changed;
            }
            for (String family : largeValueFamilies) {
                ColumnFamilyHandle h = declared.get(family);
                boolean running = db.getOptions(h).enableBlobGarbageCollection();
                long live = db.getLongProperty(h, "rocksdb.live-blob-file-size");
                long garbage = db.getLongProperty(h, "rocksdb.live-blob-file-garbage-size");
                boolean wanted = BlobGarbagePolicy.wanted(running, live, garbage);
                if (wanted != running) {
                    db.setOptions(h, MutableColumnFamilyOptions.builder()
                            .setEnableBlobGarbageCollection(wanted).build());
                    LOG.info("blob garbage collection {} in {}: {} of {} blob file bytes are garbage",
                            wanted ? "on" : "off", family, garbage, live);
                    changed.put(family, wanted);
                }
            }
            return changed;
        } catch (RocksDBException e) {
            throw translate("tuneBlobGarbageCollection", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /** Whether blob garbage collection is on in {@code family} now (tests; {@link #tuneBlobGarbageCollection()}). */
    boolean blobGarbageCollectionRunning(String family) {
        closeLock.readLock().lock();
        try {
            return db.getOptions(handle(family)).enableBlobGarbageCollection();
        } catch (RocksDBException e) {
            throw translate("getOptions", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * A RocksDB integer property of one family ({@code rocksdb.blob-cache-usage}, which only the large-value
     * families have); -1 when RocksDB does not know it or the database is closed.
     */
    long familyProperty(String family, String name) {
        closeLock.readLock().lock();
        try {
            if (closed || db == null) {
                return -1;
            }
            return db.getLongProperty(handle(family), name);
        } catch (RocksDBException e) {
            return -1;
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * A RocksDB map property, numeric values only (metrics). With {@code sumOverFamilies}, the property of every
     * declared family summed key by key ({@code rocksdb.cfstats}: {@code total-stops}, {@code total-delays},
     * {@code compaction.Sum.*}); without, the DB-wide one ({@code rocksdb.dbstats}:
     * {@code db.user_write_stall_micros}, {@code db.wal_syncs}). Empty when closed or unknown.
     */
    public Map<String, Double> mapProperty(String name, boolean sumOverFamilies) {
        Map<String, Double> out = new java.util.TreeMap<>();
        closeLock.readLock().lock();
        try {
            if (closed || db == null) {
                return out;
            }
            List<Map<String, String>> maps = new ArrayList<>();
            if (sumOverFamilies) {
                for (ColumnFamilyHandle h : declared.values()) {
                    maps.add(db.getMapProperty(h, name));
                }
            } else {
                maps.add(db.getMapProperty(name));
            }
            for (Map<String, String> m : maps) {
                for (Map.Entry<String, String> e : m.entrySet()) {
                    try {
                        out.merge(e.getKey(), Double.parseDouble(e.getValue()), Double::sum);
                    } catch (NumberFormatException ignored) {
                        // a text value (none in cfstats today)
                    }
                }
            }
        } catch (RocksDBException e) {
            return out;
        } finally {
            closeLock.readLock().unlock();
        }
        return out;
    }

    /** Total size in bytes of the live SST files (a scrub's metadata share of its progress). */
    public long liveSstBytes() {
        closeLock.readLock().lock();
        try {
            ensureOpen();
            long n = 0;
            for (org.rocksdb.LiveFileMetaData f : db.getLiveFilesMetaData()) {
                n += f.size();
            }
            return n;
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * Bytes held by every family's memtables, mutable, immutable and pinned ({@code rocksdb.size-all-mem-tables}
     * summed): what {@link #memtableBudget} bounds (the memory-bound test, the footprint figures of issue 19).
     */
    long memtableBytes() {
        closeLock.readLock().lock();
        try {
            ensureOpen();
            long n = 0;
            for (ColumnFamilyHandle h : allHandles) {
                n += db.getLongProperty(h, "rocksdb.size-all-mem-tables");
            }
            return n;
        } catch (RocksDBException e) {
            throw translate("memtableBytes", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    private synchronized void restoreBallast() {
        if (ballastMissing && usableSpace() >= settings.ballastBytes() + settings.reservedFreeBytes()) {
            ensureBallast();
        }
    }

    private static boolean isNoSpace(RocksDBException e) {
        Status s = e.getStatus();
        String msg = e.getMessage() == null ? "" : e.getMessage();
        return (s != null && s.getSubCode() == Status.SubCode.NoSpace) || msg.contains("No space left");
    }

    byte[] get(String family, byte[] key) {
        boolean memoryOnly = lockForRead();
        try {
            return db.get(handle(family), memoryOnly ? cachedRead : pointRead, key);
        } catch (RocksDBException e) {
            if (memoryOnly && incomplete(e)) {
                throw new MemoryOnly.WouldBlock("rocksdb get " + family);
            }
            throw translate("get", e);
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /**
     * Takes the close lock's read side; under {@link MemoryOnly} only if it is free now (a reopen holds the write
     * side: the caller falls back instead of waiting). Returns whether the read must stay in memory.
     */
    private boolean lockForRead() {
        if (MemoryOnly.active()) {
            if (!closeLock.readLock().tryLock()) {
                throw new MemoryOnly.WouldBlock("rocksdb close lock");
            }
            return true;
        }
        closeLock.readLock().lock();
        return false;
    }

    /** Status Incomplete: a kBlockCacheTier read needed something not in memory. */
    private static boolean incomplete(RocksDBException e) {
        return e.getStatus() != null && e.getStatus().getCode() == Status.Code.Incomplete;
    }

    <K, V> KvIterator<K, V> iterator(String family, byte[] from, byte[] upper, Codec<K> kc, Codec<V> vc) {
        return iterator(family, from, upper, kc, vc, false);
    }

    /**
     * As {@link #iterator(String, byte[], byte[], Codec, Codec)}; {@code reverse} walks the same bounded range from
     * its last key down to its first (newest-first listings such as the audit log's console page).
     */
    <K, V> KvIterator<K, V> iterator(String family, byte[] from, byte[] upper, Codec<K> kc, Codec<V> vc,
                                     boolean reverse) {
        boolean memoryOnly = lockForRead();
        try {
            RocksKvIterator<K, V> it = new RocksKvIterator<>(handle(family), from, upper, kc, vc, reverse,
                    memoryOnly);
            openIterators.add(it);
            return it;
        } finally {
            closeLock.readLock().unlock();
        }
    }

    /** Usable bytes left on the data directory's file system. */
    public long usableSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            throw new StorageIoException("cannot read free space of " + dir, e);
        }
    }

    /**
     * Refuses data-storing work when the file system is below the reserve; other modules' writers may reuse it.
     * Exact near the reserve; far above it, a reading up to 100 ms old may stand in ({@link FreeSpaceProbe}).
     */
    public void checkFreeSpace() {
        long usable = freeSpace.usableBytes();
        if (usable < settings.reservedFreeBytes()) {
            throw new StorageFullException("disk nearly full: " + usable + " bytes usable, "
                    + settings.reservedFreeBytes() + " reserved");
        }
    }

    private static boolean isWriteStall(RocksDBException e) {
        Status s = e.getStatus();
        return s != null && (s.getCode() == Status.Code.Incomplete || s.getCode() == Status.Code.Busy
                || s.getCode() == Status.Code.TryAgain);
    }

    /** Maps a RocksDB failure to the storage exception a caller can act on. */
    StorageException translate(String what, RocksDBException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        if (isNoSpace(e)) {
            return new StorageFullException("disk full during " + what + ": " + msg, e);
        }
        if (isWriteStall(e)) {
            return new SlowDownException("writes stalled during " + what + ": " + msg, e);
        }
        return new StorageIoException("RocksDB " + what + " failed: " + msg, e);
    }

    private void ensureOpen() {
        if (closed) {
            throw new StorageIoException("database " + dir + " is closed");
        }
        if (db == null) {
            if (stoppedByIoError) {
                throw new SlowDownException("database " + dir + " is recovering from an I/O error; retry later");
            }
            throw new StorageFullException("database " + dir + " is recovering from a full disk; retry later");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlowDownException("interrupted while waiting out a write stall");
        }
    }

    private void ensureBallast() {
        if (settings.ballastBytes() == 0) {
            return;
        }
        Path ballast = dir.resolve(BALLAST);
        try {
            if (Files.exists(ballast) && Files.size(ballast) >= settings.ballastBytes()) {
                ballastMissing = false;
                return;
            }
            if (usableSpace() < settings.ballastBytes() + settings.reservedFreeBytes()) {
                ballastMissing = true; // re-created after a later write, or on open, when space allows
                return;
            }
            // real zero blocks (not a sparse file), so deleting it really frees space
            byte[] zeros = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(ballast, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                for (long n = 0; n < settings.ballastBytes(); n += zeros.length) {
                    out.write(zeros, 0, (int) Math.min(zeros.length, settings.ballastBytes() - n));
                }
            }
            ballastMissing = false;
        } catch (IOException e) {
            ballastMissing = true;
            releaseBallast(dir); // a partial ballast would only hide space
            LOG.warn("cannot create ballast file {}: {}", ballast, e.getMessage());
        }
    }

    private static boolean releaseBallast(Path dir) {
        try {
            return Files.deleteIfExists(dir.resolve(BALLAST));
        } catch (IOException e) {
            return false;
        }
    }

    /** Closes everything in the order documented on the class. Idempotent. */
    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeDb(false);
            syncWrite.close();
            deferredWrite.close();
            pointRead.close();
            largeValueCfOptions.close();
            cfOptions.close();
            dbOptions.close();
            writeBufferManager.close();
            blockCache.close();
            bloomFilter.close();
            LOG.info("closed RocksDB at {}", dir);
        } finally {
            closeLock.writeLock().unlock();
        }
    }

    /** A bounded native iterator; its read options and bound slice live exactly as long as it. */
    private final class RocksKvIterator<K, V> implements KvIterator<K, V> {
        private final ReadOptions readOptions;
        private final Slice upperSlice;
        private final Slice lowerSlice; // reverse iterators only
        private final boolean reverse;
        /** Created under {@link MemoryOnly}: a block not in memory ends the walk with WouldBlock. */
        private final boolean memoryOnly;
        private final RocksIterator it;
        private final Codec<K> kc;
        private final Codec<V> vc;
        private boolean done;
        private boolean invalidated;

        RocksKvIterator(ColumnFamilyHandle cf, byte[] from, byte[] upper, Codec<K> kc, Codec<V> vc,
                        boolean reverse, boolean memoryOnly) {
            this.kc = kc;
            this.vc = vc;
            this.reverse = reverse;
            this.memoryOnly = memoryOnly;
            this.readOptions = new ReadOptions().setVerifyChecksums(true);
            if (memoryOnly) {
                readOptions.setReadTier(ReadTier.BLOCK_CACHE_TIER); // Incomplete instead of a disk read
            }
            this.upperSlice = upper == null ? null : new Slice(upper);
            if (upperSlice != null) {
                readOptions.setIterateUpperBound(upperSlice);
            }
            this.lowerSlice = reverse && from != null ? new Slice(from) : null;
            if (lowerSlice != null) {
                readOptions.setIterateLowerBound(lowerSlice);
            }
            this.it = db.newIterator(cf, readOptions);
            if (reverse) {
                it.seekToLast(); // honours both bounds: the last key below upper, not below from
            } else if (from == null) {
                it.seekToFirst();
            } else {
                it.seek(from);
            }
        }

        @Override
        public boolean hasNext() {
            lockForRead();
            try {
                checkInvalidated();
                if (done || closed) {
                    return false;
                }
                if (it.isValid()) {
                    return true;
                }
                try {
                    it.status();
                } catch (RocksDBException e) {
                    if (memoryOnly && incomplete(e)) {
                        throw new MemoryOnly.WouldBlock("rocksdb iterate");
                    }
                    throw translate("iterate", e);
                }
                return false;
            } finally {
                closeLock.readLock().unlock();
            }
        }

        @Override
        public KvEntry<K, V> next() {
            lockForRead();
            try {
                checkInvalidated();
                if (done || closed || !it.isValid()) {
                    throw new NoSuchElementException();
                }
                KvEntry<K, V> e = new KvEntry<>(kc.decode(it.key()), vc.decode(it.value()));
                if (reverse) {
                    it.prev();
                } else {
                    it.next();
                }
                return e;
            } finally {
                closeLock.readLock().unlock();
            }
        }

        @Override
        public void close() {
            closeLock.readLock().lock();
            try {
                if (openIterators.remove(this)) {
                    closeNative(false);
                }
            } finally {
                closeLock.readLock().unlock();
            }
        }

        private void checkInvalidated() {
            if (invalidated) {
                throw new SlowDownException("database was reopened after running out of space; retry the listing");
            }
        }

        void closeNative(boolean invalidate) {
            if (done) {
                return;
            }
            done = true;
            invalidated = invalidate;
            it.close();
            readOptions.close();
            if (upperSlice != null) {
                upperSlice.close();
            }
            if (lowerSlice != null) {
                lowerSlice.close();
            }
        }
    }
}
