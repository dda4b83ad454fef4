package dev.dualkey.gateway.http;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A zero-copy region of a file channel that the storage reader owns. Unlike Netty's {@code DefaultFileRegion}
 * it never closes the channel when released: the object reader keeps the blob pinned and closes it itself.
 */
final class PinnedFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel channel;
    private final long position;
    private final long count;
    private long transferred;

    PinnedFileRegion(FileChannel channel, long position, long count) {
        this.channel = channel;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long pos) throws IOException {
        long left = count - pos;
        if (left <= 0) {
            return 0;
        }
        long n = channel.transferTo(position + pos, left, target);
        if (n > 0) {
            transferred += n;
        } else if (n == 0 && channel.size() < position + count) {
            throw new IOException("blob file is shorter than the region being sent");
        }
        return n;
    }

    @Override
    protected void deallocate() {
        // The channel belongs to the object reader.
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
