package dev.dualkey.storage.disk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An ext4 file-system image attached to a loop device and mounted: the "disk" of the power-cut test
 * (reliability-methods.md §1c). Writes that were not fsynced stay dirty in the page cache of the mounted file
 * system, above the loop device, so they are not in the image file: copying the image right after killing the
 * writer gives what a power cut would have left on the device.
 */
public final class LoopDisk implements AutoCloseable {
    public static final List<String> DEVICES = List.of("/dev/loop-control");
    public static final List<String> COMMANDS = List.of("losetup", "mkfs.ext4", "mount", "umount", "cp");

    private final Path image;
    private final Path mountPoint;
    private final String device;
    private boolean closed;

    private LoopDisk(Path image, Path mountPoint, String device) {
        this.image = image;
        this.mountPoint = mountPoint;
        this.device = device;
    }

    /** Creates a sparse image of {@code bytes}, formats it ext4 and mounts it with {@code options}. */
    public static LoopDisk format(Path image, long bytes, Path mountPoint, String options) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(bytes);
        }
        Shell.run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
        return mount(image, mountPoint, options);
    }

    /** Attaches an existing image and mounts it (replaying its journal, as after a reboot). */
    public static LoopDisk mount(Path image, Path mountPoint, String options) throws IOException {
        Files.createDirectories(mountPoint);
        String device = Shell.run("losetup", "-f", "--show", image.toString());
        try {
            Shell.run("mount", "-t", "ext4", "-o", options, device, mountPoint.toString());
        } catch (RuntimeException e) {
            Shell.run("losetup", "-d", device);
            throw e;
        }
        return new LoopDisk(image, mountPoint, device);
    }

    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * Copies the image file as it is now: the device content, i.e. what survives a power cut at this instant.
     * Sparse copy, a few tens of milliseconds for a mostly empty image.
     */
    public Path snapshot(Path copy) {
        Shell.run("cp", "--sparse=always", image.toString(), copy.toString());
        return copy;
    }

    /** Unmounts and detaches the loop device. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Shell.run("umount", mountPoint.toString());
        } finally {
            Shell.run("losetup", "-d", device);
        }
    }
}
