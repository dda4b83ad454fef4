package dev.dualkey.gateway.http;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection request state machine. The channel runs with autoRead off: one message is read at a time
 * ({@code FlowControlHandler} upstream guarantees it), and the next read is requested only when the current one
 * has been handled, which is the upload back-pressure.
 *
 * <pre>
 * IDLE --head--> STARTING --(begin on executor)--> AGGREGATING | STREAMING --last--> WORKING --> WRITING --> IDLE
 *   |               \--failure--> DISCARDING (small unread body, reply held) --last--> WRITING --> IDLE
 *   |                           \-> WRITING --> close (large or unsent body)
 *   \--head of a small body (100 Continue if expected)--> COLLECTING --last--> WORKING (begin + body + finish) --> WRITING
 * </pre>
 *
 * Every state change happens on the channel's event loop; endpoint code runs on the storage executor with at
 * most one task per connection in flight. Each executor hop costs two thread hand-offs, so small requests take as
 * few as possible: a request whose whole body is small ({@link #EARLY_BODY_MAX}: GETs, presigned PUTs, small
 * PutObject and UploadPart calls) is collected first and then begun, fed and finished in a single task; with
 * {@code Expect: 100-continue} it gets its 100 Continue at once. Only a larger body with the expectation is begun
 * first (authentication and authorization answer before the client sends it); a large body is fed while the loop
 * reads on ({@link BodyPump}).
 */
public final class FrontDoorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoorHandler.class);
    /** Unread bodies up to this size are drained after an early error so the connection can be kept alive. */
    private static final long MAX_DRAIN_BYTES = 1024 * 1024;
    /**
     * Bodies up to this size sent without {@code Expect: 100-continue} are read before the request is begun, so
     * begin, body and finish take one executor task; the client sends them anyway, and the bound keeps the memory
     * held for a request not yet authenticated small.
     */
    static final long EARLY_BODY_MAX = BodyPump.HIGH_WATER;

    private enum State {
        IDLE, COLLECTING, STARTING, AGGREGATING, STREAMING, WORKING, WRITING, DISCARDING, CLOSED
    }

    private final List<Endpoint> endpoints;
    private final StorageExecutor executor;
    private final boolean tls;
    private final InFlight inFlight;

    private State state = State.IDLE;
    private RequestHead head;
    private Endpoint endpoint;
    private Exchange exchange;
    private CompositeByteBuf aggregate;
    /** The streamed body's feeder (STREAMING and the WORKING that follows it). */
    private BodyPump pump;
    /** The whole small body of a request not yet begun (COLLECTING). */
    private List<HttpContent> early;
    private boolean keepAlive;
    private boolean lastSeen;
    /** A read() is outstanding at the flow-control handler. */
    private boolean readPending;
    /** The state machine waits for the next message. */
    private boolean wantData;
    /** An early answer held back until the rest of a small request body has been read and dropped. */
    private Reply pendingReply;

    /** Counts requests in progress so a graceful shutdown can wait for them. */
    public interface InFlight {
        void started();

        void finished();
    }

    public FrontDoorHandler(List<Endpoint> endpoints, StorageExecutor executor, boolean tls, InFlight inFlight) {
        this.endpoints = List.copyOf(endpoints);
        this.executor = executor;
        this.tls = tls;
        this.inFlight = inFlight;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readNext(ctx);
        ctx.fireChannelActive();
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
        } catch (RuntimeException e) {
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

    /** The peer's IP address, for {@code aws:SourceIp}; null for a channel without one (embedded tests). */
    private static String clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : null;
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (state != State.IDLE) {
            ctx.close(); // a new request while one is in progress: the client broke HTTP/1.1 framing
            return;
        }
        inFlight.started();
        state = State.STARTING;
        keepAlive = HttpUtil.isKeepAlive(request);
        lastSeen = false;
        head = null;
        endpoint = null;
        head = new RequestHead(newRequestId(), newHostId(), request, tls, clientAddress(ctx));
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            // Bad request line or headers: framing is unknown, so answer and close.
            endpoint = endpoints.get(endpoints.size() - 1);
            keepAlive = false;
            Reply reply = endpoint.error(head, new MalformedRequestException(String.valueOf(result.cause())));
            sendReply(ctx, reply);
            return;
        }
        endpoint = pick(request);
        boolean smallBody = head.contentLength() > 0 && head.contentLength() <= EARLY_BODY_MAX;
        if (head.hasNoBody() || smallBody) {
            if (smallBody && head.expectContinue()) {
                // SDK v1 and botocore put Expect on PutObject/UploadPart and wait for this before sending the
                // body. For a small body, answering it at once (RFC 9110 10.1.1 allows that or a final status)
                // saves a storage task and its two thread hand-offs per request; refusing before the body
                // would only spare the client sending at most EARLY_BODY_MAX bytes, which it may send unasked.
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            state = State.COLLECTING;
            early = new ArrayList<>(2);
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
        exchange = ex;
        if (head.expectContinue() && !lastSeen) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        if (ex instanceof Exchange.Aggregated) {
            state = State.AGGREGATING;
            aggregate = ctx.alloc().compositeBuffer(1024);
        } else {
            state = State.STREAMING;
            pump = new BodyPump((Exchange.Streaming) ex, executor, ctx.channel().eventLoop(), new PumpListener(ctx),
                    head.contentLength());
        }
        readNext(ctx);
    }

    /** Collects the small body of a request not begun yet; at its end, runs the whole request in one task. */
    private void collect(ChannelHandlerContext ctx, HttpContent content, boolean last) {
        early.add(content);
        if (!last) {
            readNext(ctx);
            return;
        }
        List<HttpContent> pieces = early;
        early = null;
        state = State.WORKING;
        RequestHead h = head;
        Endpoint e = endpoint;
        executor.submit(() -> WholeRequest.run(e, h, pieces), ctx.channel().eventLoop(), (reply, failure) -> {
            WholeRequest.release(pieces); // here, not in the task: a refused task never ran
            done(ctx, reply, failure);
        });
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            lastSeen = true;
        }
        switch (state) {
            case COLLECTING -> collect(ctx, content, last);
            case AGGREGATING -> aggregate(ctx, content, last);
            case STREAMING -> stream(ctx, content, last);
            case DISCARDING -> {
                content.release();
                if (last) {
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
        ByteBuf data = content.content();
        if (aggregate.readableBytes() + (long) data.readableBytes() > agg.maxBodyBytes()) {
            content.release();
            fail(ctx, new BodyTooLargeException(agg.maxBodyBytes()));
            return;
        }
        aggregate.addComponent(true, data);
        if (!last) {
            readNext(ctx);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(aggregate);
        aggregate.release();
        aggregate = null;
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
        sendReply(ctx, reply);
    }

    /** Answers a failure, aborting the exchange; keeps the connection only when the rest of the body is small. */
    private void fail(ChannelHandlerContext ctx, Throwable failure) {
        if (aggregate != null) {
            aggregate.release();
            aggregate = null;
        }
        abortExchange();
        if (head == null || endpoint == null) {
            ctx.close(); // nothing parsed to answer to
            return;
        }
        sendReply(ctx, endpoint.error(head, failure));
    }

    /**
     * Sends a reply. When the request body has not been read to its end, a small remainder is read and dropped
     * first and the reply follows it (answering while a client still sends confuses some clients and would
     * desynchronise keep-alive); a large or not-yet-sent ({@code Expect: 100-continue}) body closes the
     * connection after the reply instead.
     */
    private void sendReply(ChannelHandlerContext ctx, Reply reply) {
        if (!lastSeen) {
            boolean small = head.hasNoBody()
                    || (!head.expectContinue() && head.contentLength() >= 0
                    && head.contentLength() <= MAX_DRAIN_BYTES);
            if (small && keepAlive && !reply.closeRequested()) {
                pendingReply = reply;
                state = State.DISCARDING;
                readNext(ctx);
                return;
            }
        }
        boolean keep = keepAlive && !reply.closeRequested() && lastSeen;
        state = State.WRITING;
        ResponseWriter.write(ctx, head, reply, keep, tls).addListener(f -> {
            inFlight.finished();
            if (!f.isSuccess() || !keep) {
                state = State.CLOSED;
                ctx.close();
                return;
            }
            state = State.IDLE;
            readNext(ctx);
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        if (aggregate != null) {
            aggregate.release();
            aggregate = null;
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

    /** Releases a collected early body and aborts the exchange (through its pump when streaming). */
    private void abortExchange() {
        if (early != null) {
            WholeRequest.release(early);
            early = null;
        }
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
        if (evt instanceof IdleStateEvent) {
            // A client that neither sends nor reads for the idle period holds resources: drop it.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error", cause);
        ctx.close();
    }

    private static String newRequestId() {
        long v = ThreadLocalRandom.current().nextLong();
        return String.format("%016X", v);
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
