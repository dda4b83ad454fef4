package dev.dualkey.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import java.util.List;

/**
 * Runs a request whose whole (small) body is already in memory as one storage task: begin, then complete an
 * aggregated exchange or feed and finish a streamed one. Same outcomes as the step-by-step path, one executor hop
 * instead of two or three.
 */
final class WholeRequest {
    private WholeRequest() {
    }

    /**
     * Runs on the storage executor. The pieces stay owned by the caller.
     *
     * @throws FrontDoorHandler.BodyTooLargeException when an aggregated exchange's cap is below the body size
     */
    static Reply run(Endpoint endpoint, RequestHead head, List<HttpContent> pieces) {
        Exchange ex = endpoint.begin(head);
        if (ex instanceof Exchange.Aggregated agg) {
            long size = 0;
            for (HttpContent c : pieces) {
                size += c.content().readableBytes();
            }
            if (size > agg.maxBodyBytes()) {
                throw new FrontDoorHandler.BodyTooLargeException(agg.maxBodyBytes());
            }
            byte[] body = new byte[(int) size];
            int at = 0;
            for (HttpContent c : pieces) {
                ByteBuf b = c.content();
                int n = b.readableBytes();
                b.getBytes(b.readerIndex(), body, at, n);
                at += n;
            }
            return agg.complete(body);
        }
        Exchange.Streaming s = (Exchange.Streaming) ex;
        try {
            for (HttpContent c : pieces) {
                BodyPump.feed(s, c.content());
            }
            return s.finish();
        } catch (RuntimeException | Error e) {
            s.abort();
            throw e;
        }
    }

    static void release(List<HttpContent> pieces) {
        for (HttpContent c : pieces) {
            c.release();
        }
        pieces.clear();
    }
}
