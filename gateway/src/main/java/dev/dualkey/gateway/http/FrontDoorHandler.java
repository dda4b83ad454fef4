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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
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
 * IDLE --head--> STARTING --(begin on executor)--> AGGREGATING | STREAMING --last--> (reply) --> IDLE
 *                   \--failure--> reply error --> DISCARDING (small unread body) | close
 * </pre>
 *
 * Every state change happens on the channel's event loop; endpoint code runs on the storage executor with at
 * most one task per connection in flight.
 */
public final class FrontDoorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(FrontDoorHandler.class);
    /** Unread bodies up to this size are drained after an early error so the connection can be kept alive. */
    private static final long MAX_DRAIN_BYTES = 1024 * 1024;

    private enum State { IDLE, STARTING, AGGREGATING, STREAMING, WORKING, WRITING, DISCARDING, CLOSED }

    private final List<Endpoint> endpoints;
    private final StorageExecutor executor;
    private final boolean tls;
    private final InFlight inFlight;

    private State state = State.IDLE;
    private RequestHead head;
    private Endpoint endpoint;
    private Exchange exchange;
    private CompositeByteBuf aggregate;
    private boolean keepAlive;
    private boolean lastSeen;

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
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
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

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (state != State.IDLE) {
            ctx.close(); // a new request while one is in progress: the client broke HTTP/1.1 framing
            return;
        }
        inFlight.started();
        keepAlive = HttpUtil.isKeepAlive(request);
        lastSeen = false;
        head = new RequestHead(newRequestId(), newHostId(), request, tls);
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
        }
        ctx.read();
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            lastSeen = true;
        }
        switch (state) {
            case AGGREGATING -> aggregate(ctx, content, last);
            case STREAMING -> stream(ctx, content, last);
            case DISCARDING -> {
                content.release();
                if (last) {
                    state = State.IDLE;
                    ctx.read();
                } else {
                    ctx.read();
                }
            }
            default -> content.release();
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
            ctx.read();
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
        Exchange.Streaming s = (Exchange.Streaming) exchange;
        state = State.WORKING;
        executor.submit(() -> {
            try {
                ByteBuf buf = content.content();
                if (buf.isReadable()) {
                    for (ByteBuffer nio : buf.nioBuffers()) {
                        s.onData(nio);
                    }
                }
            } finally {
                content.release();
            }
            return last ? s.finish() : null;
        }, ctx.channel().eventLoop(), (reply, failure) -> {
            if (state == State.CLOSED) {
                return;
            }
            if (failure != null || last) {
                done(ctx, reply, failure);
                return;
            }
            state = State.STREAMING;
            ctx.read();
        });
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
        sendReply(ctx, reply);
    }

    /** Answers a failure, aborting the exchange; keeps the connection only when the rest of the body is small. */
    private void fail(ChannelHandlerContext ctx, Throwable failure) {
        if (aggregate != null) {
            aggregate.release();
            aggregate = null;
        }
        Exchange ex = exchange;
        exchange = null;
        if (ex != null) {
            executor.execute(ex::abort);
        }
        Reply reply = endpoint != null ? endpoint.error(head, failure)
                : Reply.status(500).closeConnection();
        sendReply(ctx, reply);
    }

    private void sendReply(ChannelHandlerContext ctx, Reply reply) {
        boolean drain = false;
        if (!lastSeen) {
            boolean small = head.hasNoBody()
                    || (!head.expectContinue() && head.contentLength() >= 0
                    && head.contentLength() <= MAX_DRAIN_BYTES);
            drain = small && keepAlive;
        }
        boolean keep = keepAlive && !reply.closeRequested() && (lastSeen || drain);
        State next = keep ? (lastSeen ? State.IDLE : State.DISCARDING) : State.CLOSED;
        state = State.WRITING;
        ResponseWriter.write(ctx, head, reply, keep, tls).addListener(f -> {
            inFlight.finished();
            if (!f.isSuccess() || next == State.CLOSED) {
                state = State.CLOSED;
                ctx.close();
                return;
            }
            state = next;
            ctx.read();
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
        Exchange ex = exchange;
        exchange = null;
        if (ex != null) {
            executor.execute(ex::abort);
        }
        if (was == State.STARTING || was == State.AGGREGATING || was == State.STREAMING || was == State.WORKING) {
            inFlight.finished();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
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
