package dev.dualkey.storage.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** A size-limited tmpfs mount: a disk that really fills up (ENOSPC), for full-disk tests. */
public final class Tmpfs implements AutoCloseable {
    public static final List<String> DEVICES = List.of();
    public static final List<String> COMMANDS = List.of("mount", "umount", "fallocate");

    private final Path mountPoint;
    private boolean closed;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    public static Tmpfs mount(Path mountPoint, long bytes) throws IOException {
        Files.createDirectories(mountPoint);
        Shell.run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
        return new Tmpfs(mountPoint);
    }

    public Path root() {
        return mountPoint;
    }

    public long usable() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Allocates a filler file of real blocks so that about {@code leave} bytes stay usable. */
    public Path fillLeaving(String name, long leave) throws IOException {
        Path filler = mountPoint.resolve(name);
        long size = usable() - leave;
        if (size > 0) {
            Shell.run("fallocate", "-l", Long.toString(size), filler.toString());
        }
        return filler;
    }

    /** Writes a file until the file system reports ENOSPC: afterwards no byte is free. */
    public Path fillCompletely(String name) throws IOException {
        Path filler = mountPoint.resolve(name);
        ByteBuffer block = ByteBuffer.allocate(4096);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (true) {
                block.clear();
                ch.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return filler;
    }

    /** Unmounts. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Shell.run("umount", mountPoint.toString());
        }
    }
}
