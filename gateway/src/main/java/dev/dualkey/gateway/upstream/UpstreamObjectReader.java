package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.DataSegment;
import dev.dualkey.storage.ObjectReader;
import dev.dualkey.storage.checksum.MultipartChecksums;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An open version of the upstream store. Nothing is fetched at open: each {@link #read} segment and each
 * {@link #openStream} is one ranged GET of the upstream version, pulled as the caller consumes it (64 KiB at a
 * time), so memory is bounded whatever the object size. Segments follow the version's part layout (one per part of
 * a multipart object), as the RocksDB store's do. The version is pinned ({@link Pins}) until {@link #close}.
 */
final class UpstreamObjectReader implements ObjectReader {
    static final int CHUNK = 64 * 1024;

    private final ObjectVersion version;
    private final String upstreamBucket;
    private final String upstreamId;
    private final Upstream upstream;
    private final Pins pins;
    private final java.util.concurrent.Executor fetcher;
    private final List<InputStream> open = new ArrayList<>();
    private volatile boolean closed;

    UpstreamObjectReader(ObjectVersion version, String upstreamId, Upstream upstream, Pins pins,
                         java.util.concurrent.Executor fetcher) {
        this.version = version;
        this.fetcher = fetcher;
        this.upstreamBucket = version.bucket();
        this.upstreamId = upstreamId;
        this.upstream = upstream;
        this.pins = pins;
        pins.pin(upstreamBucket, upstreamId);
    }

    @Override
    public ObjectVersion version() {
        return version;
    }

    /** The upstream version read (pinned while this reader is open). */
    String upstreamId() {
        return upstreamId;
    }

    @Override
    public List<DataSegment> read(long offset, long length) {
        check(offset, length);
        List<DataSegment> out = new ArrayList<>();
        long partStart = 0;
        List<Long> sizes = new ArrayList<>();
        if (version.partsCount() > 0) {
            MultipartChecksums.partsOf(version).forEach(p -> sizes.add(p.size()));
        }
        if (sizes.isEmpty()) {
            sizes.add(version.size());
        }
        long end = offset + length;
        for (long size : sizes) {
            long from = Math.max(offset, partStart);
            long to = Math.min(end, partStart + size);
            if (from < to) {
                out.add(new DataSegment.Decrypted(new Pull(from, to - from)));
            }
            partStart += size;
        }
        return out;
    }

    @Override
    public InputStream openStream(long offset, long length) {
        check(offset, length);
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        InputStream in = upstream.openRange(upstreamBucket, version.key(), upstreamId, offset, length);
        synchronized (this) {
            open.add(in);
        }
        return in;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > version.size()) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside the object of "
                    + version.size() + " bytes");
        }
        if (closed) {
            throw new IllegalStateException("reader closed");
        }
    }

    /**
     * One segment's bytes: a ranged GET read ahead on a storage thread ({@code fetcher}), at most {@link #AHEAD}
     * chunks (so memory stays bounded and a slow client holds no thread). {@link #ready()} / {@link #whenReady}
     * let an event loop pull without ever waiting on the network; {@link #next()} waits when called early (the
     * blocking callers: copies).
     */
    private final class Pull implements DataSegment.PlainChunks {
        private static final int AHEAD = 4;
        private final long offset;
        private final long length;
        private final java.util.ArrayDeque<ByteBuffer> buffered = new java.util.ArrayDeque<>();
        private long fetched;
        private long delivered;
        private boolean fetching;
        private RuntimeException failure;
        private Runnable waiter;
        private InputStream in;

        Pull(long offset, long length) {
            this.offset = offset;
            this.length = length;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public synchronized boolean ready() {
            return !buffered.isEmpty() || failure != null || delivered >= length;
        }

        @Override
        public void whenReady(Runnable callback) {
            boolean now;
            synchronized (this) {
                now = ready();
                if (!now) {
                    waiter = callback;
                    startFetch();
                }
            }
            if (now) {
                callback.run();
            }
        }

        @Override
        public synchronized ByteBuffer next() {
            while (buffered.isEmpty() && failure == null && delivered < length) {
                startFetch();
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StorageIoException("interrupted while reading from the upstream");
                }
            }
            if (!buffered.isEmpty()) {
                ByteBuffer b = buffered.poll();
                delivered += b.remaining();
                startFetch();
                return b;
            }
            if (failure != null) {
                throw failure;
            }
            return null;
        }

        /**
         * Copies what is fetched into {@code dst} (waiting only when nothing is, as {@link #next()}); a fetched piece
         * larger than {@code dst} stays at the head of the queue with its position moved.
         */
        @Override
        public synchronized int read(ByteBuffer dst) {
            int n = 0;
            while (dst.hasRemaining()) {
                ByteBuffer head = buffered.peek();
                if (head == null) {
                    if (n > 0) {
                        break; // what is here, without waiting for more
                    }
                    ByteBuffer b = next();
                    if (b == null) {
                        return -1;
                    }
                    delivered -= b.remaining(); // counted below, as copied
                    buffered.addFirst(b);
                    continue;
                }
                int take = Math.min(head.remaining(), dst.remaining());
                ByteBuffer part = head.duplicate();
                part.limit(part.position() + take);
                dst.put(part);
                head.position(head.position() + take);
                delivered += take;
                n += take;
                if (!head.hasRemaining()) {
                    buffered.poll();
                }
            }
            startFetch();
            return n;
        }

        /** Starts the read-ahead task unless it runs, the buffer is full or everything was fetched. */
        private void startFetch() {
            if (!fetching && failure == null && fetched < length && buffered.size() < AHEAD && !closed) {
                fetching = true;
                fetcher.execute(this::fetch);
            }
        }

        private void fetch() {
            while (true) {
                ByteBuffer chunk = null;
                RuntimeException error = null;
                try {
                    if (in == null) {
                        in = openStream(offset, length);
                    }
                    long left;
                    synchronized (this) {
                        left = length - fetched;
                    }
                    byte[] buf = in.readNBytes((int) Math.min(CHUNK, left));
                    if (buf.length == 0) {
                        throw new StorageIoException("the upstream ended the body " + left + " bytes early");
                    }
                    chunk = ByteBuffer.wrap(buf);
                } catch (IOException e) {
                    error = new UncheckedIOException("reading from the upstream failed", e);
                } catch (RuntimeException e) {
                    error = e;
                }
                Runnable w;
                boolean more;
                synchronized (this) {
                    if (error != null) {
                        failure = error;
                    } else {
                        buffered.add(chunk);
                        fetched += chunk.remaining();
                    }
                    more = failure == null && fetched < length && buffered.size() < AHEAD && !closed;
                    fetching = more;
                    w = waiter;
                    waiter = null;
                    notifyAll();
                }
                if (w != null) {
                    w.run();
                }
                if (!more) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        List<InputStream> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(open);
            open.clear();
        }
        for (InputStream in : toClose) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection is discarded
            }
        }
        pins.unpin(upstreamBucket, upstreamId);
    }
}
