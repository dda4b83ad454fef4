package dev.dualkey.gateway.http;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Feeds one streamed request body to its {@link Exchange.Streaming} on the storage executor, in arrival order, while
 * the event loop keeps reading: up to {@link #HIGH_WATER} bytes may wait in the queue, so socket reads and HTTP
 * decoding (event loop) overlap hashing and file writes (storage thread) instead of alternating with them.
 * A body whose whole length fits under the high-water mark is held until its last piece and handed over in one
 * task (one executor hop per small upload, however many pieces TCP cut it into).
 *
 * <p>Threading: {@link #offer}, {@link #wantsMore}, {@link #abort} and the {@link Listener} callbacks run on the
 * channel's event loop. At most one drain task runs at a time (the {@code draining} flag is loop-confined and is
 * cleared only by the drain's own callback), so the exchange is called by one thread at a time and in order; the
 * queue hands pieces from the loop to that thread. The exchange is aborted only when no drain runs: immediately,
 * or from the callback of the running drain.
 *
 * <p>Memory: at most {@code HIGH_WATER} queued plus the piece being read (the codec's 64 KiB maximum) per upload.
 */
final class BodyPump {
    /** Queued body bytes beyond which the loop stops reading until a drain catches up. */
    static final int HIGH_WATER = 128 * 1024;

    /** The front door's side of the pump; every call happens on the event loop. */
    interface Listener {
        /** The drain made progress and may accept more; read on when {@link #wantsMore()}. */
        void drained();

        /** The last piece was consumed and the exchange finished with {@code reply}. */
        void finished(Reply reply);

        /** Feeding or finishing failed; the exchange has been aborted. */
        void failed(Throwable failure);
    }

    private final Exchange.Streaming exchange;
    private final StorageExecutor executor;
    private final EventLoop loop;
    private final Listener listener;
    private final boolean holdUntilLast;
    private final ConcurrentLinkedQueue<HttpContent> queue = new ConcurrentLinkedQueue<>();
    // loop-confined state
    private long queuedBytes;
    private boolean draining;
    private boolean lastQueued;
    private boolean aborted;

    /**
     * @param declaredLength the request's Content-Length, or -1; a length up to {@link #HIGH_WATER} holds the
     *                       pieces until the last one
     */
    BodyPump(Exchange.Streaming exchange, StorageExecutor executor, EventLoop loop, Listener listener,
             long declaredLength) {
        this.exchange = exchange;
        this.executor = executor;
        this.loop = loop;
        this.listener = listener;
        this.holdUntilLast = declaredLength >= 0 && declaredLength <= HIGH_WATER;
    }

    /** Takes ownership of one piece of the body. */
    void offer(HttpContent content) {
        if (aborted) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        queue.add(content);
        queuedBytes += content.content().readableBytes();
        lastQueued |= last;
        if (!draining && (last || !holdUntilLast)) {
            startDrain();
        }
    }

    /** True while the body has not ended and the queue is below the high-water mark. */
    boolean wantsMore() {
        return !aborted && !lastQueued && queuedBytes < HIGH_WATER;
    }

    /** Drops queued pieces and aborts the exchange (after the running drain, if any); idempotent. */
    void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        releaseQueued();
        if (!draining) {
            executor.execute(exchange::abort);
        }
    }

    private void startDrain() {
        draining = true;
        executor.submit(this::drain, loop, this::drained);
    }

    /** Runs on a storage thread: consumes the queue in order; finishes the exchange after the last piece. */
    private Progress drain() {
        long bytes = 0;
        HttpContent c;
        while ((c = queue.poll()) != null) {
            try {
                ByteBuf buf = c.content();
                bytes += buf.readableBytes();
                if (buf.isReadable()) {
                    for (ByteBuffer nio : buf.nioBuffers()) {
                        exchange.onData(nio);
                    }
                }
            } finally {
                c.release();
            }
            if (c instanceof LastHttpContent) {
                return new Progress(bytes, true, exchange.finish());
            }
        }
        return new Progress(bytes, false, null);
    }

    private void drained(Progress progress, Throwable failure) {
        draining = false;
        if (aborted) {
            // the front door gave up on this request while the drain ran; only now may the exchange be aborted
            releaseQueued();
            executor.execute(exchange::abort);
            if (progress != null && progress.reply() != null && progress.reply().streamedBody() != null) {
                progress.reply().streamedBody().release().run();
            }
            return;
        }
        if (failure != null) {
            aborted = true;
            releaseQueued();
            executor.execute(exchange::abort);
            listener.failed(failure);
            return;
        }
        queuedBytes -= progress.bytes();
        if (progress.finished()) {
            listener.finished(progress.reply());
            return;
        }
        if (!queue.isEmpty() && (lastQueued || !holdUntilLast)) {
            startDrain();
        }
        listener.drained();
    }

    private void releaseQueued() {
        HttpContent c;
        while ((c = queue.poll()) != null) {
            c.release();
        }
        queuedBytes = 0;
    }

    /** What one drain consumed; {@code reply} is the exchange's answer once it finished. */
    private record Progress(long bytes, boolean finished, Reply reply) {
    }
}
