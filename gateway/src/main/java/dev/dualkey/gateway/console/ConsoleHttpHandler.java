package dev.dualkey.gateway.console;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.dualkey.gateway.console.web.ConsoleApp;
import dev.dualkey.gateway.console.web.ConsoleRequest;
import dev.dualkey.gateway.console.web.ConsoleResponse;
import dev.dualkey.gateway.console.web.Cookies;
import dev.dualkey.gateway.console.web.FormData;
import dev.dualkey.gateway.console.web.MultipartParser;
import dev.dualkey.gateway.console.web.SecurityHeaders;
import dev.dualkey.gateway.console.web.StreamingBody;
import dev.dualkey.gateway.console.web.UploadRefusedException;
import dev.dualkey.gateway.console.web.UploadSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * The console's HTTP handler, after {@code HttpServerCodec}. The channel runs with autoRead off and the handler
 * asks for more bytes with {@code read()} only when it is idle, so a slow page, a slow disk or a large upload
 * holds the socket instead of filling memory. Messages the codec decodes while work for this connection is
 * running on the executor wait in a backlog (at most what one socket read produced) and are processed, in
 * order, when that work is done; so at most one task per connection runs at a time.
 *
 * <ul>
 *   <li>Ordinary requests: the body (forms only) is aggregated up to {@link #MAX_FORM_BYTES}; the page runs
 *       on the storage executor; the response is written back on the event loop.</li>
 *   <li>Uploads ({@link ConsoleApp#isUpload}): the multipart body is parsed chunk by chunk on the storage
 *       executor and the file bytes go straight to the {@link UploadSink}; the next chunk is read only when
 *       the previous one is stored.</li>
 *   <li>Streamed responses (downloads): one chunk is read on the executor, written, and only when the
 *       write completes is the next chunk read.</li>
 * </ul>
 * One request is in flight per connection at a time (no pipelining), which keeps the state simple.
 */
final class ConsoleHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleHttpHandler.class);

    /** Cap for url-encoded form bodies; forms here are a handful of short fields. */
    static final int MAX_FORM_BYTES = 64 * 1024;
    /** Cap for the small fields in front of the file in an upload form. */
    static final int MAX_UPLOAD_FIELD_BYTES = 4 * 1024;
    private static final int DOWNLOAD_CHUNK = 64 * 1024;

    private final ConsoleApp app;
    private final Executor executor;
    private final boolean secure;

    private HttpRequest head;
    /** The form body so far, copied piece by piece (held by bytes, never by pieces). */
    private ByteBuf body;
    private final dev.dualkey.gateway.audit.TrustedProxies trustedProxies;
    private UploadState upload;
    private boolean discarding;
    /** Work for this connection is on the executor (or a response is being written). Event loop only. */
    private boolean busy;
    private final java.util.ArrayDeque<Object> backlog = new java.util.ArrayDeque<>();

    ConsoleHttpHandler(ConsoleApp app, Executor executor, boolean secure) {
        this(app, executor, secure, dev.dualkey.gateway.audit.TrustedProxies.NONE);
    }

    /** @param trustedProxies proxies whose {@code X-Forwarded-For} names the browser (issue 18) */
    ConsoleHttpHandler(ConsoleApp app, Executor executor, boolean secure,
                       dev.dualkey.gateway.audit.TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
        this.app = app;
        this.executor = executor;
        this.secure = secure;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (busy || !backlog.isEmpty()) {
            backlog.add(msg); // released when processed (or when the channel closes)
            return;
        }
        process(ctx, msg);
        if (!busy && backlog.isEmpty() && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    private void process(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                onHead(ctx, req);
            }
            if (msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** The executor work of this connection finished (on the event loop): continue with the backlog, then read. */
    private void resume(ChannelHandlerContext ctx) {
        busy = false;
        Object next;
        while (!busy && (next = backlog.poll()) != null) {
            process(ctx, next);
        }
        if (!busy && ctx.channel().isActive()) {
            ctx.read();
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            writeAndClose(ctx, ConsoleResponse.text(400, "Bad request"));
            discarding = true;
            return;
        }
        String path;
        try {
            path = new QueryStringDecoder(req.uri()).path();
        } catch (IllegalArgumentException e) { // a bad percent escape: answer, do not drop the connection
            writeAndClose(ctx, ConsoleResponse.text(400, "Bad request"));
            discarding = true;
            return;
        }
        head = req;
        discarding = false;
        if (app.isUpload(req.method().name(), path)) {
            String boundary = MultipartParser.boundaryOf(req.headers().get(HttpHeaderNames.CONTENT_TYPE));
            if (boundary == null) {
                writeAndClose(ctx, ConsoleResponse.text(400, "Uploads are sent as multipart/form-data."));
                discarding = true;
                return;
            }
            upload = new UploadState(ctx, boundary);
        } else {
            long declared = HttpUtil.getContentLength(req, -1L);
            if (declared > MAX_FORM_BYTES) {
                writeAndClose(ctx, ConsoleResponse.text(413, "The form is too large."));
                discarding = true;
                return;
            }
            body = ctx.alloc().heapBuffer((int) Math.max(0, Math.min(declared, MAX_FORM_BYTES)), MAX_FORM_BYTES);
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (discarding || head == null) {
            return;
        }
        if (upload != null) {
            upload.onContent(content);
            return;
        }
        if (body.readableBytes() + content.content().readableBytes() > MAX_FORM_BYTES) {
            releaseBody();
            writeAndClose(ctx, ConsoleResponse.text(413, "The form is too large."));
            discarding = true;
            return;
        }
        body.writeBytes(content.content());
        if (content instanceof LastHttpContent) {
            String text = body.toString(StandardCharsets.UTF_8);
            releaseBody();
            String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            FormData form = contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")
                    ? FormData.parse(text) : FormData.EMPTY;
            ConsoleRequest request = toRequest(ctx, head, form);
            boolean keepAlive = HttpUtil.isKeepAlive(head);
            head = null;
            runOffLoop(ctx, () -> app.handle(request), keepAlive);
        }
    }

    private ConsoleRequest toRequest(ChannelHandlerContext ctx, HttpRequest req, FormData form) {
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String rawQuery = qs.rawQuery();
        Map<String, String> cookies = Cookies.parse(req.headers().get(HttpHeaderNames.COOKIE));
        return new ConsoleRequest(req.method().name(), qs.path(), FormData.parse(rawQuery), form, cookies,
                req.headers().get(HttpHeaderNames.HOST), req.headers().get(HttpHeaderNames.ORIGIN),
                trustedProxies.resolve(addressOf(ctx.channel().remoteAddress()),
                        req.headers().getAll("X-Forwarded-For")), secure,
                req.headers().get(HttpHeaderNames.AUTHORIZATION)); // metrics: bearer token of /metrics
    }

    private static String addressOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    /** Runs blocking page work on the storage executor and writes its response on the event loop. */
    private void runOffLoop(ChannelHandlerContext ctx, PageCall call, boolean keepAlive) {
        busy = true;
        try {
            executor.execute(() -> {
                ConsoleResponse response;
                try {
                    response = call.run();
                } catch (RuntimeException e) {
                    LOG.error("console page failed", e);
                    response = ConsoleResponse.text(500, "Something went wrong on the server. Please try again.");
                }
                ConsoleResponse r = response;
                ctx.channel().eventLoop().execute(() -> write(ctx, r, keepAlive));
            });
        } catch (RejectedExecutionException e) {
            writeAndClose(ctx, ConsoleResponse.text(503, "The server is busy. Please try again in a moment.")
                    .header("Retry-After", "1"));
        }
    }

    @FunctionalInterface
    private interface PageCall {
        ConsoleResponse run();
    }

    private void write(ChannelHandlerContext ctx, ConsoleResponse r, boolean keepAlive) {
        SecurityHeaders.apply(r, secure);
        StreamingBody stream = r.stream();
        if (stream != null) {
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
            r.headers().forEach(e -> res.headers().add(e.getKey(), e.getValue()));
            HttpUtil.setContentLength(res, stream.length());
            HttpUtil.setKeepAlive(res, keepAlive);
            ctx.writeAndFlush(res);
            pump(ctx, stream, keepAlive);
            return;
        }
        byte[] bytes = r.body();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(bytes));
        r.headers().forEach(e -> res.headers().add(e.getKey(), e.getValue()));
        HttpUtil.setContentLength(res, bytes.length);
        HttpUtil.setKeepAlive(res, keepAlive);
        ctx.writeAndFlush(res).addListener(f -> afterResponse(ctx, keepAlive));
    }

    private void afterResponse(ChannelHandlerContext ctx, boolean keepAlive) {
        if (keepAlive && ctx.channel().isActive()) {
            resume(ctx);
        } else {
            ctx.close();
        }
    }

    /** Reads the next download chunk on the executor; writes it; repeats when the write has completed. */
    private void pump(ChannelHandlerContext ctx, StreamingBody stream, boolean keepAlive) {
        try {
            executor.execute(() -> {
                byte[] buf = new byte[DOWNLOAD_CHUNK];
                int n;
                try {
                    n = stream.read(buf);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("console download failed mid-stream", e);
                    closeQuietly(stream);
                    ctx.channel().eventLoop().execute(ctx::close);
                    return;
                }
                ctx.channel().eventLoop().execute(() -> {
                    if (n < 0) {
                        closeQuietly(stream);
                        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
                                .addListener(f -> afterResponse(ctx, keepAlive));
                    } else {
                        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(buf, 0, n)))
                                .addListener(f -> {
                                    if (f.isSuccess()) {
                                        pump(ctx, stream, keepAlive);
                                    } else {
                                        closeQuietly(stream);
                                        ctx.close();
                                    }
                                });
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            closeQuietly(stream);
            ctx.close();
        }
    }

    private static void closeQuietly(StreamingBody stream) {
        try {
            stream.close();
        } catch (IOException e) {
            LOG.debug("closing a download stream failed", e);
        }
    }

    private void writeAndClose(ChannelHandlerContext ctx, ConsoleResponse r) {
        SecurityHeaders.apply(r, secure);
        byte[] bytes = r.body();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(bytes));
        r.headers().forEach(e -> res.headers().add(e.getKey(), e.getValue()));
        HttpUtil.setContentLength(res, bytes.length);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        head = null;
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Object m;
        while ((m = backlog.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
        releaseBody();
        if (upload != null) {
            upload.abortLater();
        }
        ctx.fireChannelInactive();
    }

    /** The guard saw a request body stall: answer 400 and close (S3 answers RequestTimeout the same way). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == dev.dualkey.gateway.http.SlowClientGuard.BODY_TIMEOUT) {
            if (head != null && !discarding) {
                releaseBody();
                discarding = true;
                writeAndClose(ctx, ConsoleResponse.text(400, "Your connection was idle too long while sending "
                        + "the request. Please try again."));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        dev.dualkey.gateway.http.FatalErrors.check(cause);
        LOG.debug("console connection error", cause);
        ctx.close();
    }

    /**
     * One streamed upload. Every network chunk is copied (bounded: one chunk) and parsed on the executor;
     * small fields before the file are collected into a form; at the file part the app decides whether to
     * accept it ({@link ConsoleApp#beginUpload}), then bytes flow into the sink.
     */
    private final class UploadState implements MultipartParser.Listener {
        private final ChannelHandlerContext ctx;
        private final MultipartParser parser;
        private final boolean keepAlive;
        private final java.util.LinkedHashMap<String, String> fields = new java.util.LinkedHashMap<>();
        private final HttpRequest uploadHead;
        private String fieldName;
        private java.io.ByteArrayOutputStream fieldValue;
        private UploadSink sink;
        private boolean fileSeen;
        private ConsoleResponse outcome;

        UploadState(ChannelHandlerContext ctx, String boundary) {
            this.ctx = ctx;
            this.parser = new MultipartParser(boundary, this);
            this.keepAlive = HttpUtil.isKeepAlive(head);
            this.uploadHead = head;
        }

        void onContent(HttpContent content) {
            byte[] bytes = ByteBufUtil.getBytes(content.content());
            boolean last = content instanceof LastHttpContent;
            busy = true;
            try {
                executor.execute(() -> {
                    ConsoleResponse done = step(bytes, last);
                    ctx.channel().eventLoop().execute(() -> {
                        if (done != null) {
                            upload = null;
                            head = null;
                            if (last) {
                                write(ctx, done, keepAlive);
                            } else {
                                // Refused or failed before the body ended: answer and close, the rest is unread.
                                discarding = true;
                                writeAndClose(ctx, done);
                            }
                        } else {
                            resume(ctx);
                        }
                    });
                });
            } catch (RejectedExecutionException e) {
                upload = null;
                writeAndClose(ctx, ConsoleResponse.text(503, "The server is busy. Please try again in a moment."));
            }
        }

        /** Runs on the executor; returns the response once the upload is finished or refused. */
        private ConsoleResponse step(byte[] bytes, boolean last) {
            try {
                parser.feed(bytes, 0, bytes.length);
                if (outcome != null) {
                    abortSink();
                    return outcome;
                }
                if (last) {
                    if (!parser.isComplete()) {
                        abortSink();
                        return ConsoleResponse.text(400, "The upload ended early. Please try again.");
                    }
                    if (sink == null) {
                        return ConsoleResponse.text(400, "Choose a file to upload.");
                    }
                    UploadSink s = sink;
                    sink = null;
                    return s.commit();
                }
                return null;
            } catch (IOException | RuntimeException e) {
                LOG.warn("console upload failed", e);
                abortSink();
                return ConsoleResponse.text(e instanceof MultipartParser.MalformedMultipartException ? 400 : 500,
                        "The upload failed. Please try again.");
            }
        }

        private void abortSink() {
            if (sink != null) {
                sink.abort();
                sink = null;
            }
        }

        void abortLater() {
            try {
                executor.execute(this::abortSink);
            } catch (RejectedExecutionException e) {
                abortSink();
            }
        }

        @Override
        public void partStart(String name, String fileName, String contentType) throws IOException {
            if (fileName == null) {
                if (fileSeen) {
                    return; // fields after the file are ignored; the form puts the file last
                }
                fieldName = name;
                fieldValue = new java.io.ByteArrayOutputStream();
                return;
            }
            if (fileSeen) {
                throw new MultipartParser.MalformedMultipartException("one file per upload");
            }
            fileSeen = true;
            ConsoleRequest request = toRequest(ctx, uploadHead, FormData.of(fields));
            try {
                sink = app.beginUpload(request, fileName, contentType);
            } catch (UploadRefusedException e) {
                outcome = e.response();
            }
        }

        @Override
        public void partData(byte[] buf, int off, int len) throws IOException {
            if (fieldValue != null) {
                if (fieldValue.size() + len > MAX_UPLOAD_FIELD_BYTES) {
                    throw new MultipartParser.MalformedMultipartException("form field too long");
                }
                fieldValue.write(buf, off, len);
            } else if (sink != null) {
                sink.write(buf, off, len);
            }
        }

        @Override
        public void partEnd() {
            if (fieldValue != null) {
                fields.putIfAbsent(fieldName, fieldValue.toString(StandardCharsets.UTF_8));
                fieldValue = null;
            }
        }
    }
}
