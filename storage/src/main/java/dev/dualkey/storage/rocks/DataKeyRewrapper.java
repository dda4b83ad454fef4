package dev.dualkey.storage.rocks;

import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import dev.dualkey.storage.crypto.SealedLayout;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.keys.StoreKeys;
import dev.dualkey.storage.lock.LockManager;
import dev.dualkey.storage.rocks.StoreRecords.DataKind;
import dev.dualkey.storage.rocks.StoreRecords.VersionRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Master key rotation of object data: re-wraps the data key in the header of every sealed inline value and every
 * sealed blob file that a previous master key wrapped, under the current one ({@link MasterKeyWrapper#rewrapHeader}).
 * Data is never re-encrypted: chunks stay as they are, under the same data key; only the 64 bytes of the wrapped key
 * change. Data keys wrapped by a KMS key or a customer key (SSE-KMS, SSE-C) have other fingerprints and are left
 * alone (a KMS key's material is re-sealed by the key registry instead).
 *
 * <p>Two phases, in this order, each in key order so that a {@link Cursor} (the last item done) resumes it:
 * <ol>
 *   <li>{@code INLINE}: the version records ({@code storage.versions}, raw key order); a {@code SEALED_INLINE}
 *       version's value is rewritten under the bucket's read lock and the key's write lock, in one RocksDB write,
 *       so it never races a write or permanent delete of the same key.</li>
 *   <li>{@code BLOBS}: the published blob files ({@code blobs/XX/ID.s1}, id order, every sealed blob whether a
 *       version's, a part's or a manifest's). A blob is pinned (a concurrent delete waits), copied to a temp file
 *       with the new header (the rest of the file byte for byte), fsynced, and renamed over the old file, then the
 *       shard directory is fsynced. So a crash leaves either the old file or the new one, both readable while the
 *       previous key is held; and a backup that hard-linked the old file keeps the old file (an in-place write
 *       would have changed the backup too).</li>
 * </ol>
 * Every step is idempotent (an item already under the current key is skipped), so a run killed anywhere and started
 * again from its last saved cursor, or from the start, finishes with every data key under the current key.
 */
public final class DataKeyRewrapper {
    /** Items between two cursor saves. */
    static final int CHECKPOINT_EVERY = 16;
    private final RocksObjectStore store;
    private final MasterKeyWrapper keys;
    private long bytesPerSecond;

    /** The phases, in order. */
    public enum Phase { INLINE, BLOBS, DONE }

    /**
     * Where a run is: {@code after} is the last item done in {@code phase} (a raw version key for INLINE, a blob id's
     * UTF-8 for BLOBS), null at the phase's start.
     */
    public record Cursor(Phase phase, byte[] after) {
        public static final Cursor START = new Cursor(Phase.INLINE, null);
    }

    /** Told of progress; {@link #checkpoint} is where the caller persists the cursor. */
    public interface Listener {
        /** Called after each sealed item examined (for progress bars). */
        default void item(long examined) {
        }

        /** Called every {@value #CHECKPOINT_EVERY} items and at each phase's end; persist {@code c} durably. */
        void checkpoint(Cursor c, Report soFar);
    }

    /**
     * @param examined  sealed items looked at
     * @param rewrapped items whose data key was re-wrapped
     * @param failed    items that could not be read or re-wrapped (damaged: the scrub reports them); a run with
     *                  failures must not be followed by retiring the previous key
     */
    public record Report(long examined, long rewrapped, List<String> failed) {
        static final Report EMPTY = new Report(0, 0, List.of());
    }

    private DataKeyRewrapper(RocksObjectStore store, MasterKeyWrapper keys) {
        this.store = store;
        this.keys = keys;
    }

    /**
     * @param objects the data directory's store (an {@code ObjectStore} of another kind has no local data keys:
     *                empty)
     * @param keys    the master key wrapper with the current key and the previous ones
     */
    public static Optional<DataKeyRewrapper> of(ObjectStore objects, MasterKeyWrapper keys) {
        if (objects instanceof RocksObjectStore rocks) {
            return Optional.of(new DataKeyRewrapper(rocks, Objects.requireNonNull(keys, "keys")));
        }
        return Optional.empty();
    }

    /**
     * Copies blob files at most {@code bytesPerSecond} (0: unbounded), so that a rotation of a large store does not
     * starve the requests the server serves meanwhile.
     */
    public DataKeyRewrapper withRate(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("rate must be 0 or positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** How many sealed items (inline values and blob files) the store holds: a run's progress total. */
    public long estimate() {
        long n = 0;
        Table<byte[], byte[]> versions = store.db().table(Schema.VERSIONS, Codecs.BYTES, Codecs.BYTES);
        try (KvIterator<byte[], byte[]> it = versions.scanRaw(null, null)) {
            while (it.hasNext()) {
                try {
                    if (StoreRecords.versionCodec().decode(it.next().value()).kind() == DataKind.SEALED_INLINE) {
                        n++;
                    }
                } catch (RuntimeException bad) {
                    // not counted
                }
            }
        }
        try (Stream<Path> s = Files.walk(store.blobStore().directory(), 2)) {
            n += s.filter(p -> SealedLayout.isSealedBlob(p.getFileName().toString())
                    && p.getParent().getFileName().toString().length() == 2).count();
        } catch (IOException e) {
            // progress only
        }
        return n;
    }

    /** Runs from {@code from} to the end; returns what this run did (not what earlier runs did). */
    public Report run(Cursor from, Listener listener) {
        Run run = new Run(listener);
        Cursor c = from == null ? Cursor.START : from;
        if (c.phase() == Phase.INLINE) {
            inline(run, c.after());
            c = new Cursor(Phase.BLOBS, null);
            listener.checkpoint(c, run.report());
        }
        if (c.phase() == Phase.BLOBS) {
            blobs(run, c.after() == null ? null : new String(c.after(), StandardCharsets.UTF_8));
            c = new Cursor(Phase.DONE, null);
            listener.checkpoint(c, run.report());
        }
        return run.report();
    }

    private static final class Run {
        final Listener listener;
        long examined;
        long rewrapped;
        long sinceCheckpoint;
        final List<String> failed = new ArrayList<>();
        final long startNanos = System.nanoTime();
        long copied;

        Run(Listener listener) {
            this.listener = listener;
        }

        Report report() {
            return new Report(examined, rewrapped, List.copyOf(failed));
        }

        void done(Cursor at) {
            listener.item(examined);
            if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
                sinceCheckpoint = 0;
                listener.checkpoint(at, report());
            }
        }
    }

    // ---- inline values ---------------------------------------------------------------------------------

    private void inline(Run run, byte[] after) {
        Table<byte[], byte[]> versions = store.db().table(Schema.VERSIONS, Codecs.BYTES, Codecs.BYTES);
        byte[] from = after == null ? null : Arrays.copyOf(after, after.length + 1); // the successor of after
        try (KvIterator<byte[], byte[]> it = versions.scanRaw(from, null)) {
            while (it.hasNext()) {
                KvEntry<byte[], byte[]> e = it.next();
                VersionRecord rec;
                try {
                    rec = StoreRecords.versionCodec().decode(e.value());
                } catch (RuntimeException bad) {
                    continue; // unreadable record: the scrub's finding, nothing to re-wrap
                }
                if (rec.kind() != DataKind.SEALED_INLINE) {
                    continue;
                }
                run.examined++;
                int zero = indexOfZero(e.key());
                String bucket = new String(e.key(), 0, zero, StandardCharsets.UTF_8);
                String key = StoreKeys.decodeKey(e.key(), zero + 1);
                try {
                    if (rewrapInline(bucket, key, e.key(), rec.seq())) {
                        run.rewrapped++;
                    }
                } catch (StorageException | IllegalStateException ex) {
                    run.failed.add("inline " + bucket + "/" + key + ": " + ex.getMessage());
                }
                run.done(new Cursor(Phase.INLINE, e.key()));
            }
        }
    }

    private static int indexOfZero(byte[] raw) {
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                return i;
            }
        }
        throw new IllegalStateException("version key without a bucket terminator");
    }

    private boolean rewrapInline(String bucket, String key, byte[] versionKey, byte[] seq) {
        LockManager locks = store.lockManager();
        try (LockManager.Held b = locks.bucketRead(bucket); LockManager.Held k = locks.keyWrite(bucket, key)) {
            Table<byte[], byte[]> versions = store.db().table(Schema.VERSIONS, Codecs.BYTES, Codecs.BYTES);
            Table<byte[], byte[]> inline = store.db().table(Schema.INLINE, Codecs.BYTES, Codecs.BYTES);
            if (versions.get(versionKey).isEmpty()) {
                return false; // permanently deleted since the scan saw it
            }
            Optional<byte[]> value = inline.get(seq);
            if (value.isEmpty()) {
                return false;
            }
            byte[] v = value.get();
            byte[] header = keys.rewrapHeader(Arrays.copyOf(v, SealedLayout.HEADER_BYTES),
                    SealedLayout.inlineContext(bucket, key));
            if (header == null) {
                return false; // already current, or a KMS / customer key's
            }
            byte[] next = v.clone();
            System.arraycopy(header, 0, next, 0, SealedLayout.HEADER_BYTES);
            store.db().write(batch -> inline.put(batch, seq, next));
            return true;
        }
    }

    // ---- blob files ------------------------------------------------------------------------------------

    private void blobs(Run run, String after) {
        BlobStore blobs = store.blobStore();
        Path dir = blobs.directory();
        List<String> shards = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> Files.isDirectory(p)
                && p.getFileName().toString().length() == 2)) {
            s.forEach(p -> shards.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        shards.sort(null);
        for (String shard : shards) {
            if (after != null && shard.compareTo(after.substring(0, 2)) < 0) {
                continue;
            }
            List<String> ids = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve(shard))) {
                for (Path p : s) {
                    String id = p.getFileName().toString();
                    if (SealedLayout.isSealedBlob(id) && (after == null || id.compareTo(after) > 0)) {
                        ids.add(id);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + dir.resolve(shard) + ": " + e.getMessage(), e);
            }
            ids.sort(null);
            for (String id : ids) {
                run.examined++;
                try {
                    long size = rewrapBlob(blobs, id);
                    if (size >= 0) {
                        run.rewrapped++;
                        run.copied += size;
                        pace(run);
                    }
                } catch (IOException | StorageException | IllegalStateException ex) {
                    run.failed.add("blob " + id + ": " + ex.getMessage());
                }
                run.done(new Cursor(Phase.BLOBS, id.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    /** Sleeps until the bytes copied so far fit the rate (an admin thread: never an event loop). */
    private void pace(Run run) {
        if (bytesPerSecond <= 0) {
            return;
        }
        long dueNanos = run.copied * 1_000_000_000L / bytesPerSecond;
        long ahead = dueNanos - (System.nanoTime() - run.startNanos);
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("master key rotation interrupted", e);
            }
        }
    }

    /** Re-wraps one blob file's data key; returns its size, or -1 when it needed none or is gone. */
    private long rewrapBlob(BlobStore blobs, String id) throws IOException {
        blobs.pin(List.of(id)); // a delete from now on waits for the unpin, so the rename cannot bring a file back
        try {
            Path file = blobs.pathOf(id);
            byte[] head = new byte[SealedLayout.HEADER_BYTES];
            Path tmp = blobs.directory().resolve("tmp").resolve(id + ".rekey.tmp");
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer h = ByteBuffer.wrap(head);
                while (h.hasRemaining()) {
                    if (in.read(h, h.position()) < 0) {
                        throw new IllegalStateException("sealed blob shorter than its header");
                    }
                }
                byte[] header = keys.rewrapHeader(head, SealedLayout.blobContext(id));
                if (header == null) {
                    return -1;
                }
                Files.deleteIfExists(tmp);
                try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), OwnerOnlyFiles.fileAttributes())) {
                    ByteBuffer hb = ByteBuffer.wrap(header);
                    while (hb.hasRemaining()) {
                        out.write(hb);
                    }
                    long size = in.size();
                    long pos = SealedLayout.HEADER_BYTES;
                    while (pos < size) {
                        long n = in.transferTo(pos, size - pos, out);
                        if (n <= 0) {
                            throw new IOException("short copy of blob " + id);
                        }
                        pos += n;
                    }
                    out.force(true);
                }
            } catch (NoSuchFileException gone) {
                return -1; // deleted before the pin
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // some file systems cannot fsync a directory
            }
            return Files.size(file);
        } finally {
            blobs.unpin(List.of(id));
        }
    }
}
