package dev.dualkey.gateway.http;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds one streamed request body to its {@link Exchange.Streaming} on the storage executor, in arrival order, while
 * the event loop keeps reading: up to {@link #HIGH_WATER} bytes may wait in the queue, so socket reads and HTTP
 * decoding (event loop) overlap hashing and file writes (storage thread) instead of alternating with them.
 * (A body whose whole length is small never comes here: the front door holds it in one buffer and hands it over
 * in one task.) Each queued piece counts at least {@link #MIN_PIECE_CHARGE} bytes, so a client that cuts its body
 * into one-byte packets cannot queue more than {@code HIGH_WATER / MIN_PIECE_CHARGE} pieces (their objects and
 * read buffers weigh far more than their bytes).
 *
 * <p>Threading. The loop calls {@link #offer}, {@link #wantsMore} and {@link #abort}; a drain task on a storage
 * thread consumes the queue. Hand-offs cost wake-ups, so there are as few as possible: a drain keeps going while
 * pieces keep coming, and it calls the loop back only to resume reading after the loop paused at the high-water
 * mark, or at the end (finished, failed). Two flags decide who acts, each by compare-and-set so exactly one side
 * does:
 * <ul>
 *   <li>{@code draining} is the right to touch the exchange. The loop takes it to start a drain; a drain gives it
 *       back when the queue is empty and takes it again if a piece slipped in meanwhile; it is never given back
 *       after the exchange finished, failed or was aborted. So the exchange sees one thread at a time, in order,
 *       and is aborted only by whoever holds the right: {@link #abort} when no drain runs, else the drain.</li>
 *   <li>{@code paused} says the loop stopped reading. The loop sets it, then re-checks the queue; a drain that
 *       brought the queue below the mark clears it. Whoever clears it resumes reading, so no read is lost.</li>
 * </ul>
 *
 * <p>Memory: at most {@code HIGH_WATER} queued plus the piece being read (the codec's 64 KiB maximum) per upload.
 */
final class BodyPump {
    /** Queued body bytes beyond which the loop stops reading until a drain catches up. */
    static final int HIGH_WATER = 128 * 1024;
    /** What a queued piece costs at least against {@link #HIGH_WATER}: its content object and its read buffer. */
    static final int MIN_PIECE_CHARGE = 1024;

    /** The front door's side of the pump; every call happens on the event loop. */
    interface Listener {
        /** Reading may resume (the queue went below the high-water mark after a pause). */
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
    private final ConcurrentLinkedQueue<HttpContent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile boolean aborted;
    /** Loop-confined: the last piece was offered. */
    private boolean lastQueued;

    BodyPump(Exchange.Streaming exchange, StorageExecutor executor, EventLoop loop, Listener listener) {
        this.exchange = exchange;
        this.executor = executor;
        this.loop = loop;
        this.listener = listener;
    }

    private static int charge(HttpContent c) {
        return Math.max(MIN_PIECE_CHARGE, c.content().readableBytes());
    }

    /** Takes ownership of one piece of the body (loop). */
    void offer(HttpContent content) {
        if (aborted) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        queuedBytes.addAndGet(charge(content));
        queue.add(content);
        lastQueued |= last;
        if (draining.compareAndSet(false, true)) {
            startDrain();
        }
    }

    /**
     * True while the body has not ended and the queue is below the high-water mark (loop). False marks the loop
     * as paused: {@link Listener#drained()} follows once the queue has room.
     */
    boolean wantsMore() {
        if (aborted || lastQueued) {
            return false;
        }
        if (queuedBytes.get() < HIGH_WATER) {
            return true;
        }
        paused.set(true);
        // a drain may have made room between the check and the flag: then it did not see the flag
        return queuedBytes.get() < HIGH_WATER && paused.compareAndSet(true, false);
    }

    /** Drops queued pieces and aborts the exchange, now or when the running drain stops (loop); idempotent. */
    void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        releaseQueued();
        if (draining.compareAndSet(false, true)) {
            executor.execute(exchange::abort); // no drain runs, none will: the exchange is this side's
        }
    }

    private void startDrain() {
        try {
            executor.executeOrRefuse(this::drain);
        } catch (RejectedExecutionException e) {
            // keep the drain right: nothing may touch the exchange but the abort the front door will ask for
            aborted = true;
            releaseQueued();
            executor.execute(exchange::abort);
            loop.execute(() -> listener.failed(e));
        }
    }

    /** A storage thread: consumes the queue in order while it has pieces; finishes after the last one. */
    private void drain() {
        try {
            while (true) {
                HttpContent c;
                while ((c = queue.poll()) != null) {
                    if (aborted) {
                        c.release();
                        continue;
                    }
                    feed(c);
                    if (c instanceof LastHttpContent) {
                        Reply reply = exchange.finish(); // keeps the drain right for good: nothing may follow
                        loop.execute(() -> listener.finished(reply));
                        return;
                    }
                }
                if (aborted) {
                    releaseQueued();
                    exchange.abort();
                    return; // keeps the right: the exchange is done
                }
                draining.set(false);
                // a piece offered (or an abort) after the poll found the queue empty saw draining still set
                if ((queue.isEmpty() && !aborted) || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        } catch (RuntimeException | Error e) {
            aborted = true;
            releaseQueued();
            exchange.abort();
            loop.execute(() -> {
                releaseQueued(); // a piece the loop offered while this failed
                listener.failed(e);
            });
        }
    }

    private void feed(HttpContent c) {
        int n;
        try {
            n = charge(c);
            feed(exchange, c.content());
        } finally {
            c.release();
        }
        if (queuedBytes.addAndGet(-n) < HIGH_WATER && paused.get() && paused.compareAndSet(true, false)) {
            loop.execute(listener::drained);
        }
    }

    /** Hands {@code buf}'s readable bytes to {@code exchange} without copying (any thread; buf stays owned). */
    static void feed(Exchange.Streaming exchange, ByteBuf buf) {
        if (buf.isReadable()) {
            for (ByteBuffer nio : buf.nioBuffers()) {
                exchange.onData(nio);
            }
        }
    }

    private void releaseQueued() {
        HttpContent c;
        while ((c = queue.poll()) != null) {
            queuedBytes.addAndGet(-charge(c));
            c.release();
        }
    }
}
