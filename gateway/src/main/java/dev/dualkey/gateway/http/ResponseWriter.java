package dev.dualkey.gateway.http;

import dev.dualkey.storage.DataSegment;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Writes a {@link Reply} on the event loop: the request ids and Date on every response, no body for HEAD, and
 * streamed object data as zero-copy file regions without TLS or as chunked reads under TLS; encrypted data as
 * chunks decrypted on demand, the connection aborted if one fails its integrity check.
 */
final class ResponseWriter {
    private ResponseWriter() {
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
        if (streamed == null) {
            byte[] body = reply.body();
            FullHttpResponse full = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    sendBody ? Unpooled.wrappedBuffer(body) : Unpooled.EMPTY_BUFFER);
            full.headers().set(reply.headers());
            if (!full.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                HttpUtil.setContentLength(full, sendBody ? body.length : 0);
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

    /** The headers every response carries. */
    static void stamp(HttpResponse response, RequestHead head) {
        if (head != null) {
            response.headers().set("x-amz-request-id", head.requestId());
            response.headers().set("x-amz-id-2", head.hostId());
        }
        response.headers().set(HttpHeaderNames.DATE,
                DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        response.headers().set(HttpHeaderNames.SERVER, "Dualkey");
    }
}
