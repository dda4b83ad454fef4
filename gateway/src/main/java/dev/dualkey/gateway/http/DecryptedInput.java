package dev.dualkey.gateway.http;

import dev.dualkey.storage.DataSegment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * Streams the plaintext of an encrypted blob region to {@code ChunkedWriteHandler}, up to four decrypted 64 KiB
 * chunks per pull (so back-pressure holds, as for {@link FileSegmentInput}). A chunk that fails its integrity check throws
 * from {@link #readChunk}; {@link ResponseWriter} then closes the connection before the last byte, so the client
 * sees a truncated response (Content-Length not reached) and never a complete, wrong body.
 */
final class DecryptedInput implements ChunkedInput<ByteBuf> {
    /** Bytes per write: four sealed chunks. */
    static final int WRITE_BYTES = 256 * 1024;
    private final DataSegment.PlainChunks chunks;
    private final ChannelHandlerContext ctx;
    private long progress;

    DecryptedInput(DataSegment.PlainChunks chunks) {
        this(chunks, null);
    }

    /**
     * @param ctx where to resume the transfer when a source that is not {@link DataSegment.PlainChunks#ready()}
     *            (the upstream store's pieces) becomes ready: this input then answers null (ChunkedWriteHandler
     *            suspends) instead of blocking the event loop
     */
    DecryptedInput(DataSegment.PlainChunks chunks, ChannelHandlerContext ctx) {
        this.chunks = chunks;
        this.ctx = ctx;
    }

    @Override
    public boolean isEndOfInput() {
        return progress >= chunks.length();
    }

    @Override
    public void close() {
        // decryption state belongs to the object reader
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        if (ctx != null && !chunks.ready()) {
            // resumed later from the event loop's task queue, never re-entrantly from inside this pull
            chunks.whenReady(() -> ctx.executor().execute(() -> {
                ChunkedWriteHandler writer = ctx.pipeline().get(ChunkedWriteHandler.class);
                if (writer != null) {
                    writer.resumeTransfer();
                }
            }));
            return null;
        }
        // a pooled direct buffer of up to four 64 KiB chunks, decrypted straight into: no per-chunk allocation, no
        // heap-to-direct copy before the socket write, and a quarter of the writes and ChunkedWriteHandler turns
        int size = (int) Math.min(WRITE_BYTES, chunks.length() - progress);
        ByteBuf buf = allocator.directBuffer(size);
        boolean ok = false;
        try {
            int n = chunks.read(buf.nioBuffer(buf.writerIndex(), size));
            if (n <= 0) {
                throw new IllegalStateException("decrypted data ended early");
            }
            buf.writerIndex(buf.writerIndex() + n);
            progress += n;
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
        return chunks.length();
    }

    @Override
    public long progress() {
        return progress;
    }
}
