package dev.dualkey.gateway.http;

import dev.dualkey.gateway.exec.StorageExecutor;
import dev.dualkey.storage.MemoryOnly;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection request state machine. The channel runs with autoRead off: one message is read at a time
 * ({@code FlowControlHandler} upstream guarantees it), and the next read is requested only when the current one
 * has been handled, which is the upload back-pressure.
 *
 * <pre>
 * IDLE --head--> STARTING --(begin on executor)--> AGGREGATING | COLLECTING | STREAMING --last--> WORKING --> WRITING --> IDLE
 *   |               \--failure--> DISCARDING (small unread body, reply held) --last--> WRITING --> IDLE
 *   |                           \-> WRITING --> close (large or unsent body)
 *   \--head without body, or authenticated head of a small body (100 Continue if expected)
 *          --> COLLECTING --last--> WORKING (begin + body + finish) --> WRITING
 * </pre>
 *
 * Every state change happens on the channel's event loop; endpoint code runs on the storage executor with at
 * most one task per connection in flight. Each executor hop costs two thread hand-offs, so small requests take as
 * few as possible: a request without a body (GET, HEAD, DELETE) and a request whose small body
 * ({@link #EARLY_BODY_MAX}: presigned PUTs, small PutObject and UploadPart calls) comes with a head that
 * {@link Endpoint#authenticatedByHead} proves authentic on the loop are collected first and then begun, fed and
 * finished in a single task; with {@code Expect: 100-continue} such a request gets its 100 Continue at once.
 * Every other request with a body is begun first, and no body byte is read before {@link Endpoint#begin} returns:
 * an unauthenticated client never makes the server hold its body (issue 12 F). A large body is fed while the loop
 * reads on ({@link BodyPump}).
 *
 * <p>Memory and time ({@link TransportLimits}): held bodies are copied into one buffer per request
 * ({@link HeldBody}, counted in the listener's {@link Admission} budget; over it: 503 SlowDown); connections
 * that have not carried an authenticated request are capped (over the cap a new connection is closed at once);
 * {@link SlowClientGuard}
 * upstream bounds how long heads and bodies may take ({@link SlowClientGuard#BODY_TIMEOUT} answers 400
 * RequestTimeout here), and the rest of a body drained after an early answer must arrive within the body idle
 * timeout. An OutOfMemoryError anywhere on this path halts the process ({@link FatalErrors}).
 */
public final class FrontDoorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoorHandler.class);
    /** Unread bodies up to this size are drained after an early error so the connection can be kept alive. */
    private static final long MAX_DRAIN_BYTES = 1024 * 1024;
    /**
     * Bodies up to this size whose head {@link Endpoint#authenticatedByHead} proves authentic are read before the
     * request is begun (with {@code Expect: 100-continue} answered at once), so begin, body and finish take one
     * executor task; a small body of a request begun first is also held whole and fed in one task. Each is held
     * in one buffer of its declared size ({@link HeldBody}).
     */
    static final long EARLY_BODY_MAX = BodyPump.HIGH_WATER;

    private enum State {
        IDLE, COLLECTING, STARTING, AGGREGATING, STREAMING, WORKING, WRITING, DISCARDING, LINGERING, CLOSED
    }

    /**
     * After a final answer sent while the client may still be sending (an unread body, unknown framing), the
     * server half-closes and reads the rest away for at most this long before closing: closing with unread bytes
     * makes the kernel answer them with a reset, which can destroy the answer before the client reads it.
     */
    static final long LINGER_MILLIS = 2_000;

    private final List<Endpoint> endpoints;
    private final StorageExecutor executor;
    private final boolean tls;
    private final InFlight inFlight;
    private final Admission admission;
    private final dev.dualkey.gateway.audit.TrustedProxies trustedProxies;

    private State state = State.IDLE;
    private RequestHead head;
    private Endpoint endpoint;
    private Exchange exchange;
    /** The small body held for one task (COLLECTING) or aggregated for its exchange (AGGREGATING). */
    private HeldBody held;
    /** The streamed body's feeder (STREAMING and the WORKING that follows it). */
    private BodyPump pump;
    /** This connection counts against the listener's cap of unauthenticated connections. */
    private boolean countedUnauthenticated;
    /** Counts requests, so a timer set for one request does not act on the next. */
    private long requestNumber;
    private boolean keepAlive;
    private boolean lastSeen;
    /** The answer goes out while the client may still be sending: close by lingering (half-close, drain). */
    private boolean lingerAfter;
    /** A read() is outstanding at the flow-control handler. */
    private boolean readPending;
    /** The state machine waits for the next message. */
    private boolean wantData;
    /** An early answer held back until the rest of a small request body has been read and dropped. */
    private Reply pendingReply;
    /** Bytes dropped in DISCARDING: a chunked body of unknown length is drained up to {@link #MAX_DRAIN_BYTES}. */
    private long discarded;
    /** metrics: request body bytes received for the current request. */
    private long bodyBytes;

    /** Counts requests in progress so a graceful shutdown can wait for them. */
    public interface InFlight {
        void started();

        void finished();

        /**
         * metrics: the answer to {@code head} was written ({@code written}) or its write failed; {@code bodyBytes}
         * request body bytes were received. On the event loop: must not block.
         */
        default void answered(RequestHead head, Endpoint endpoint, Reply reply, long bodyBytes, boolean written) {
        }
    }

    /** With the default {@link TransportLimits} and an admission of its own (tests). */
    public FrontDoorHandler(List<Endpoint> endpoints, StorageExecutor executor, boolean tls, InFlight inFlight) {
        this(endpoints, executor, tls, inFlight, new Admission(TransportLimits.defaults()));
    }

    /** @param admission the listener's shared counters (unauthenticated connections, held body bytes) */
    public FrontDoorHandler(List<Endpoint> endpoints, StorageExecutor executor, boolean tls, InFlight inFlight,
                            Admission admission) {
        this(endpoints, executor, tls, inFlight, admission, dev.dualkey.gateway.audit.TrustedProxies.NONE);
    }

    /** @param trustedProxies proxies whose {@code X-Forwarded-For} names the client (issue 18) */
    public FrontDoorHandler(List<Endpoint> endpoints, StorageExecutor executor, boolean tls, InFlight inFlight,
                            Admission admission, dev.dualkey.gateway.audit.TrustedProxies trustedProxies) {
        this.trustedProxies = java.util.Objects.requireNonNull(trustedProxies, "trustedProxies");
        this.endpoints = List.copyOf(endpoints);
        this.executor = executor;
        this.tls = tls;
        this.inFlight = inFlight;
        this.admission = admission;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!admission.admitUnauthenticated()) {
            state = State.CLOSED;
            ctx.close(); // over the cap of connections without an authenticated request
            return;
        }
        countedUnauthenticated = true;
        readNext(ctx);
        ctx.fireChannelActive();
    }

    /** The connection proved a key once: it no longer counts as unauthenticated. */
    private void markAuthenticated() {
        if (countedUnauthenticated) {
            countedUnauthenticated = false;
            admission.leaveUnauthenticated();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readPending = false;
        wantData = false;
        try {
            if (msg instanceof HttpRequest request) {
                onHead(ctx, request);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
                return; // ownership passed on
            }
        } catch (Throwable e) {
            // Any throwable, Errors included (an AssertionError, a LinkageError...): the request is answered 500
            // InternalError and the endpoint logs it; rethrown, it reached exceptionCaught, which closed the
            // connection without an answer or a log line above debug (issue 17). An OutOfMemoryError halts.
            FatalErrors.check(e);
            LOG.warn("unexpected failure handling a request", e);
            fail(ctx, e);
        }
        ReferenceCountUtil.release(msg);
    }

    /**
     * Netty 4.2's {@code FlowControlHandler} forgets reads that a socket read batch did not satisfy when the batch
     * completes (e.g. a TLS read that carried only handshake or session-ticket records). So a read is asked for
     * again here while the state machine still waits for a message; at most one read is ever outstanding, so
     * exactly one message arrives per request.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        readPending = false;
        if (wantData) {
            readPending = true;
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    /** Asks for the next message (idempotent while one is outstanding). */
    private void readNext(ChannelHandlerContext ctx) {
        wantData = true;
        if (!readPending) {
            readPending = true;
            ctx.read();
        }
    }

    /**
     * The peer's IP address, for {@code aws:SourceIp}; null for a channel without one (embedded tests). Behind a
     * trusted proxy, the client it forwarded for, with the proxies (audit/TrustedProxies, issue 18).
     */
    private String clientAddress(ChannelHandlerContext ctx, HttpRequest request) {
        String peer = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : null;
        return trustedProxies.any() ? trustedProxies.resolve(peer, request.headers().getAll("X-Forwarded-For"))
                : peer;
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (state == State.LINGERING) {
            readNext(ctx); // pipelined after an answer that ends the connection: dropped
            return;
        }
        if (state != State.IDLE) {
            ctx.close(); // a new request while one is in progress: the client broke HTTP/1.1 framing
            return;
        }
        inFlight.started();
        state = State.STARTING;
        requestNumber++;
        keepAlive = HttpUtil.isKeepAlive(request);
        lastSeen = false;
        lingerAfter = false;
        discarded = 0;
        bodyBytes = 0;
        head = null;
        endpoint = null;
        head = new RequestHead(newRequestId(), newHostId(), request, tls, clientAddress(ctx, request));
        DecoderResult result = request.decoderResult();
        if (result.isFailure() || head.malformedContentLength()) {
            // Bad request line or headers: framing is unknown, so answer, then half-close and drain before closing.
            endpoint = endpoints.get(endpoints.size() - 1);
            keepAlive = false;
            lingerAfter = true;
            lastSeen = true;
            Reply reply = endpoint.error(head, new MalformedRequestException(result.isFailure()
                    ? String.valueOf(result.cause()) : "bad Content-Length"));
            sendReply(ctx, reply);
            return;
        }
        endpoint = pick(request);
        boolean smallBody = head.contentLength() > 0 && head.contentLength() <= EARLY_BODY_MAX;
        if (head.hasNoBody()) {
            state = State.COLLECTING; // only the (empty) last content follows
            readNext(ctx);
            return;
        }
        if (smallBody && endpoint.authenticatedByHead(head)) {
            // The signature over the head (which covers the declared x-amz-content-sha256) checked out with a
            // key already in memory: holding up to EARLY_BODY_MAX bytes for one storage task is safe.
            markAuthenticated();
            if (head.expectContinue()) {
                // SDK v1 and botocore put Expect on PutObject/UploadPart and wait for this before sending the
                // body. For a small body, answering it at once (RFC 9110 10.1.1 allows that or a final status)
                // saves a storage task and its two thread hand-offs per request.
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            state = State.COLLECTING;
            held = new HeldBody(ctx.alloc(), admission, EARLY_BODY_MAX, head.contentLength());
            readNext(ctx);
            return;
        }
        state = State.STARTING;
        RequestHead h = head;
        Endpoint e = endpoint;
        executor.submit(() -> e.begin(h), ctx.channel().eventLoop(), (ex, failure) -> started(ctx, ex, failure));
    }

    private Endpoint pick(HttpRequest request) {
        for (Endpoint e : endpoints) {
            if (e.accepts(request)) {
                return e;
            }
        }
        return endpoints.get(endpoints.size() - 1);
    }

    private void started(ChannelHandlerContext ctx, Exchange ex, Throwable failure) {
        if (state == State.CLOSED) {
            if (ex != null) {
                executor.execute(ex::abort);
            }
            return;
        }
        if (failure != null) {
            fail(ctx, failure);
            return;
        }
        if (!endpoint.anonymous(head)) {
            markAuthenticated(); // a begun POST form or anonymous request has proved no key yet
        }
        exchange = ex;
        if (head.expectContinue() && !lastSeen) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (ex instanceof Exchange.Aggregated agg) {
            state = State.AGGREGATING;
            held = new HeldBody(ctx.alloc(), admission, agg.maxBodyBytes(), head.contentLength());
        } else if (head.contentLength() >= 0 && head.contentLength() <= EARLY_BODY_MAX) {
            // a small streamed body: held whole (by bytes) and fed and finished in one task
            state = State.COLLECTING;
            held = new HeldBody(ctx.alloc(), admission, EARLY_BODY_MAX, head.contentLength());
        } else {
            state = State.STREAMING;
            pump = new BodyPump((Exchange.Streaming) ex, executor, ctx.channel().eventLoop(), new PumpListener(ctx));
        }
        readNext(ctx);
    }

    /**
     * Collects a small body (copied into {@link #held}); at its end runs the rest of the request in one task: the
     * whole request when it was not begun yet, else the streamed exchange's feed and finish.
     */
    private void collect(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        if (!hold(ctx, content, EARLY_BODY_MAX)) {
            return;
        }
        if (!last) {
            readNext(ctx);
            return;
        }
        HeldBody body = held;
        held = null;
        state = State.WORKING;
        RequestHead h = head;
        Endpoint e = endpoint;
        Exchange begun = exchange;
        ByteBuf bytes = body == null ? null : body.buffer();
        if (begun == null && bytes == null && onLoop(ctx, e, h)) {
            return;
        }
        executor.submit(() -> begun == null ? WholeRequest.run(e, h, bytes)
                        : WholeRequest.feedAndFinish((Exchange.Streaming) begun, bytes),
                ctx.channel().eventLoop(), (reply, failure) -> {
                    if (body != null) {
                        body.release(); // here, not in the task: a refused task never ran
                    }
                    if (begun != null && failure != null) {
                        exchange = null; // the task aborted it
                    }
                    done(ctx, reply, failure);
                });
    }

    /**
     * Tries a body-less request on the event loop when its endpoint allows it ({@link Endpoint#loopReads}): the
     * whole request (begin and completion, the same code the storage task runs) inside
     * {@link MemoryOnly#attempt}, where every read that could block refuses with {@link MemoryOnly.WouldBlock}.
     * Returns true when the request was answered here (its reply or its failure, exactly as the task's callback
     * would have); false when a read would have blocked and the caller must run it on the executor, from the
     * start: nothing was answered, nothing kept.
     */
    private boolean onLoop(ChannelHandlerContext ctx, Endpoint e, RequestHead h) {
        LoopReads counts = e.loopReads(h);
        if (counts == null) {
            return false;
        }
        counts.triedOne();
        Reply reply;
        try {
            reply = MemoryOnly.attempt(() -> WholeRequest.run(e, h, null));
        } catch (MemoryOnly.WouldBlock wouldBlock) {
            counts.fellBackOne();
            return false;
        } catch (RuntimeException | Error failure) {
            done(ctx, null, failure);
            return true;
        }
        done(ctx, reply, null);
        return true;
    }

    /**
     * Copies one piece into {@link #held} and releases it; false (the request already failed) when the piece
     * goes over the request's cap or the listener's budget.
     */
    private boolean hold(ChannelHandlerContext ctx, HttpContent content, long cap) {
        if (held == null) {
            content.release(); // a body-less request's empty last content
            return true;
        }
        HeldBody.Outcome outcome;
        try {
            outcome = held.append(content.content());
        } finally {
            content.release();
        }
        switch (outcome) {
            case TOO_LARGE -> {
                fail(ctx, new BodyTooLargeException(cap));
                return false;
            }
            case OVER_BUDGET -> {
                fail(ctx, new RejectedExecutionException("request bodies held in memory are at their cap"));
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            lastSeen = true;
        }
        bodyBytes += content.content().readableBytes(); // metrics
        switch (state) {
            case COLLECTING -> collect(ctx, content, last);
            case AGGREGATING -> aggregate(ctx, content, last);
            case STREAMING -> stream(ctx, content, last);
            case LINGERING -> {
                content.release();
                readNext(ctx);
            }
            case DISCARDING -> {
                discarded += content.content().readableBytes();
                content.release();
                if (!last && discarded > MAX_DRAIN_BYTES) {
                    // a chunked body longer than announced-small: answer now and close
                    keepAlive = false;
                    lastSeen = true;
                    Reply reply = pendingReply;
                    pendingReply = null;
                    lingerAfter = true;
                    sendReply(ctx, reply);
                } else if (last) {
                    Reply reply = pendingReply;
                    pendingReply = null;
                    sendReply(ctx, reply);
                } else {
                    readNext(ctx);
                }
            }
            default -> {
                // Only one read is ever outstanding, so body data cannot arrive in other states; if it does,
                // framing is lost: close rather than risk a hang or a mixed-up response.
                content.release();
                if (state != State.CLOSED) {
                    LOG.warn("unexpected request data in state {}; closing the connection", state);
                    ctx.close();
                }
            }
        }
    }

    private void aggregate(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        Exchange.Aggregated agg = (Exchange.Aggregated) exchange;
        if (!hold(ctx, content, agg.maxBodyBytes())) {
            return;
        }
        if (!last) {
            readNext(ctx);
            return;
        }
        byte[] body = held.toBytes();
        held.release();
        held = null;
        state = State.WORKING;
        executor.submit(() -> agg.complete(body), ctx.channel().eventLoop(), (reply, failure) -> done(ctx,
                reply, failure));
    }

    private void stream(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        pump.offer(content);
        if (last) {
            state = State.WORKING;
        } else if (pump.wantsMore()) {
            readNext(ctx);
        }
    }

    /** The streamed body's progress, on the event loop. */
    private final class PumpListener implements BodyPump.Listener {
        private final ChannelHandlerContext ctx;

        PumpListener(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void drained() {
            if (state == State.STREAMING && pump != null && pump.wantsMore()) {
                readNext(ctx);
            }
        }

        @Override
        public void finished(Reply reply) {
            pump = null;
            done(ctx, reply, null);
        }

        @Override
        public void failed(Throwable failure) {
            if (state == State.CLOSED) {
                return; // channelInactive already settled this request
            }
            pump = null; // it aborted the exchange itself
            exchange = null;
            fail(ctx, failure);
        }
    }

    private void done(ChannelHandlerContext ctx, Reply reply, Throwable failure) {
        if (state == State.CLOSED) {
            if (reply != null && reply.streamedBody() != null) {
                reply.streamedBody().release().run();
            }
            return;
        }
        if (failure != null) {
            fail(ctx, failure);
            return;
        }
        exchange = null;
        pump = null;
        if (reply.status() < 400 && (head == null || endpoint == null || !endpoint.anonymous(head))) {
            markAuthenticated(); // only an authenticated request succeeds (an anonymous one proves no key)
        }
        sendReply(ctx, reply);
    }

    /** Answers a failure, aborting the exchange; keeps the connection only when the rest of the body is small. */
    private void fail(ChannelHandlerContext ctx, Throwable failure) {
        FatalErrors.check(failure);
        releaseHeld();
        abortExchange();
        if (head == null || endpoint == null) {
            LOG.warn("closing a connection after a failure before any request head: {}", String.valueOf(failure));
            ctx.close(); // nothing parsed to answer to
            return;
        }
        Reply reply;
        try {
            reply = endpoint.error(head, failure);
        } catch (Throwable renderFailure) {
            FatalErrors.check(renderFailure);
            renderFailure.addSuppressed(failure);
            LOG.error("request {}: the error answer could not be built; answering a plain 500", head.requestId(),
                    renderFailure);
            reply = plainInternalError(head);
        }
        sendReply(ctx, reply);
    }

    /** The 500 InternalError of last resort, when the endpoint cannot render one: S3's XML, closing. */
    static Reply plainInternalError(RequestHead head) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We "
                + "encountered an internal error. Please try again.</Message><RequestId>" + head.requestId()
                + "</RequestId><HostId>" + head.hostId() + "</HostId></Error>";
        return Reply.status(500).body(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/xml")
                .header("x-amz-request-id", head.requestId()).header("x-amz-id-2", head.hostId())
                .closeConnection();
    }

    /**
     * Sends a reply. When the request body has not been read to its end, a small remainder is read and dropped
     * first and the reply follows it (answering while a client still sends confuses some clients and would
     * desynchronise keep-alive); a large or not-yet-sent ({@code Expect: 100-continue}) body closes the
     * connection after the reply instead.
     */
    private void sendReply(ChannelHandlerContext ctx, Reply reply) {
        if (!lastSeen) {
            // a chunked body of unknown length counts as small here: DISCARDING stops at MAX_DRAIN_BYTES
            boolean small = head.hasNoBody()
                    || (!head.expectContinue() && head.contentLength() <= MAX_DRAIN_BYTES);
            lingerAfter = true; // whatever happens next, the client may still be sending
            if (small && keepAlive && !reply.closeRequested()) {
                // Read the (sent anyway) rest and drop it before answering, so that the client reads the answer
                // instead of a reset; the rest must arrive within the body idle timeout as a whole.
                pendingReply = reply;
                state = State.DISCARDING;
                long number = requestNumber;
                ctx.executor().schedule(() -> {
                    if (state == State.DISCARDING && requestNumber == number) {
                        Reply r = pendingReply;
                        pendingReply = null;
                        keepAlive = false;
                        lastSeen = true; // stop waiting: answer and close
                        sendReply(ctx, r);
                    }
                }, admission.limits().bodyIdleTimeout().toNanos(), TimeUnit.NANOSECONDS);
                readNext(ctx);
                return;
            }
        }
        boolean keep = keepAlive && !reply.closeRequested() && lastSeen;
        boolean linger = !keep && (lingerAfter || !lastSeen);
        state = State.WRITING;
        RequestHead answeredHead = head;
        Endpoint answeredBy = endpoint;
        long received = bodyBytes;
        ResponseWriter.write(ctx, head, reply, keep, tls).addListener(f -> {
            inFlight.answered(answeredHead, answeredBy, reply, received, f.isSuccess()); // metrics
            inFlight.finished();
            if (f.isSuccess() && linger) {
                lingerThenClose(ctx);
                return;
            }
            if (!f.isSuccess() || !keep) {
                state = State.CLOSED;
                ctx.close();
                return;
            }
            state = State.IDLE;
            readNext(ctx);
        });
    }

    /**
     * Lingering close: half-closes (the client sees the end of the answer), then reads and drops whatever the
     * client still sends until it closes its side or {@link #LINGER_MILLIS} pass; then closes.
     */
    private void lingerThenClose(ChannelHandlerContext ctx) {
        state = State.LINGERING;
        if (ctx.channel() instanceof io.netty.channel.socket.DuplexChannel duplex && !tls) {
            duplex.shutdownOutput();
        }
        ctx.executor().schedule(() -> {
            if (state == State.LINGERING) {
                state = State.CLOSED;
                ctx.close();
            }
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        readNext(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        releaseHeld();
        if (countedUnauthenticated) {
            countedUnauthenticated = false;
            admission.leaveUnauthenticated();
        }
        abortExchange();
        Reply pending = pendingReply;
        pendingReply = null;
        if (pending != null && pending.streamedBody() != null) {
            pending.streamedBody().release().run();
        }
        if (was == State.COLLECTING || was == State.STARTING || was == State.AGGREGATING || was == State.STREAMING
                || was == State.WORKING || was == State.DISCARDING) {
            inFlight.finished();
        }
        ctx.fireChannelInactive();
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /** Aborts the exchange (through its pump when streaming). */
    private void abortExchange() {
        Exchange ex = exchange;
        exchange = null;
        BodyPump p = pump;
        pump = null;
        if (p != null) {
            p.abort();
        } else if (ex != null) {
            executor.execute(ex::abort);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent hs) {
            if (!hs.isSuccess()) {
                ctx.close();
                return;
            }
        }
        if (evt == SlowClientGuard.BODY_TIMEOUT) {
            onBodyTimeout(ctx);
            return;
        }
        if (evt instanceof IdleStateEvent) {
            // A client that neither sends nor reads for the idle period holds resources: drop it. With a request
            // still in progress (the server's own work outlasted the idle period) that drop is said in the log.
            if (state != State.IDLE && state != State.CLOSED && state != State.LINGERING && head != null) {
                LOG.warn("closing a connection idle too long with request {} in progress (state {})",
                        head.requestId(), state);
            }
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The client stalled while the server waited for body bytes: 400 RequestTimeout (as S3), then close. */
    private void onBodyTimeout(ChannelHandlerContext ctx) {
        keepAlive = false;
        switch (state) {
            case COLLECTING, AGGREGATING, STREAMING -> fail(ctx, new RequestTimeoutException());
            case DISCARDING -> {
                Reply r = pendingReply;
                pendingReply = null;
                lastSeen = true;
                sendReply(ctx, r);
            }
            default -> {
                // not waiting for the client (working or writing): the guard's read demand was stale
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        FatalErrors.check(cause);
        boolean awaitsAnswer = state == State.COLLECTING || state == State.AGGREGATING
                || state == State.STREAMING || state == State.DISCARDING;
        if (connectionLevel(cause) || head == null || endpoint == null || !awaitsAnswer) {
            // The peer went away or broke the transport, or no request awaits an answer from here (idle, already
            // answering, or a storage task in flight whose late result must not become a second answer).
            if (connectionLevel(cause) || state == State.IDLE || state == State.CLOSED) {
                LOG.debug("connection error", cause);
            } else {
                LOG.warn("closing a connection in state {} after an unexpected failure", state, cause);
            }
            ctx.close();
            return;
        }
        // A handler failed while a request waits for its answer: answer it (500, logged by the endpoint) and
        // close, rather than drop the connection silently (issue 17).
        LOG.warn("unexpected failure on a connection with a request in progress", cause);
        keepAlive = false;
        fail(ctx, cause);
    }

    /** A failure of the connection itself (socket, TLS, HTTP framing) rather than of request handling. */
    private static boolean connectionLevel(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException || c instanceof io.netty.handler.codec.DecoderException) {
                return true; // SSLException is an IOException
            }
        }
        return false;
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** 16 upper-case hex digits (as {@code String.format("%016X")}, without the Formatter on every request). */
    static String newRequestId() {
        long v = ThreadLocalRandom.current().nextLong();
        byte[] out = new byte[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (v & 0xF)];
            v >>>= 4;
        }
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String newHostId() {
        byte[] b = new byte[24];
        ThreadLocalRandom.current().nextBytes(b);
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    /** The request line or headers could not be parsed. */
    public static final class MalformedRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message);
        }
    }

    /**
     * The client sent no body bytes for the body idle timeout while the server waited for them (S3's 400
     * RequestTimeout: "Your socket connection to the server was not read from or written to within the timeout
     * period").
     */
    public static final class RequestTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RequestTimeoutException() {
            super("the request body stalled past the body idle timeout");
        }
    }

    /** An aggregated body exceeded its route's cap. */
    public static final class BodyTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        BodyTooLargeException(long limit) {
            super("request body larger than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

}
