package dev.dualkey.gateway.http;

import java.nio.ByteBuffer;

/**
 * One request in progress after {@link Endpoint#begin}: either it wants its (small) body aggregated, or it
 * consumes the body as a stream with back-pressure (the front door reads the next piece only after
 * {@link Streaming#onData} returns).
 */
public sealed interface Exchange permits Exchange.Aggregated, Exchange.Streaming {

    /** Releases what the exchange holds when the request fails or the connection drops; idempotent. */
    void abort();

    /** The body is collected up to {@link #maxBodyBytes()} and handed over whole. */
    non-sealed interface Aggregated extends Exchange {
        /** Bodies larger than this fail with the endpoint's "too large" error. */
        long maxBodyBytes();

        Reply complete(byte[] body);

        @Override
        default void abort() {
        }
    }

    /** The body flows through as it arrives; memory stays bounded whatever its size. */
    non-sealed interface Streaming extends Exchange {
        /** Consumes one piece of the body (the buffer is only valid during the call). */
        void onData(ByteBuffer data);

        /** The body ended; verify and publish, then answer. */
        Reply finish();
    }
}
