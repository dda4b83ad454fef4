package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A body of unknown length staged in a local file (owner-only temp file, deleted by {@link #delete}) until it is
 * verified: the fallback of {@link UpstreamBodyWriter} for a writer whose length was not declared before its first
 * byte (browser POST uploads, server-side writers), since an upstream request must state its length up front.
 */
final class Spool {
    private final Path file;
    private final FileChannel channel;

    Spool(Path spoolDir) {
        try {
            Path dir = spoolDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : spoolDir;
            Files.createDirectories(dir);
            this.file = Files.createTempFile(dir, "dualkey-upstream-", ".spool");
            this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageIoException("cannot create a spool file: " + e.getMessage(), e);
        }
    }

    void write(ByteBuffer src) {
        try {
            while (src.hasRemaining()) {
                channel.write(src);
            }
        } catch (IOException e) {
            throw new StorageIoException("cannot write the spool file: " + e.getMessage(), e);
        }
    }

    /** The staged bytes from the start (the stream's close leaves the file to {@link #delete}). */
    InputStream read() {
        try {
            channel.position(0);
        } catch (IOException e) {
            throw new StorageIoException("cannot read the spool file: " + e.getMessage(), e);
        }
        return Channels.newInputStream(channel);
    }

    void delete() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a file we only wrote
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover spool file in the temp dir is harmless
        }
    }
}
