package dev.dualkey.storage.rocks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.rocksdb.NativeLibraryLoader;
import org.rocksdb.RocksDB;

/**
 * Loads RocksJava's native library without leaving a copy of it behind.
 *
 * <p>Why: RocksJava extracts its 15 MB library from the jar into a new temporary file at every start and deletes it
 * only at a normal exit ({@code File.deleteOnExit}). Every process that did not exit normally left one in
 * {@code java.io.tmpdir}: a killed server (kill -9, the OOM killer, a power cut), a crash-test child, a benchmark's
 * server. On the bench machine a day of tests and benchmarks had left 299 of them, 4.3 GB (issue 19, session 21);
 * on a host whose {@code /tmp} is a tmpfs that is memory, 15 MB more after each crash and restart.
 *
 * <p>How: the library is extracted by RocksJava's own loader into a directory of ours (created by
 * {@link Files#createTempDirectory}: owner-only, so no other user can swap the file between its extraction and its
 * loading), loaded, and then the file and the directory are deleted at once. A loaded library stays mapped after its
 * file is unlinked, so nothing is left even if the process dies a moment later. Where the library comes from
 * {@code java.library.path} nothing is extracted and there is nothing to delete. On any failure (no writable
 * temporary directory, a platform that cannot unlink a loaded library), RocksJava's own loading runs as before.
 */
final class NativeLibrary {
    private NativeLibrary() {
    }

    /** Loads the library once per JVM (RocksJava remembers that it did); safe to call again. */
    static void load() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dualkey-rocksdbjni");
            NativeLibraryLoader.getInstance().loadLibrary(dir.toString());
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            // RocksDB.loadLibrary() below tries again in RocksJava's own way, and reports what it cannot do
        } finally {
            if (dir != null) {
                deleteQuietly(dir);
            }
        }
        // the compression libraries and RocksJava's own bookkeeping; the JNI library is already loaded
        RocksDB.loadLibrary();
    }

    private static void deleteQuietly(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // left behind, as RocksJava would have left it
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // not empty: a file that could not be unlinked
        }
    }
}
