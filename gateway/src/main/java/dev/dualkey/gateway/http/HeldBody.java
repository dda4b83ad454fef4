package dev.dualkey.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A request body held in memory until its request runs: the pieces the codec delivers are copied into one buffer
 * and released at once, so what a connection holds is its bytes, not one buffer (and its overhead) per TCP read.
 * The buffer's capacity is reserved in the listener's {@link Admission} budget and given back on
 * {@link #release()}. Event loop only.
 *
 * <p>Why copy: the codec hands on slices of its read buffers; a client trickling one byte per packet produced one
 * slice, one content object and one pinned read buffer per byte (about 170 bytes each), so 12 connections held
 * 1.5 million of them. Copying costs at most the body size (at most a few hundred KiB here) once.
 */
final class HeldBody {
    enum Outcome { OK, TOO_LARGE, OVER_BUDGET }

    private final ByteBufAllocator alloc;
    private final Admission admission;
    private final long cap;
    private final long declared;
    private ByteBuf buf;
    private long reserved;

    /**
     * @param cap      the most this request may hold (its route's cap)
     * @param declared the Content-Length, or -1: the first allocation takes it whole when it fits under the cap
     */
    HeldBody(ByteBufAllocator alloc, Admission admission, long cap, long declared) {
        this.alloc = alloc;
        this.admission = admission;
        this.cap = cap;
        this.declared = declared;
    }

    /** Copies {@code data}'s readable bytes (the caller keeps and releases {@code data}). */
    Outcome append(ByteBuf data) {
        int n = data.readableBytes();
        if (n == 0) {
            return Outcome.OK;
        }
        long size = size();
        if (size + n > cap) {
            return Outcome.TOO_LARGE;
        }
        int need = (int) (size + n);
        if (buf == null || buf.capacity() < need) {
            int capacity;
            if (buf == null && declared >= need && declared <= cap) {
                capacity = (int) declared;
            } else {
                capacity = alloc.calculateNewCapacity(need, (int) Math.min(Integer.MAX_VALUE, cap));
            }
            long more = capacity - reserved;
            if (more > 0 && !admission.reserve(more)) {
                return Outcome.OVER_BUDGET;
            }
            reserved += Math.max(0, more);
            if (buf == null) {
                buf = alloc.heapBuffer(capacity, capacity);
            } else {
                ByteBuf bigger = alloc.heapBuffer(capacity, capacity);
                bigger.writeBytes(buf);
                buf.release();
                buf = bigger;
            }
        }
        buf.writeBytes(data, data.readerIndex(), n);
        return Outcome.OK;
    }

    long size() {
        return buf == null ? 0 : buf.readableBytes();
    }

    /** The bytes so far as an array. */
    byte[] toBytes() {
        if (buf == null) {
            return new byte[0];
        }
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }

    /** The held buffer (null when nothing was held); stays owned by this object. */
    ByteBuf buffer() {
        return buf;
    }

    /** Frees the buffer and gives its reservation back; idempotent. */
    void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
        if (reserved > 0) {
            admission.release(reserved);
            reserved = 0;
        }
    }
}
