package dev.dualkey.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.dualkey.storage.blob.BlobStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk reader who is another local user sees nothing: the data directory, the RocksDB directory, the blob
 * directories are 0700 and blob files 0600, even under a permissive umask and when the directories already
 * existed with wider modes.
 */
class OwnerOnlyFilesTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void posixOnly() {
        dev.dualkey.testkit.Prerequisites.require("OwnerOnlyFilesTest",
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "a file system with POSIX permissions (Linux)");
    }

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void blobFilesAndTheirDirectoriesAreOwnerOnly() throws Exception {
        Path dir = tmp.resolve("blobs");
        BlobStore store = new BlobStore(dir, () -> { });
        BlobStore.BlobOutput out = store.create();
        out.write(ByteBuffer.wrap("secret bytes".getBytes()));
        String id = out.publish();
        Path blob = store.pathOf(id);
        assertEquals("rw-------", mode(blob));
        assertEquals("rwx------", mode(blob.getParent()));
        assertEquals("rwx------", mode(dir));
        assertEquals("rwx------", mode(dir.resolve("tmp")));
        BlobStore.BlobOutput unfinished = store.create();
        unfinished.write(ByteBuffer.wrap("partial".getBytes()));
        try (Stream<Path> temps = Files.list(dir.resolve("tmp"))) {
            for (Path t : temps.toList()) {
                assertEquals("rw-------", mode(t), t.toString());
            }
        }
        store.close();
    }

    @Test
    void dataDirectoryAndDatabaseDirectoryAreOwnerOnlyEvenWhenTheyExistedWider() throws Exception {
        Path data = tmp.resolve("data");
        Files.createDirectories(data.resolve("db"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(data.resolve("db"), PosixFilePermissions.fromString("rwxrwxrwx"));
        try (StorageEngine engine = StorageEngine.open(data, List.of())) {
            assertEquals("rwx------", mode(data));
            assertEquals("rwx------", mode(data.resolve("db")));
            assertEquals("rwx------", mode(data.resolve("blobs")));
        }
    }

    @Test
    void missingParentsAreCreatedOwnerOnlyButExistingParentsAreLeftAlone() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = tmp.resolve("a/b/c");
        OwnerOnlyFiles.directory(deep);
        assertEquals("rwx------", mode(tmp.resolve("a")));
        assertEquals("rwx------", mode(tmp.resolve("a/b")));
        assertEquals("rwx------", mode(deep));
        assertEquals("rwxr-xr-x", mode(tmp));
    }
}
