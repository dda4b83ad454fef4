package dev.dualkey.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only creation of the data directory's files and directories (files {@code 0600}, directories
 * {@code 0700}): object bytes and the RocksDB files (metadata, encrypted secrets) are readable by the server's
 * user alone, whatever the process umask. The modes are set at creation (no window in which another user can
 * open the file), and the server's own directories are tightened when they already exist with wider modes.
 * RocksDB creates its files itself with the umask; its directory being {@code 0700} keeps other users out of
 * them. On a file system without POSIX permissions the calls fall back to plain creation.
 */
public final class OwnerOnlyFiles {
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {
    }

    /** The attributes to pass to {@code FileChannel.open} / {@code Files.createFile} for a new file. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Creates {@code dir} and its missing parents as {@code 0700}; when {@code dir} itself already exists it is
     * set to {@code 0700} (parents that already exist are left alone: they are not the server's).
     */
    public static void directory(Path dir) throws IOException {
        if (!POSIX) {
            Files.createDirectories(dir);
            return;
        }
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            if (!Files.getPosixFilePermissions(abs).equals(DIRECTORY)) {
                Files.setPosixFilePermissions(abs, DIRECTORY);
            }
            return;
        }
        createMissing(abs);
    }

    /** Creates {@code dir} and missing parents as {@code 0700}; an existing directory is left as it is. */
    public static void createMissing(Path dir) throws IOException {
        if (!POSIX) {
            Files.createDirectories(dir);
            return;
        }
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createMissing(parent);
        }
        try {
            Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIRECTORY));
            // createDirectory applies the umask to the attribute: set the mode once more to be exact.
            Files.setPosixFilePermissions(abs, DIRECTORY);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
    }
}
