package dev.dualkey.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Reads a file region in chunks for {@code ChunkedWriteHandler} when zero-copy is impossible (TLS). Positional
 * reads only; the channel is not closed (the object reader owns it). The write handler pulls the next chunk only
 * when the socket is writable, which is the download's back-pressure.
 */
final class FileSegmentInput implements ChunkedInput<ByteBuf> {
    private static final int CHUNK = 64 * 1024;
    private final FileChannel channel;
    private final long start;
    private final long end;
    private long offset;

    FileSegmentInput(FileChannel channel, long position, long length) {
        this.channel = channel;
        this.start = position;
        this.end = position + length;
        this.offset = position;
    }

    @Override
    public boolean isEndOfInput() {
        return offset >= end;
    }

    @Override
    public void close() {
        // The channel belongs to the object reader.
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (offset >= end) {
            return null;
        }
        int size = (int) Math.min(CHUNK, end - offset);
        ByteBuf buf = allocator.heapBuffer(size);
        boolean ok = false;
        try {
            int read = 0;
            while (read < size) {
                int n = buf.writeBytes(channel, offset + read, size - read);
                if (n < 0) {
                    throw new IOException("blob file ended early");
                }
                read += n;
            }
            offset += size;
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return offset - start;
    }
}
