package dev.dualkey.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long a client can keep a connection waiting (issue 12 F, slow clients). It sits after the HTTP codec
 * and sees decoded messages going in, the handler's {@code read()} demand going out and the responses written:
 *
 * <ul>
 *   <li><b>Head</b>: from the moment the connection opens, or the previous response has been written and its
 *       request read to the end, the next request head must arrive whole within {@code requestHeadTimeout}
 *       (which is also the keep-alive idle bound); otherwise the connection is closed.</li>
 *   <li><b>Body</b>: while the handler asks for body bytes ({@code read()} passed here and no message came back),
 *       at most {@code bodyIdleTimeout} may pass; otherwise a {@link #BODY_TIMEOUT} event goes to the handler,
 *       which answers 400 RequestTimeout and closes, and the guard closes the connection itself one more
 *       timeout later if it is still open. While the server itself works (no read asked for), nothing runs out.</li>
 *   <li><b>Response</b>: while bytes wait in the outbound buffer, they must make progress within
 *       {@code bodyIdleTimeout} (a client that stops reading a response cannot pin it forever).</li>
 * </ul>
 * One timer per connection, re-armed lazily: progress only moves deadlines later, and a timer that fires early
 * re-arms itself for the new deadline, so a trickling client costs no timer work per byte. Event loop only.
 */
public final class SlowClientGuard extends ChannelDuplexHandler {
    /** Fired inbound when a body stalled; the protocol handler answers it (S3: 400 RequestTimeout) and closes. */
    public static final Object BODY_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "BODY_TIMEOUT";
        }
    };
    private static final long NONE = Long.MAX_VALUE;
    private static final Logger LOG = LoggerFactory.getLogger(SlowClientGuard.class);

    private final long headNanos;
    private final long bodyNanos;
    private ChannelHandlerContext ctx;
    /** When the wait for the next head began, or NONE. */
    private long awaitingHeadSince = NONE;
    /** A request head was read and its last content not yet. */
    private boolean inRequest;
    /** When the handler asked for body bytes that have not come, or NONE. */
    private long wantingSince = NONE;
    /** A response is being written (head out, last content's write not complete). */
    private boolean responding;
    private long lastOutputProgress;
    private long outputSnapshotPending = -1;
    private Object outputSnapshotCurrent;
    private long outputSnapshotProgress = -1;
    /** The body timed out: close unconditionally at this time. */
    private long hardCloseAt = NONE;
    private ScheduledFuture<?> timer;
    private long timerAt = NONE;

    public SlowClientGuard(TransportLimits limits) {
        this.headNanos = limits.requestHeadTimeout().toNanos();
        this.bodyNanos = limits.bodyIdleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            awaitHead();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        awaitHead();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            awaitingHeadSince = NONE;
            inRequest = true;
            // The previous request's answer: without this, the end of this request's body would start the wait
            // for a next head while the server still works on it, and a request that took longer than the head
            // timeout on a reused connection was closed without an answer or a log line (issue 17).
            responseDone = false;
        }
        if (msg instanceof HttpContent) {
            wantingSince = NONE;
        }
        if (msg instanceof LastHttpContent) {
            inRequest = false;
            if (!responding && awaitingHeadSince == NONE && responseDone) {
                awaitHead();
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The last response finished while the request was still being read (an early answer); cleared per head. */
    private boolean responseDone;

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (inRequest && wantingSince == NONE) {
            wantingSince = now();
            arm();
        }
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse r && r.status().codeClass() != io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
            responding = true;
            responseDone = false;
            lastOutputProgress = now();
            arm();
        }
        if (msg instanceof LastHttpContent && responding
                && !(msg instanceof HttpResponse r2 && r2.status().equals(HttpResponseStatus.CONTINUE))) {
            promise = promise.unvoid();
            promise.addListener(f -> responseWritten());
        }
        lastOutputProgress = now();
        ctx.write(msg, promise);
    }

    private void responseWritten() {
        responding = false;
        responseDone = true;
        if (!inRequest && ctx.channel().isActive()) {
            awaitHead();
        }
    }

    /** The event loop's clock (a test's EmbeddedChannel advances it without waiting). */
    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void awaitHead() {
        awaitingHeadSince = now();
        wantingSince = NONE;
        arm();
    }

    private long nextDeadline() {
        long d = NONE;
        if (awaitingHeadSince != NONE) {
            d = Math.min(d, awaitingHeadSince + headNanos);
        }
        if (inRequest && wantingSince != NONE) {
            d = Math.min(d, wantingSince + bodyNanos);
        }
        if (responding) {
            d = Math.min(d, now() + Math.max(bodyNanos / 4, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        if (hardCloseAt != NONE) {
            d = Math.min(d, hardCloseAt);
        }
        return d;
    }

    private void arm() {
        if (ctx == null || !ctx.channel().isActive()) {
            return;
        }
        long d = nextDeadline();
        if (d == NONE) {
            return;
        }
        if (timer != null) {
            if (timerAt - d <= 0) {
                return; // the armed timer fires first and re-arms for the later deadline
            }
            timer.cancel(false);
        }
        timerAt = d;
        timer = ctx.executor().schedule(this::check, Math.max(0, d - now()), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        timerAt = NONE;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = now();
        if (hardCloseAt != NONE && now - hardCloseAt >= 0) {
            closeLogged("the request body stalled and the connection stayed open after the 400 RequestTimeout");
            return;
        }
        if (awaitingHeadSince != NONE && now - (awaitingHeadSince + headNanos) >= 0) {
            ctx.close(); // no request to answer yet: the head never arrived whole (also the keep-alive idle end)
            return;
        }
        if (inRequest && wantingSince != NONE && now - (wantingSince + bodyNanos) >= 0) {
            wantingSince = NONE;
            hardCloseAt = now + bodyNanos;
            ctx.fireUserEventTriggered(BODY_TIMEOUT);
        }
        if (responding && outputStalled(now)) {
            closeLogged("the client read none of the response for the body idle timeout");
            return;
        }
        arm();
    }

    /** Closes mid-exchange with a log line: a response cut short must be explainable from the server's log. */
    private void closeLogged(String why) {
        LOG.info("closing the connection from {}: {}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    /** True when bytes wait in the outbound buffer and none moved for the body idle time. */
    private boolean outputStalled(long now) {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        if (out == null) {
            return false;
        }
        long pending = out.totalPendingWriteBytes();
        Object current = out.current();
        long progress = out.currentProgress();
        if (pending != outputSnapshotPending || current != outputSnapshotCurrent
                || progress != outputSnapshotProgress || pending == 0) {
            outputSnapshotPending = pending;
            outputSnapshotCurrent = current;
            outputSnapshotProgress = progress;
            lastOutputProgress = now;
            return false;
        }
        return now - (lastOutputProgress + bodyNanos) >= 0;
    }
}
