package dev.dualkey.storage.rocks;

import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Online backup of a store: a consistent copy of a running server's data directory that {@code serve --data-dir}
 * starts from.
 *
 * <p>Consistency: blob deletions are held ({@link BlobStore#holdDeletions()}), then RocksDB takes a checkpoint
 * (the metadata as of one instant; SST files hard-linked where the destination is on the same file system), the
 * checkpoint is opened read-only to list the blob files its metadata references ({@code storage.blobrefs}), and
 * those are hard-linked (blobs are immutable, ids never reused) or copied. A write acknowledged before the
 * checkpoint is in the backup, whole; later writes may or may not be; nothing is half there. Only then are
 * deletions released.
 *
 * <p>Layout of the destination, the same as a data directory: {@code db/}, {@code blobs/xx/<id>}. The marker
 * file {@value #INCOMPLETE} exists from the start until everything is written and fsynced:
 * {@link StorageEngine#open} refuses a directory that has it, so a backup interrupted (kill -9, full disk) can
 * never be started from by mistake. The source directory is never written by a backup.
 */
public final class StoreBackup {
    /** Present in a destination while its backup is unfinished. */
    public static final String INCOMPLETE = "BACKUP-INCOMPLETE";

    /** Progress of the blob phase (the checkpoint itself is quick: links and one WAL copy). */
    public interface Listener {
        default void progress(long bytesDone, long bytesTotal) {
        }
    }

    /**
     * @param blobs      blob files in the backup
     * @param bytes      their total size
     * @param linked     how many were hard-linked (the rest were copied)
     */
    public record Result(Path destination, long blobs, long bytes, long linked) {
    }

    private StoreBackup() {
    }

    /**
     * Backs up {@code db} and {@code blobs} into {@code dest}, which must not exist or be an empty directory.
     *
     * @throws StorageIoException when it cannot; {@code dest} then keeps its {@value #INCOMPLETE} marker
     */
    static Result run(RocksDatabase db, BlobStore blobs, Path dest, Listener listener) {
        try {
            prepare(dest);
            Path marker = dest.resolve(INCOMPLETE);
            Files.write(marker, new byte[0]);
            fsyncDir(dest);
            Result r;
            try (AutoCloseable hold = blobs.holdDeletions()) {
                Path dbCopy = dest.resolve("db");
                db.checkpoint(dbCopy);
                List<String> ids = referencedBlobs(dbCopy);
                r = copyBlobs(blobs.directory(), dest.resolve("blobs"), ids, listener);
            }
            fsyncTree(dest.resolve("db"));
            Files.delete(marker);
            fsyncDir(dest);
            return new Result(dest, r.blobs(), r.bytes(), r.linked());
        } catch (IOException e) {
            throw new StorageIoException("backup to " + dest + " failed: " + e.getMessage(), e);
        } catch (StorageIoException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageIoException("backup to " + dest + " failed: " + e.getMessage(), e);
        }
    }

    private static void prepare(Path dest) throws IOException {
        if (Files.exists(dest)) {
            try (Stream<Path> s = Files.list(dest)) {
                if (s.findAny().isPresent()) {
                    throw new StorageIoException("backup destination " + dest + " is not empty");
                }
            }
        }
        OwnerOnlyFiles.directory(dest);
    }

    private static List<String> referencedBlobs(Path checkpoint) {
        List<String> ids = new ArrayList<>();
        try (RocksDatabase copy = RocksDatabase.openReadOnly(checkpoint, Schema.FAMILIES)) {
            Table<String, byte[]> refs = copy.table(Schema.BLOB_REFS, Codecs.UTF8, Codecs.BYTES);
            try (KvIterator<String, byte[]> it = refs.scanRaw(null, null)) {
                while (it.hasNext()) {
                    ids.add(it.next().key());
                }
            }
        }
        return ids;
    }

    private static Result copyBlobs(Path from, Path to, List<String> ids, Listener listener) throws IOException {
        OwnerOnlyFiles.directory(to);
        long total = 0;
        for (String id : ids) {
            total += Files.size(shardOf(from, id).resolve(id));
        }
        listener.progress(0, total);
        long done = 0;
        long linked = 0;
        Set<Path> shards = new HashSet<>();
        for (String id : ids) {
            Path src = shardOf(from, id).resolve(id);
            Path shard = shardOf(to, id);
            if (shards.add(shard)) {
                OwnerOnlyFiles.createMissing(shard);
            }
            Path dst = shard.resolve(id);
            long size = Files.size(src);
            try {
                Files.createLink(dst, src);
                linked++;
            } catch (FileSystemException | UnsupportedOperationException e) {
                copy(src, dst);
            }
            done += size;
            listener.progress(done, total);
        }
        for (Path shard : shards) {
            fsyncDir(shard);
        }
        fsyncDir(to);
        return new Result(to, ids.size(), total, linked);
    }

    private static Path shardOf(Path blobDir, String id) {
        return blobDir.resolve(id.substring(0, 2));
    }

    private static void copy(Path src, Path dst) throws IOException {
        Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    private static void fsyncTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                        ch.force(true);
                    }
                }
            }
        }
        fsyncDir(dir);
    }

    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
