package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.error.SlowDownException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageIoException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One body on its way upstream while it arrives (pass-through): the writer's thread {@link #put}s bytes in, the
 * thread sending the upstream request reads them from {@link #stream()}, through a ring of {@link #CAPACITY} bytes.
 * So memory is bounded whatever the body size, and back-pressure reaches the client: a full ring blocks the writer's
 * storage thread, whose body queue then fills, and the event loop stops reading the socket (the front door's
 * {@code BodyPump}); no event loop ever waits here.
 *
 * <p><b>Nothing unverified becomes an upstream version.</b> The upstream request declares the body's length, and the
 * last of those bytes is held back until {@link #release()}: the upstream cannot complete the request, so no upstream
 * version exists, before the writer has received the whole body and verified its length, Content-MD5, checksums and
 * payload hash. A refused body is {@link #fail}ed instead: the stream throws, the HTTP client abandons the request
 * mid-body, and the upstream discards it (a gateway killed here does the same). Bytes beyond the declared length are
 * dropped (the writer refuses such a body at commit).
 *
 * <p>Threads: exactly one producer and one consumer; every field is guarded by {@link #lock}.
 */
final class BodyPipe {
    /** Bytes in flight between the client's socket and the upstream's, per upload. */
    static final int CAPACITY = 256 * 1024;

    private final long length;
    private final long stallNanos;
    private final byte[] ring = new byte[CAPACITY];
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long written;
    private long read;
    private boolean released;
    private boolean streamGiven;
    private Throwable failure;
    private int peak;

    /**
     * @param length the declared body length
     * @param stall  how long {@link #put} waits for the upstream to take bytes before giving up (SlowDown)
     */
    BodyPipe(long length, java.time.Duration stall) {
        this.length = length;
        this.stallNanos = stall.toNanos();
    }

    /** Copies {@code src}'s remaining bytes in (up to the declared length), waiting while the ring is full. */
    void put(ByteBuffer src) {
        lock.lock();
        try {
            int take = (int) Math.min(src.remaining(), length - written);
            ByteBuffer in = src.duplicate();
            in.limit(in.position() + take);
            src.position(src.limit()); // bytes beyond the declared length are dropped
            long waited = stallNanos;
            while (in.hasRemaining()) {
                throwIfFailed();
                int free = CAPACITY - (int) (written - read);
                if (free == 0) {
                    if (waited <= 0) {
                        SlowDownException e = new SlowDownException("The upstream S3 service stopped taking the body.");
                        fail(e);
                        throw e;
                    }
                    waited = changed.awaitNanos(waited);
                    continue;
                }
                int at = (int) (written % CAPACITY);
                int n = Math.min(Math.min(free, in.remaining()), CAPACITY - at);
                in.get(ring, at, n);
                written += n;
                peak = Math.max(peak, (int) (written - read));
                waited = stallNanos;
                changed.signalAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(e);
            throw new StorageIoException("interrupted while forwarding a body upstream", e);
        } finally {
            lock.unlock();
        }
    }

    private void throwIfFailed() {
        if (failure instanceof StorageException se) {
            throw se;
        }
        if (failure != null) {
            throw new StorageIoException("the upstream transfer failed: " + failure.getMessage(), failure);
        }
    }

    /** Lets the held-back last byte go: the body is verified, the upstream may complete the request. */
    void release() {
        lock.lock();
        try {
            released = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the transfer with {@code cause} on both sides (the first cause wins); idempotent. */
    void fail(Throwable cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes the ring ever held (tests: the bound). */
    int peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }

    /** The consumer's side; given once (the body cannot be replayed: the HTTP client must not retry it). */
    InputStream stream() {
        lock.lock();
        try {
            if (streamGiven) {
                throw new IllegalStateException("a body forwarded as it arrives cannot be sent twice");
            }
            streamGiven = true;
            return new Out();
        } finally {
            lock.unlock();
        }
    }

    private final class Out extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            lock.lock();
            try {
                while (true) {
                    if (failure != null) {
                        throw new IOException("the body was not forwarded: " + failure.getMessage(), failure);
                    }
                    if (read >= length) {
                        return -1;
                    }
                    long limit = released ? length : length - 1;
                    long available = Math.min(written, limit) - read;
                    if (available > 0) {
                        int at = (int) (read % CAPACITY);
                        int n = (int) Math.min(Math.min(available, len), CAPACITY - at);
                        System.arraycopy(ring, at, b, off, n);
                        read += n;
                        changed.signalAll();
                        return n;
                    }
                    changed.await(); // woken by put, release or fail (the client side has its own timeouts)
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            // the pipe ends by release or fail, never by the HTTP client closing its view
        }
    }
}
