package dev.dualkey.storage.rocks;

import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.crypto.SealedReader;
import dev.dualkey.storage.error.DataCorruptionException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.rocks.StoreRecords.DataKind;
import dev.dualkey.storage.rocks.StoreRecords.ManifestEntry;
import dev.dualkey.storage.rocks.StoreRecords.PartRecord;
import dev.dualkey.storage.rocks.StoreRecords.VersionRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Scrub: re-reads every version's bytes and metadata of a data directory at a bounded rate and reports what is
 * damaged or orphaned, so that bad sectors are found before anyone needs the data. Works on a running server's
 * open store ({@link StorageEngine#scrubber()}: readers pin the blobs they read, so a concurrent delete cannot make
 * a version look damaged) or offline on a directory opened read-only ({@link #offline(Path)}: nothing is written,
 * so a scrub killed at any moment changes nothing).
 *
 * <p>Checks, in order: the block checksums of every SST file (RocksDB's VerifyChecksum: the metadata); every
 * version record decodes, and its data ({@link #verifyVersion}); every part of an upload in progress; every
 * blob reference names an existing file; every blob file is referenced (an orphan: a crash between publishing a
 * blob and committing its metadata leaves one, which the next start collects; online only files older than
 * {@link #ORPHAN_GRACE} count, younger ones may be a commit in flight).
 *
 * <p>{@link #verifyVersion} is the one place that knows how a version's bytes are stored and what proves them
 * intact. Data sealed at rest ({@link SealedLayout}: blob ids ending {@link SealedLayout#BLOB_ID_SUFFIX}, the
 * {@code SEALED_INLINE} data kind) is opened with the {@link SealedReader} and the store's key wrapper: the header,
 * the stored length, the wrapped data key and every chunk's GCM tag are checked (any failure is {@link
 * Problem#WRONG_CHECKSUM}), then the plaintext is hashed and compared with the ETag as for plain data. A version
 * sealed with a customer's key (SSE-C: its data key is wrapped by a key derived from a key the server never stores)
 * cannot be decrypted, and GCM tags cannot be checked without the data key: for those only the header and the
 * stored length are checked, and the version is counted in {@link Report#unverifiable()}, never reported as
 * damaged. The same holds for sealed data when the scrubber has no key wrapper at all (offline, no master key).
 */
public final class StoreScrubber implements AutoCloseable {
    /** Online, blob files younger than this without a reference may belong to a commit in flight. */
    public static final Duration ORPHAN_GRACE = Duration.ofMinutes(1);
    private static final int CHUNK = 256 * 1024;
    private static final HexFormat HEX = HexFormat.of();
    /**
     * The attribute an SSE-C version carries (the gateway's {@code sse.CustomerKey.ALGORITHM_ATTRIBUTE}): its data
     * keys are wrapped by the customer's key, so the scrub cannot decrypt it.
     */
    static final String CUSTOMER_KEY_ATTRIBUTE = "x-amz-server-side-encryption-customer-algorithm";

    /** What is wrong with an item. */
    public enum Problem {
        /** An SST file of the metadata database failed its block checksums. */
        CORRUPT_METADATA,
        /** A version or part record does not decode. */
        UNREADABLE_RECORD,
        /** The inline bytes or the manifest of a version are missing. */
        MISSING_DATA,
        /** A blob file a version or part references does not exist. */
        MISSING_BLOB,
        /** The stored bytes have another length than the metadata says. */
        WRONG_SIZE,
        /** The stored bytes do not hash to the recorded ETag (MD5). */
        WRONG_CHECKSUM,
        /** Reading the bytes failed (EIO...). */
        READ_ERROR,
        /** A blob reference entry names no file. */
        DANGLING_REFERENCE,
        /** A blob file nothing references. */
        ORPHAN_BLOB
    }

    /** One damaged or orphaned item; fields that do not apply are null. */
    public record Finding(Problem problem, String bucket, String key, String versionId, String blobId,
                          String detail) {
        public Finding {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /** Receives progress (bytes re-read of the estimated total) and each finding as it is found. */
    public interface Listener {
        default void progress(long bytesDone, long bytesTotal) {
        }

        default void finding(Finding f) {
        }
    }

    /**
     * The outcome.
     *
     * @param versions versions and delete markers checked
     * @param parts    parts of uploads in progress checked
     * @param bytes    bytes re-read (object data and SST files)
     * @param blobs    blob files seen
     * @param unverifiable sealed versions and parts whose header and length were checked but whose chunks could not
     *                 be (SSE-C: not verifiable without the customer key; or no master key given); not damage
     */
    public record Report(long versions, long parts, long bytes, long blobs, List<Finding> findings,
                         long unverifiable) {
        public Report(long versions, long parts, long bytes, long blobs, List<Finding> findings) {
            this(versions, parts, bytes, blobs, findings, 0);
        }

        public boolean clean() {
            return findings.isEmpty();
        }
    }

    private final RocksDatabase db;
    private final Path blobDir;
    private final BlobStore blobs; // null offline: nothing can change under an offline scrub
    private final Clock clock;
    private final boolean ownsDatabase;
    private final KeyWrapper keys; // null: sealed data can only be checked for structure
    private final Table<String, byte[]> bucketTable;
    private final Table<byte[], byte[]> versions;
    private final Table<byte[], byte[]> inline;
    private final Table<byte[], List<ManifestEntry>> manifests;
    private final Table<byte[], byte[]> parts;
    private final Table<String, byte[]> blobRefs;

    StoreScrubber(RocksDatabase db, Path blobDir, BlobStore blobs, Clock clock, boolean ownsDatabase) {
        this(db, blobDir, blobs, clock, ownsDatabase, null);
    }

    StoreScrubber(RocksDatabase db, Path blobDir, BlobStore blobs, Clock clock, boolean ownsDatabase,
                  KeyWrapper keys) {
        this.keys = keys;
        this.db = db;
        this.blobDir = blobDir;
        this.blobs = blobs;
        this.clock = clock;
        this.ownsDatabase = ownsDatabase;
        this.bucketTable = db.table(Schema.BUCKETS, Codecs.UTF8, Codecs.BYTES);
        this.versions = db.table(Schema.VERSIONS, Codecs.BYTES, Codecs.BYTES);
        this.inline = db.table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
        this.manifests = db.table(Schema.MANIFESTS, Codecs.BYTES, StoreRecords.manifestCodec());
        this.parts = db.table(Schema.PARTS, Codecs.BYTES, Codecs.BYTES);
        this.blobRefs = db.table(Schema.BLOB_REFS, Codecs.UTF8, Codecs.BYTES);
    }

    /**
     * A scrubber over a data directory no server holds, opened read-only ({@code <dataDir>/db}, {@code
     * <dataDir>/blobs}); close it to close the database.
     */
    public static StoreScrubber offline(Path dataDir) {
        return offline(dataDir, null);
    }

    /**
     * As {@link #offline(Path)}, opening sealed data with {@code keys} (the master key's wrapper; null: sealed
     * versions are checked for structure only and counted as unverifiable).
     */
    public static StoreScrubber offline(Path dataDir, KeyWrapper keys) {
        RocksDatabase db = RocksDatabase.openReadOnly(dataDir.resolve("db"), Schema.FAMILIES);
        return new StoreScrubber(db, dataDir.resolve("blobs"), null, Clock.systemUTC(), true, keys);
    }

    @Override
    public void close() {
        if (ownsDatabase) {
            db.close();
        }
    }

    /**
     * Runs the scrub.
     *
     * @param bytesPerSecond upper bound of the re-read rate (0: unbounded)
     */
    public Report run(long bytesPerSecond, Listener listener) {
        Run run = new Run(bytesPerSecond, listener);
        run.total = db.liveSstBytes() + estimateDataBytes();
        listener.progress(0, run.total);
        try {
            db.verifyChecksums();
        } catch (StorageException e) {
            run.report(new Finding(Problem.CORRUPT_METADATA, null, null, null, null, e.getMessage()));
        }
        run.advance(db.liveSstBytes());
        for (String bucket : bucketNames()) {
            byte[] prefix = StoreKeys.bucketPrefix(bucket);
            try (KvIterator<byte[], byte[]> it = versions.scanRaw(prefix, Bounds.prefixUpperBound(prefix))) {
                while (it.hasNext()) {
                    KvEntry<byte[], byte[]> e = it.next();
                    run.versions++;
                    String key;
                    VersionRecord rec;
                    try {
                        key = StoreKeys.decodeKey(e.key(), prefix.length);
                        rec = StoreRecords.versionCodec().decode(e.value());
                    } catch (RuntimeException bad) {
                        run.report(new Finding(Problem.UNREADABLE_RECORD, bucket, null, null, null,
                                "version record: " + bad.getMessage()));
                        continue;
                    }
                    verifyVersion(run, bucket, key, e.key(), rec);
                }
            }
        }
        verifyParts(run);
        verifyReferences(run);
        run.listener.progress(run.done, Math.max(run.total, run.done));
        return new Report(run.versions, run.parts, run.done, run.blobFiles, List.copyOf(run.findings),
                run.unverifiable);
    }

    private List<String> bucketNames() {
        List<String> names = new ArrayList<>();
        try (KvIterator<String, byte[]> it = bucketTable.scanRaw(null, null)) {
            while (it.hasNext()) {
                names.add(it.next().key());
            }
        }
        return names;
    }

    private long estimateDataBytes() {
        long n = 0;
        try (KvIterator<byte[], byte[]> it = versions.scanRaw(null, null)) {
            while (it.hasNext()) {
                try {
                    n += StoreRecords.versionCodec().decode(it.next().value()).size();
                } catch (RuntimeException ignored) {
                    // reported by the scrub itself
                }
            }
        }
        return n;
    }

    /**
     * Verifies one version's stored bytes against its metadata: inline bytes or blob files exist, have the
     * recorded size, and hash to the recorded ETag (MD5 of a single-part object; for a multipart object the MD5
     * of its parts' MD5s, when the ETag says how many parts and the manifest has that many blobs). This is the
     * storage-level verify method: a new data format changes what is checked here, nowhere else. Data sealed at
     * rest (a sealed blob's file is longer than the object, a sealed inline value is its own data kind) is opened
     * with the {@link SealedReader}, which checks every chunk's tag (a failure is WRONG_CHECKSUM), and the
     * plaintext is hashed; SSE-C versions are checked for structure only (see the class comment).
     */
    void verifyVersion(Run run, String bucket, String key, byte[] versionKey, VersionRecord rec) {
        if (rec.deleteMarker() || rec.kind() == DataKind.NONE) {
            return;
        }
        String vid = rec.versionId();
        boolean customerKey = rec.metadata() != null && rec.metadata().attribute(CUSTOMER_KEY_ATTRIBUTE) != null;
        if (rec.kind() == DataKind.SEALED_INLINE) {
            verifySealedInline(run, bucket, key, vid, versionKey, rec, customerKey);
            return;
        }
        if (rec.kind() == DataKind.INLINE) {
            Optional<byte[]> data = inline.get(rec.seq());
            if (data.isEmpty() && goneSince(versionKey)) {
                return; // permanently deleted since the iterator saw it: nothing to verify
            }
            if (data.isEmpty()) {
                run.report(new Finding(Problem.MISSING_DATA, bucket, key, vid, null, "inline bytes missing"));
                return;
            }
            run.limit(data.get().length);
            run.advance(data.get().length);
            if (data.get().length != rec.size()) {
                run.report(new Finding(Problem.WRONG_SIZE, bucket, key, vid, null,
                        data.get().length + " bytes stored, " + rec.size() + " recorded"));
            } else if (singlePart(rec.etag()) && !rec.etag().equals(HEX.formatHex(md5().digest(data.get())))) {
                run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, null, "MD5 differs from ETag"));
            }
            return;
        }
        List<ManifestEntry> entries;
        if (rec.kind() == DataKind.BLOB) {
            entries = List.of(new ManifestEntry(rec.blobId(), rec.size()));
        } else if (rec.kind() != DataKind.MANIFEST) {
            // a data format this method does not know yet: say so rather than pass it unchecked
            run.report(new Finding(Problem.UNREADABLE_RECORD, bucket, key, vid, null,
                    "data kind " + rec.kind() + " cannot be verified by this scrub"));
            return;
        } else {
            Optional<List<ManifestEntry>> m = manifests.get(rec.seq());
            if (m.isEmpty() && goneSince(versionKey)) {
                return; // permanently deleted since the iterator saw it
            }
            if (m.isEmpty()) {
                run.report(new Finding(Problem.MISSING_DATA, bucket, key, vid, null, "manifest missing"));
                return;
            }
            entries = m.get();
        }
        List<String> ids = entries.stream().map(ManifestEntry::blobId).toList();
        if (blobs != null) {
            blobs.pin(ids);
        }
        try {
            if (blobs != null && versions.get(versionKey).isEmpty()) {
                return; // deleted since the iterator saw it: nothing to verify
            }
            MessageDigest whole = md5();
            MessageDigest ofParts = md5();
            long total = 0;
            boolean unverified = false;
            for (ManifestEntry e : entries) {
                Optional<byte[]> digest = readBlob(run, bucket, key, vid, e.blobId(), e.size(), whole, customerKey);
                if (digest.isEmpty()) {
                    return;
                }
                unverified |= digest.get() == UNVERIFIED;
                ofParts.update(digest.get());
                total += e.size();
            }
            if (unverified && total == rec.size()) {
                run.unverifiable++; // structure and sizes checked; tags and ETag need the customer's key
            } else if (total != rec.size()) {
                run.report(new Finding(Problem.WRONG_SIZE, bucket, key, vid, null,
                        "blobs hold " + total + " bytes, " + rec.size() + " recorded"));
            } else if (singlePart(rec.etag())) {
                if (!rec.etag().equals(HEX.formatHex(whole.digest()))) {
                    run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, null, "MD5 differs from ETag"));
                }
            } else if (rec.etag().endsWith("-" + entries.size())) {
                String expected = HEX.formatHex(ofParts.digest()) + "-" + entries.size();
                if (!rec.etag().equals(expected)) {
                    run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, null,
                            "parts' MD5s differ from the multipart ETag"));
                }
            }
        } finally {
            if (blobs != null) {
                blobs.unpin(ids);
            }
        }
    }

    private static boolean singlePart(String etag) {
        return etag != null && etag.length() == 32 && etag.indexOf('-') < 0;
    }

    /** Marks a sealed blob whose structure was checked but whose chunks could not be (compared by identity). */
    private static final byte[] UNVERIFIED = new byte[0];

    /**
     * Reads one blob file at the bounded rate, feeding {@code whole} with its plaintext; checks its length.
     * Returns the blob's own MD5 (of the plaintext), {@link #UNVERIFIED}, or empty after reporting a finding.
     */
    private Optional<byte[]> readBlob(Run run, String bucket, String key, String vid, String blobId, long size,
                                      MessageDigest whole, boolean customerKey) {
        run.seen.add(blobId);
        Path file = blobPath(blobId);
        if (SealedLayout.isSealedBlob(blobId)) {
            return readSealedBlob(run, bucket, key, vid, blobId, size, whole, customerKey, file);
        }
        MessageDigest own = md5();
        long read = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    break;
                }
                buf.flip();
                own.update(buf.duplicate());
                whole.update(buf);
                read += n;
                run.limit(n);
                run.advance(n);
            }
        } catch (NoSuchFileException e) {
            run.report(new Finding(Problem.MISSING_BLOB, bucket, key, vid, blobId, "no file " + file));
            return Optional.empty();
        } catch (IOException e) {
            run.report(new Finding(Problem.READ_ERROR, bucket, key, vid, blobId, e.getMessage()));
            return Optional.empty();
        }
        if (read != size) {
            run.report(new Finding(Problem.WRONG_SIZE, bucket, key, vid, blobId,
                    "blob holds " + read + " bytes, " + size + " recorded"));
            return Optional.empty();
        }
        return Optional.of(own.digest());
    }

    /**
     * A sealed blob: header and stored length, then (when the data key can be unwrapped) every chunk's tag while
     * the plaintext feeds {@code whole}. Returns the plaintext's MD5, {@link #UNVERIFIED} when only the structure
     * could be checked, or empty after reporting a finding.
     */
    private Optional<byte[]> readSealedBlob(Run run, String bucket, String key, String vid, String blobId, long size,
                                            MessageDigest whole, boolean customerKey, Path file) {
        long advanced = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long stored = ch.size();
            SealedReader.Source source = ch::read;
            String what = "bucket=" + bucket + " key=" + key + " version=" + vid + " blob " + blobId;
            Optional<Boolean> decryptable = checkSealedStructure(run, bucket, key, vid, blobId, size, source, stored,
                    customerKey);
            if (decryptable.isEmpty()) {
                run.advance(size);
                return Optional.empty();
            }
            if (!decryptable.get()) {
                run.advance(size);
                return Optional.of(UNVERIFIED);
            }
            MessageDigest own = md5();
            SealedReader r = SealedReader.open(keys, SealedLayout.blobContext(blobId), size, source, stored, what);
            if (size == 0) {
                r.readAll(); // checks the tag of the one empty chunk
                return Optional.of(own.digest());
            }
            var chunks = r.range(0, size);
            for (ByteBuffer b = chunks.next(); b != null; b = chunks.next()) {
                int n = b.remaining();
                run.limit(n + SealedLayout.TAG_BYTES);
                own.update(b.duplicate());
                whole.update(b);
                run.advance(n);
                advanced += n;
            }
            return Optional.of(own.digest());
        } catch (NoSuchFileException e) {
            run.report(new Finding(Problem.MISSING_BLOB, bucket, key, vid, blobId, "no file " + file));
        } catch (DataCorruptionException e) {
            run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, blobId, e.getMessage()));
        } catch (IOException | StorageIoException e) {
            run.report(new Finding(Problem.READ_ERROR, bucket, key, vid, blobId, e.getMessage()));
        }
        run.advance(size - advanced); // the rest of a damaged blob is not read: count it done for progress
        return Optional.empty();
    }

    /**
     * Checks a sealed header and the stored length. Returns true when the chunks can be decrypted with {@link
     * #keys}, false when they cannot and that is no damage (SSE-C, or no key wrapper given), empty after reporting
     * a finding (damaged header, wrong length, a data key wrapped by a master key this scrub does not hold).
     */
    private Optional<Boolean> checkSealedStructure(Run run, String bucket, String key, String vid, String blobId,
                                                   long size, SealedReader.Source source, long stored,
                                                   boolean customerKey) throws IOException {
        byte[] head = new byte[SealedLayout.HEADER_BYTES];
        ByteBuffer dst = ByteBuffer.wrap(head);
        while (dst.hasRemaining()) {
            if (source.read(dst, dst.position()) < 0) {
                run.report(new Finding(Problem.WRONG_SIZE, bucket, key, vid, blobId, "sealed data of " + stored
                        + " bytes is shorter than its header"));
                return Optional.empty();
            }
        }
        int shift;
        try {
            shift = SealedLayout.checkHeader(head);
        } catch (DataCorruptionException e) {
            run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, blobId, e.getMessage()));
            return Optional.empty();
        }
        long expected = SealedLayout.sealedLength(size, shift);
        if (stored != expected) {
            run.report(new Finding(Problem.WRONG_SIZE, bucket, key, vid, blobId, "sealed data holds " + stored
                    + " bytes, " + expected + " expected for " + size + " recorded"));
            return Optional.empty();
        }
        if (customerKey || keys == null) {
            return Optional.of(false);
        }
        int fingerprint = SealedLayout.keyFingerprint(head);
        if (!keys.knows(fingerprint)) {
            run.report(new Finding(Problem.READ_ERROR, bucket, key, vid, blobId, "data key wrapped by a master key"
                    + " this server does not hold (fingerprint " + Integer.toHexString(fingerprint) + ")"));
            return Optional.empty();
        }
        return Optional.of(true);
    }

    /**
     * Whether the version record at {@code versionKey} is gone now: on an open store the version iterator and the
     * reads of its data are not one snapshot, so data missing for a version that a permanent delete removed
     * meanwhile is no finding (its record goes in the same write as its data). Data missing under a record that is
     * still there is.
     */
    private boolean goneSince(byte[] versionKey) {
        return versions.get(versionKey).isEmpty();
    }

    /** A sealed inline value: structure, then tags and the plaintext's MD5 against the ETag. */
    private void verifySealedInline(Run run, String bucket, String key, String vid, byte[] versionKey,
                                    VersionRecord rec, boolean customerKey) {
        Optional<byte[]> data = inline.get(rec.seq());
        if (data.isEmpty() && goneSince(versionKey)) {
            return; // permanently deleted since the iterator saw it
        }
        if (data.isEmpty()) {
            run.report(new Finding(Problem.MISSING_DATA, bucket, key, vid, null, "inline bytes missing"));
            return;
        }
        byte[] sealed = data.get();
        run.limit(sealed.length);
        SealedReader.Source source = (dst, pos) -> {
            if (pos >= sealed.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), sealed.length - pos);
            dst.put(sealed, (int) pos, n);
            return n;
        };
        try {
            Optional<Boolean> decryptable = checkSealedStructure(run, bucket, key, vid, null, rec.size(), source,
                    sealed.length, customerKey);
            run.advance(rec.size());
            if (decryptable.isEmpty()) {
                return;
            }
            if (!decryptable.get()) {
                run.unverifiable++;
                return;
            }
            byte[] plain = SealedReader.open(keys, SealedLayout.inlineContext(bucket, key), rec.size(), source,
                    sealed.length, "bucket=" + bucket + " key=" + key + " version=" + vid + " inline").readAll();
            if (singlePart(rec.etag()) && !rec.etag().equals(HEX.formatHex(md5().digest(plain)))) {
                run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, null, "MD5 differs from ETag"));
            }
        } catch (DataCorruptionException e) {
            run.report(new Finding(Problem.WRONG_CHECKSUM, bucket, key, vid, null, e.getMessage()));
        } catch (IOException | StorageIoException e) {
            run.report(new Finding(Problem.READ_ERROR, bucket, key, vid, null, e.getMessage()));
        }
    }

    private void verifyParts(Run run) {
        try (KvIterator<byte[], byte[]> it = parts.scanRaw(null, null)) {
            while (it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                run.parts++;
                PartRecord p;
                try {
                    p = StoreRecords.partCodec().decode(e.value());
                } catch (RuntimeException bad) {
                    run.report(new Finding(Problem.UNREADABLE_RECORD, null, null, null, null,
                            "part record: " + bad.getMessage()));
                    continue;
                }
                if (blobs != null) {
                    blobs.pin(List.of(p.blobId()));
                }
                try {
                    if (blobs != null && parts.get(e.key()).isEmpty()) {
                        continue; // completed or aborted meanwhile
                    }
                    String where = "part " + StoreKeys.partNumberOf(e.key());
                    Optional<byte[]> digest = readBlob(run, null, null, null, p.blobId(), p.size(), md5(), false);
                    if (digest.isPresent() && digest.get() == UNVERIFIED) {
                        run.unverifiable++;
                    } else if (digest.isPresent() && singlePart(p.etag())
                            && !p.etag().equals(HEX.formatHex(digest.get()))) {
                        run.report(new Finding(Problem.WRONG_CHECKSUM, null, null, null, p.blobId(),
                                where + ": MD5 differs from its ETag"));
                    }
                } finally {
                    if (blobs != null) {
                        blobs.unpin(List.of(p.blobId()));
                    }
                }
            }
        }
    }

    private void verifyReferences(Run run) {
        try (KvIterator<String, byte[]> it = blobRefs.scanRaw(null, null)) {
            while (it.hasNext()) {
                String id = it.next().key();
                if (!Files.exists(blobPath(id)) && blobRefs.get(id).isPresent()) {
                    run.report(new Finding(Problem.DANGLING_REFERENCE, null, null, null, id,
                            "blob reference without a file"));
                }
            }
        }
        Instant cutoff = clock.instant().minus(ORPHAN_GRACE);
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(blobDir, p -> Files.isDirectory(p)
                && p.getFileName().toString().length() == 2)) {
            for (Path shard : shards) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path f : files) {
                        run.blobFiles++;
                        String id = f.getFileName().toString();
                        if (blobRefs.get(id).isPresent()) {
                            continue;
                        }
                        try {
                            if (blobs != null && !Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                                continue; // may be a commit in flight
                            }
                        } catch (NoSuchFileException gone) {
                            continue;
                        }
                        run.report(new Finding(Problem.ORPHAN_BLOB, null, null, null, id,
                                "no metadata references " + f + " (removed at the next start)"));
                    }
                }
            }
        } catch (NoSuchFileException e) {
            // no blob directory yet: nothing to check
        } catch (IOException e) {
            run.report(new Finding(Problem.READ_ERROR, null, null, null, null, "listing " + blobDir + ": "
                    + e.getMessage()));
        }
    }

    private Path blobPath(String blobId) {
        return blobDir.resolve(blobId.substring(0, Math.min(2, blobId.length()))).resolve(blobId);
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** State of one run: counters, findings, the rate bound. */
    final class Run {
        final long bytesPerSecond;
        final Listener listener;
        final List<Finding> findings = new ArrayList<>();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        final long started = System.nanoTime();
        long total;
        long done;
        long limited;
        long versions;
        long parts;
        long blobFiles;
        long unverifiable;

        Run(long bytesPerSecond, Listener listener) {
            this.bytesPerSecond = bytesPerSecond;
            this.listener = listener;
        }

        void report(Finding f) {
            findings.add(f);
            listener.finding(f);
        }

        void advance(long n) {
            done += n;
            listener.progress(done, Math.max(total, done));
        }

        /** Sleeps as long as reading {@code n} more bytes would exceed the rate bound. */
        void limit(long n) {
            if (bytesPerSecond <= 0) {
                return;
            }
            limited += n;
            long dueNanos = (long) (limited * 1e9 / bytesPerSecond);
            long ahead = dueNanos - (System.nanoTime() - started);
            if (ahead > 1_000_000) {
                try {
                    Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("scrub interrupted");
                }
            }
        }
    }
}
