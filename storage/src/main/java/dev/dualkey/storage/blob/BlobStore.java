package dev.dualkey.storage.blob;

import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.error.RequestTimeoutException;
import dev.dualkey.storage.error.StorageFullException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable blob files holding object data above the inline threshold and multipart parts.
 *
 * <p>Layout: {@code <dir>/<first 2 hex digits>/<32 hex digits>[suffix]} for published blobs (suffix {@code .s1}:
 * encrypted, see {@code crypto.SealedLayout}), {@code <dir>/tmp/*.tmp} for blobs being written. Publishing is:
 * write temp -> {@code fsync} file -> atomic rename into place -> {@code fsync} the target directory; only then may metadata referencing the blob be committed. So after any crash a committed
 * reference always finds its file, and a file without reference is an orphan that {@link #collectGarbage} removes.
 *
 * <p>Abandoned writes: a writer that is never committed, aborted or closed (a leaked writer, a stuck client)
 * would keep its temp file, and its open channel, for ever. Every unfinished {@link BlobOutput} is tracked with
 * the time of its last write; {@link #reapAbandoned()} (run periodically by the store) closes and deletes those idle
 * for longer than the abandoned-write timeout, and any untracked temp file older than it; the writer's next call
 * fails with {@link RequestTimeoutException}. Lock order: an output's monitor, then this store's.
 *
 * <p>Early writeback: every {@link #WRITEBACK_BYTES} written, a blob's dirty pages are handed to the disk in the
 * background ({@code fdatasync} on the writeback thread, at most one per blob at a time) while the writer goes
 * on. Publishing still fsyncs the whole file before the rename; it then only waits for the last few MiB instead of
 * the whole object, so a large upload's disk time overlaps its network time.
 *
 * <p>Deletion waits for readers: a reader pins blob ids while it reads; {@link #deleteWhenUnpinned} unlinks at
 * once when nothing is pinned, else when the last pin is released. (Open channels keep unlinked files readable
 * anyway; pins also protect channels opened lazily, e.g. for manifest parts.)
 */
public final class BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final long SPACE_CHECK_INTERVAL = 8L << 20;
    /** Bytes written to a blob between two background writebacks. */
    static final long WRITEBACK_BYTES = 8L << 20;

    /** Checks free space before data is written; throws {@link StorageFullException} when too low. */
    public interface SpaceGuard {
        void check();
    }

    private final Path dir;
    private final Path tmp;
    private final SpaceGuard spaceGuard;
    private final Clock clock;
    private final Duration abandonAfter;
    private final Map<String, BlobOutput> unfinished = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, int[]> pins = new HashMap<>();
    private final Set<String> pendingDeletes = new HashSet<>();
    /** Open {@link #holdDeletions()} holds: while positive, no published blob is unlinked (a backup copies). */
    private int deletionHolds;
    /** Runs early writebacks; created on first use (most blob stores in tests never need it). */
    private ExecutorService writeback;
    private final AtomicLong writebacksQueued = new AtomicLong();
    private boolean closed;

    /** System clock, writers idle for 15 minutes are reaped. */
    public BlobStore(Path dir, SpaceGuard spaceGuard) {
        this(dir, spaceGuard, Clock.systemUTC(), Duration.ofMinutes(15));
    }

    /**
     * @param clock        time source for writer idleness (and compared with temp files' modification times)
     * @param abandonAfter how long an unfinished writer may stay without a write before it is reaped
     */
    public BlobStore(Path dir, SpaceGuard spaceGuard, Clock clock, Duration abandonAfter) {
        this.dir = dir;
        this.tmp = dir.resolve("tmp");
        this.spaceGuard = spaceGuard;
        this.clock = clock;
        this.abandonAfter = abandonAfter;
        try {
            OwnerOnlyFiles.directory(dir);
            OwnerOnlyFiles.directory(tmp);
        } catch (IOException e) {
            throw new StorageIoException("cannot create blob directory " + dir, e);
        }
    }

    /**
     * Stops the writeback thread once the queued writebacks ran. Never interrupts it: an interrupt during
     * {@code force} would close the blob's channel under its writer.
     */
    public synchronized void close() {
        closed = true;
        if (writeback != null) {
            writeback.shutdown();
        }
    }

    /** Queues an early writeback; dropped when the store is closed. */
    private synchronized boolean scheduleWriteback(Runnable flush) {
        if (closed) {
            return false;
        }
        if (writeback == null) {
            writeback = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "dualkey-blob-writeback");
                t.setDaemon(true);
                return t;
            });
        }
        try {
            writeback.execute(flush);
            writebacksQueued.incrementAndGet();
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Early writebacks queued so far (for tests). */
    long writebacksQueued() {
        return writebacksQueued.get();
    }

    /** Starts a new blob in a temp file. */
    public BlobOutput create() {
        return create("");
    }

    /**
     * Starts a new blob whose id ends with {@code idSuffix} (32 hex digits, then the suffix: e.g. the marker of
     * encrypted blobs, {@code SealedLayout.BLOB_ID_SUFFIX}).
     */
    public BlobOutput create(String idSuffix) {
        spaceGuard.check();
        byte[] id = new byte[16];
        random.nextBytes(id);
        String hex = HEX.formatHex(id) + idSuffix;
        Path temp = tmp.resolve(hex + ".tmp");
        try {
            FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OwnerOnlyFiles.fileAttributes());
            BlobOutput out = new BlobOutput(hex, temp, ch, clock.instant());
            unfinished.put(hex, out);
            return out;
        } catch (IOException e) {
            throw ioFailure("create blob", e);
        }
    }

    /** Opens a published blob for reading. */
    public FileChannel open(String blobId) {
        try {
            return FileChannel.open(pathOf(blobId), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new StorageIoException("blob " + blobId + " referenced by metadata is missing", e);
        } catch (IOException e) {
            throw ioFailure("open blob " + blobId, e);
        }
    }

    public Path pathOf(String blobId) {
        return dir.resolve(blobId.substring(0, 2)).resolve(blobId);
    }

    public synchronized void pin(Collection<String> blobIds) {
        for (String id : blobIds) {
            pins.computeIfAbsent(id, k -> new int[1])[0]++;
        }
    }

    public void unpin(Collection<String> blobIds) {
        Set<String> toDelete = new HashSet<>();
        synchronized (this) {
            for (String id : blobIds) {
                int[] c = pins.get(id);
                if (c != null && --c[0] == 0) {
                    pins.remove(id);
                    if (deletionHolds == 0 && pendingDeletes.remove(id)) {
                        toDelete.add(id);
                    }
                }
            }
        }
        toDelete.forEach(this::unlink);
    }

    /** Unlinks blobs whose metadata references were committed away, now or once unpinned. */
    public void deleteWhenUnpinned(Collection<String> blobIds) {
        if (blobIds.isEmpty()) {
            return; // every small PUT calls this with nothing to release: no set, no monitor (issue 19)
        }
        Set<String> now = new HashSet<>();
        synchronized (this) {
            for (String id : blobIds) {
                if (pins.containsKey(id) || deletionHolds > 0) {
                    pendingDeletes.add(id);
                } else {
                    now.add(id);
                }
            }
        }
        now.forEach(this::unlink);
    }

    /**
     * Defers every blob unlink until the returned hold is closed: an online backup takes a RocksDB checkpoint and
     * then links or copies the blob files it references, which a delete committed after the checkpoint must not
     * remove meanwhile. Blobs are immutable and their ids never reused, so linking a file while the server runs
     * is safe. If the process dies while holding, the deferred blobs are orphans that the next open collects.
     */
    public AutoCloseable holdDeletions() {
        synchronized (this) {
            deletionHolds++;
        }
        return new AutoCloseable() {
            private boolean released;

            @Override
            public void close() {
                Set<String> toDelete = new HashSet<>();
                synchronized (BlobStore.this) {
                    if (released) {
                        return;
                    }
                    released = true;
                    if (--deletionHolds == 0) {
                        for (String id : pendingDeletes) {
                            if (!pins.containsKey(id)) {
                                toDelete.add(id);
                            }
                        }
                        pendingDeletes.removeAll(toDelete);
                    }
                }
                toDelete.forEach(BlobStore.this::unlink);
            }
        };
    }

    /** The directory of published blobs (shards {@code xx/} and {@code tmp/} below it). */
    public Path directory() {
        return dir;
    }

    /** Number of blobs currently pinned by readers (for tests). */
    public synchronized int pinnedCount() {
        return pins.size();
    }

    /**
     * Removes temp files and every published blob that {@code referenced} does not claim. Run on open, before
     * any writer exists (a running writer's temp file would otherwise be removed).
     *
     * @return number of files removed
     */
    public int collectGarbage(Predicate<String> referenced) {
        int removed = 0;
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp)) {
            for (Path p : temps) {
                Files.deleteIfExists(p);
                removed++;
            }
            try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, p -> Files.isDirectory(p)
                    && p.getFileName().toString().length() == 2)) {
                for (Path shard : shards) {
                    try (DirectoryStream<Path> blobs = Files.newDirectoryStream(shard)) {
                        for (Path b : blobs) {
                            if (!referenced.test(b.getFileName().toString())) {
                                Files.deleteIfExists(b);
                                removed++;
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageIoException("blob garbage collection failed: " + e.getMessage(), e);
        }
        if (removed > 0) {
            LOG.info("removed {} orphan blob files from {}", removed, dir);
        }
        return removed;
    }

    /**
     * Reaps writers idle for longer than the abandoned-write timeout (closing their channel, so the space is
     * really freed, and deleting their temp file) and deletes untracked temp files last modified before that.
     *
     * @return number of temp files removed
     */
    public int reapAbandoned() {
        Instant cutoff = clock.instant().minus(abandonAfter);
        int removed = 0;
        for (BlobOutput out : unfinished.values()) {
            if (out.reapIfIdleSince(cutoff)) {
                removed++;
            }
        }
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(tmp)) {
            for (Path p : temps) {
                String name = p.getFileName().toString();
                String id = name.endsWith(".tmp") ? name.substring(0, name.length() - 4) : name;
                if (!unfinished.containsKey(id)
                        && Files.getLastModifiedTime(p).compareTo(FileTime.from(cutoff)) < 0
                        && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("sweeping temp blobs in {} failed: {}", tmp, e.getMessage());
        }
        if (removed > 0) {
            LOG.warn("reaped {} abandoned temp blobs (idle over {})", removed, abandonAfter);
        }
        return removed;
    }

    /** Number of writers with a temp blob not yet published or discarded (for tests). */
    public int unfinishedCount() {
        return unfinished.size();
    }

    private void unlink(String blobId) {
        try {
            Files.deleteIfExists(pathOf(blobId));
        } catch (IOException e) {
            // left as an orphan; the next open collects it
            LOG.warn("cannot delete blob {}: {}", blobId, e.getMessage());
        }
    }

    static StorageIoException ioFailureMessage(String what, IOException e) {
        return new StorageIoException(what + " failed: " + e.getMessage(), e);
    }

    static RuntimeException ioFailure(String what, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota exceeded")) {
            return new StorageFullException("disk full during " + what, e);
        }
        return ioFailureMessage(what, e);
    }

    /**
     * A blob being written. Used by one writer thread; its monitor only serializes that thread with the reaper
     * ({@link #reapAbandoned()}).
     */
    public final class BlobOutput {
        private final String id;
        private final Path temp;
        private final FileChannel channel;
        private long written;
        private long sinceSpaceCheck;
        private long sinceWriteback;
        /** An early writeback of this blob is queued or running. */
        private final AtomicBoolean flushing = new AtomicBoolean();
        private boolean finished;
        private boolean reaped;
        private Instant lastWrite;

        private BlobOutput(String id, Path temp, FileChannel channel, Instant created) {
            this.id = id;
            this.temp = temp;
            this.channel = channel;
            this.lastWrite = created;
        }

        private synchronized boolean reapIfIdleSince(Instant cutoff) {
            if (finished || reaped || !lastWrite.isBefore(cutoff)) {
                return false;
            }
            reaped = true;
            unfinished.remove(id);
            try {
                channel.close();
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("cannot reap temp blob {}: {}", id, e.getMessage());
            }
            return true;
        }

        private void requireNotReaped() {
            if (reaped) {
                throw new RequestTimeoutException("Your socket connection to the server was not read from or "
                        + "written to within the timeout period. (write idle for over " + abandonAfter + ")");
            }
        }

        public String id() {
            return id;
        }

        public long size() {
            return written;
        }

        /** Appends all remaining bytes of {@code src}. */
        public synchronized void write(ByteBuffer src) {
            requireNotReaped();
            lastWrite = clock.instant();
            int n = src.remaining();
            sinceSpaceCheck += n;
            if (sinceSpaceCheck >= SPACE_CHECK_INTERVAL) {
                sinceSpaceCheck = 0;
                spaceGuard.check();
            }
            try {
                while (src.hasRemaining()) {
                    channel.write(src);
                }
            } catch (IOException e) {
                throw ioFailure("write blob", e);
            }
            written += n;
            sinceWriteback += n;
            if (sinceWriteback >= WRITEBACK_BYTES && flushing.compareAndSet(false, true)) {
                sinceWriteback = 0;
                if (!scheduleWriteback(this::writeBack)) {
                    flushing.set(false);
                }
            }
        }

        /**
         * Background: pushes the dirty pages written so far to the disk. Only an optimisation (publish fsyncs the
         * whole file), so a failure or a channel closed meanwhile (published, discarded, reaped) is ignored.
         */
        private void writeBack() {
            try {
                channel.force(false);
            } catch (IOException | RuntimeException e) {
                // closed meanwhile or a transient error: publish's own fsync decides
            } finally {
                flushing.set(false);
            }
        }

        /** fsync, rename into place, fsync the directory. Returns the blob id. */
        public synchronized String publish() {
            requireNotReaped();
            unfinished.remove(id);
            try {
                channel.force(true);
                channel.close();
                Path target = pathOf(id);
                OwnerOnlyFiles.createMissing(target.getParent());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                    d.force(true);
                }
                finished = true;
                return id;
            } catch (IOException e) {
                discard();
                throw ioFailure("publish blob", e);
            }
        }

        /** Deletes the temp file (or, after publish, the published blob when metadata commit failed). */
        public synchronized void discard() {
            unfinished.remove(id);
            if (reaped) {
                return;
            }
            try {
                channel.close();
                Files.deleteIfExists(temp);
                if (finished) {
                    Files.deleteIfExists(pathOf(id));
                }
            } catch (IOException e) {
                LOG.warn("cannot discard blob {}: {}", id, e.getMessage());
            }
        }
    }
}
