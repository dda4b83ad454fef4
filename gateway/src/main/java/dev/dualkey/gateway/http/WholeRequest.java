package dev.dualkey.gateway.http;

import io.netty.buffer.ByteBuf;

/**
 * Runs a request whose whole (small) body is already in memory as one storage task: begin, then complete an
 * aggregated exchange or feed and finish a streamed one. Same outcomes as the step-by-step path, one executor hop
 * instead of two or three.
 */
final class WholeRequest {
    private WholeRequest() {
    }

    /**
     * Runs on the storage executor. The body stays owned by the caller.
     *
     * @param body the held body, or null for none
     * @throws FrontDoorHandler.BodyTooLargeException when an aggregated exchange's cap is below the body size
     */
    static Reply run(Endpoint endpoint, RequestHead head, ByteBuf body) {
        Exchange ex = endpoint.begin(head);
        if (ex instanceof Exchange.Aggregated agg) {
            int size = body == null ? 0 : body.readableBytes();
            if (size > agg.maxBodyBytes()) {
                throw new FrontDoorHandler.BodyTooLargeException(agg.maxBodyBytes());
            }
            byte[] bytes = new byte[size];
            if (size > 0) {
                body.getBytes(body.readerIndex(), bytes);
            }
            return agg.complete(bytes);
        }
        return feedAndFinish((Exchange.Streaming) ex, body);
    }

    /** Feeds the held body (null: none) to a begun streamed exchange and finishes it; aborts it on failure. */
    static Reply feedAndFinish(Exchange.Streaming s, ByteBuf body) {
        try {
            if (body != null) {
                BodyPump.feed(s, body);
            }
            return s.finish();
        } catch (RuntimeException | Error e) {
            s.abort();
            throw e;
        }
    }
}
