package dev.dualkey.gateway.http;

import dev.dualkey.storage.DataSegment;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes a {@link Reply} on the event loop: the request ids and Date on every response, no body for HEAD, and
 * streamed object data as zero-copy file regions without TLS or as chunked reads under TLS; encrypted data as
 * chunks decrypted on demand, the connection aborted if one fails its integrity check.
 */
final class ResponseWriter {
    private ResponseWriter() {
    }

    /**
     * The small body over the reply's own arrays (unpooled heap, nothing to release): its parts as one composite
     * buffer when it has parts, so a chunked XML document is not joined before Netty copies it to the socket.
     */
    private static ByteBuf smallBody(Reply reply) {
        ByteBuffer[] parts = reply.bodyParts();
        if (parts == null) {
            return Unpooled.wrappedBuffer(reply.body());
        }
        ByteBuffer[] views = new ByteBuffer[parts.length];
        for (int i = 0; i < parts.length; i++) {
            views[i] = parts[i].duplicate();
        }
        return Unpooled.wrappedBuffer(views.length, views);
    }

    /**
     * @return the future of the last write; the streamed body's release has been attached to it
     */
    static ChannelFuture write(ChannelHandlerContext ctx, RequestHead head, Reply reply, boolean keepAlive,
                               boolean tls) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        Reply.StreamedBody streamed = reply.streamedBody();
        boolean sendBody = head == null || !head.isHead();
        HttpResponse response;
        if (streamed != null && (!sendBody || inMemory(streamed))) {
            return writeWhole(ctx, head, reply, status, streamed, sendBody, keepAlive);
        }
        if (streamed == null) {
            ByteBuf content = smallBody(reply);
            int length = content.readableBytes();
            FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    sendBody ? content : Unpooled.EMPTY_BUFFER);
            full.headers().set(reply.headers());
            if (!full.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                HttpUtil.setContentLength(full, sendBody ? length : 0);
            }
            response = full;
        } else {
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(reply.headers());
            HttpUtil.setContentLength(response, streamed.length());
        }
        stamp(response, head);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (streamed == null) {
            return ctx.writeAndFlush(response);
        }
        ctx.write(response);
        if (sendBody) {
            for (DataSegment s : streamed.segments()) {
                if (s instanceof DataSegment.Inline inline) {
                    ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(inline.bytes())));
                } else if (s instanceof DataSegment.FileRegion region) {
                    if (tls) {
                        ChunkedInput<?> in = new FileSegmentInput(region.channel(), region.position(),
                                region.length());
                        ctx.write(in);
                    } else {
                        ctx.write(new PinnedFileRegion(region.channel(), region.position(), region.length()));
                    }
                } else if (s instanceof DataSegment.Decrypted decrypted) {
                    // a chunk failing its integrity check (logged by storage) aborts the connection: the client
                    // must not receive a complete response with fewer or wrong bytes
                    ctx.write(new DecryptedInput(decrypted.chunks(), ctx)).addListener(f -> {
                        if (!f.isSuccess()) {
                            ctx.channel().close();
                        }
                    });
                }
            }
        }
        ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        last.addListener(f -> streamed.release().run());
        return last;
    }

    /** True when every segment of the body is already in memory (an inline object's bytes). */
    private static boolean inMemory(Reply.StreamedBody streamed) {
        for (DataSegment s : streamed.segments()) {
            if (!(s instanceof DataSegment.Inline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A body already in memory goes out as one full response: one message through the outbound pipeline and one
     * flush, instead of the head, a content and the last content each passing the encoder, the chunked writer and
     * the guards (issue 19: a 4 KiB GET's data is inline). The body is released once the write is done.
     */
    private static ChannelFuture writeWhole(ChannelHandlerContext ctx, RequestHead head, Reply reply,
                                            HttpResponseStatus status, Reply.StreamedBody streamed,
                                            boolean sendBody, boolean keepAlive) {
        ByteBuf content = Unpooled.EMPTY_BUFFER;
        if (sendBody) {
            List<DataSegment> segments = streamed.segments();
            ByteBuf[] parts = new ByteBuf[segments.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Unpooled.wrappedBuffer(((DataSegment.Inline) segments.get(i)).bytes());
            }
            content = parts.length == 1 ? parts[0] : Unpooled.wrappedBuffer(parts);
        }
        FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        full.headers().set(reply.headers());
        HttpUtil.setContentLength(full, streamed.length());
        stamp(full, head);
        HttpUtil.setKeepAlive(full, keepAlive);
        ChannelFuture done = ctx.writeAndFlush(full);
        done.addListener(f -> streamed.release().run());
        return done;
    }

    /** The headers every response carries. */
    static void stamp(HttpResponse response, RequestHead head) {
        if (head != null) {
            response.headers().set("x-amz-request-id", head.requestId());
            response.headers().set("x-amz-id-2", head.hostId());
        }
        response.headers().set(HttpHeaderNames.DATE, httpDate(System.currentTimeMillis()));
        response.headers().set(HttpHeaderNames.SERVER, "Dualkey");
    }

    /** The last second's Date value: formatted once per second, not once per response. */
    private static volatile DateStamp lastDate = new DateStamp(Long.MIN_VALUE, "");

    private record DateStamp(long second, String text) {
    }

    /** The Date header of {@code millis}: the IMF-fixdate of its second ({@link HttpDates}). */
    static String httpDate(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        DateStamp d = lastDate;
        if (d.second() != second) {
            d = new DateStamp(second, HttpDates.formatEpochSecond(second));
            lastDate = d;
        }
        return d.text();
    }
}
