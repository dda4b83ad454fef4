package dev.dualkey.gateway.upstream;

import dev.dualkey.storage.DigestingBodyWriter;
import dev.dualkey.storage.Expectations;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PartWriter;
import dev.dualkey.storage.checksum.BodyDigests;
import dev.dualkey.storage.error.IncompleteBodyException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.PartInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

/**
 * A body on its way upstream, for PutObject and UploadPart alike (they differ only in how the body is sent and
 * published): every byte is digested once as it passes, then
 * <ul>
 *   <li><b>pass-through</b> when the length was declared before the first byte ({@link #declareLength}, which the
 *       gateway does for every PutObject and UploadPart): the first byte starts the upstream request on a sending
 *       thread, and bytes flow to it through a bounded {@link BodyPipe} as they arrive; {@link #commit} verifies
 *       length, Content-MD5 and checksums, and only then lets the last byte go, so the upstream version comes into
 *       being only for a verified body;</li>
 *   <li><b>store and forward</b> otherwise: the body is staged in a {@link Spool} file, verified, then sent.</li>
 * </ul>
 * Either way the upstream's answer is checked (a single-part ETag that is an MD5 must be the body's) and the result
 * handed to the {@link Publisher}, which makes the version visible (one index transaction) or refuses. Memory is
 * bounded by {@link BodyPipe#CAPACITY} whatever the size.
 *
 * <p>Threads: the {@link dev.dualkey.storage.BodyWriter} contract (one caller at a time) plus one sending thread per pass-through body,
 * which only reads the pipe and calls the upstream.
 *
 * @param <R> what commit returns
 */
class UpstreamBodyWriter<R> extends DigestingBodyWriter<R> {

    /** Sends one body upstream; the store's side of a writer. */
    interface Sender {
        /** Sends exactly {@code length} bytes of {@code in} (read once); returns what the upstream answered. */
        Upstream.Sent send(InputStream in, long length);

        /** Removes what {@link #send} created and will not be published (a version; nothing for a part). */
        void discard(Upstream.Sent sent);
    }

    /** Makes a sent, verified body visible, or refuses (leaving nothing visible). */
    interface Publisher<R> {
        R publish(Upstream.Sent sent, BodyDigests digests);
    }

    /** PutObject. */
    static final class ForObject extends UpstreamBodyWriter<ObjectVersion> implements ObjectWriter {
        ForObject(Settings s, BodyDigests d, Sender sender, Publisher<ObjectVersion> publisher) {
            super(s, d, sender, publisher);
        }
    }

    /** UploadPart. */
    static final class ForPart extends UpstreamBodyWriter<PartInfo> implements PartWriter {
        ForPart(Settings s, BodyDigests d, Sender sender, Publisher<PartInfo> publisher) {
            super(s, d, sender, publisher);
        }
    }

    /** Where the writer stages or forwards: the spool directory, the sending threads, the stall limit. */
    record Settings(Path spoolDir, ExecutorService sending, Duration stall) {
    }

    private final Settings settings;
    private final Sender sender;
    private final Publisher<R> publisher;
    private long declared = -1;
    private BodyPipe pipe;
    private CompletableFuture<Upstream.Sent> sending;
    private Spool spool;

    UpstreamBodyWriter(Settings settings, BodyDigests digests, Sender sender, Publisher<R> publisher) {
        super(digests);
        this.settings = settings;
        this.sender = sender;
        this.publisher = publisher;
    }

    @Override
    public void declareLength(long length) {
        if (length < 0 || bytesWritten() > 0 || declared >= 0) {
            throw new IllegalStateException("declare a non-negative length once, before the first byte");
        }
        declared = length;
    }

    /** The pipe of a pass-through body once started, else null (tests: its bound). */
    BodyPipe pipe() {
        return pipe;
    }

    /** The upstream request of a pass-through body once started, else null (tests: wait for its end). */
    CompletableFuture<Upstream.Sent> inFlight() {
        return sending;
    }

    @Override
    public void write(ByteBuffer src) {
        requireOpen();
        if (!src.hasRemaining()) {
            return;
        }
        digests().update(src);
        try {
            if (declared == 0) {
                src.position(src.limit()); // bytes of a body declared empty: refused at commit, never sent
            } else if (declared > 0) {
                if (pipe == null) {
                    startSending();
                }
                pipe.put(src);
            } else {
                if (spool == null) {
                    spool = new Spool(settings.spoolDir());
                }
                spool.write(src);
            }
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
    }

    private void startSending() {
        BodyPipe p = new BodyPipe(declared, settings.stall());
        long length = declared;
        pipe = p;
        sending = CompletableFuture.supplyAsync(() -> {
            try {
                return sender.send(p.stream(), length);
            } catch (RuntimeException e) {
                p.fail(e); // the writer's next put fails at once instead of filling the ring
                throw e;
            }
        }, settings.sending());
    }

    @Override
    public R commit(Expectations expected) {
        requireOpen();
        try {
            expected.check(digests());
            if (declared >= 0 && declared != bytesWritten()) {
                throw new IncompleteBodyException("expected " + declared + " bytes, received " + bytesWritten());
            }
            Upstream.Sent sent = send();
            if (sent.contradicts(md5())) {
                sender.discard(sent);
                throw new StorageIoException("the upstream stored other bytes than were sent (ETag " + sent.etag()
                        + ")");
            }
            R result = publisher.publish(sent, digests());
            markCommitted();
            return result;
        } catch (RuntimeException e) {
            abort();
            throw e;
        } finally {
            if (spool != null) {
                spool.delete();
            }
        }
    }

    /** Completes the transfer of the verified body. */
    private Upstream.Sent send() {
        if (pipe != null) {
            pipe.release();
            try {
                return sending.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StorageException se) {
                    throw se;
                }
                throw new StorageIoException("the upstream transfer failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageIoException("interrupted while completing an upstream transfer", e);
            }
        }
        if (spool != null) {
            try (InputStream in = spool.read()) {
                return sender.send(in, bytesWritten());
            } catch (IOException e) {
                throw new StorageIoException("cannot read the spool file: " + e.getMessage(), e);
            }
        }
        return sender.send(InputStream.nullInputStream(), 0); // an empty body
    }

    @Override
    public void abort() {
        if (!markAborted()) {
            return;
        }
        if (pipe != null) {
            // never waits: the sending thread abandons the request mid-body (the upstream keeps nothing)
            pipe.fail(new IOException("the body was abandoned before it was verified"));
        }
        if (spool != null) {
            spool.delete();
        }
    }
}
