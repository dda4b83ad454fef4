package dev.dualkey.gateway.http;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds a listener puts on what one client can make the server wait for or hold (issue 12 F, slow and
 * broken clients). One instance per server; {@link Admission} holds the counters it bounds.
 *
 * @param requestHeadTimeout      a request head (request line and headers) must have arrived whole within this
 *                                time after the connection opened or the previous response was written; it is
 *                                also how long a keep-alive connection may sit idle. Otherwise the connection is
 *                                closed (nothing can be answered: the request is not known yet).
 * @param bodyIdleTimeout         while the server asks for body bytes, at most this much time may pass without any
 *                                arriving; otherwise the request is answered 400 RequestTimeout (as S3 does) and
 *                                the connection closed. The same bound applies to a response the client does not
 *                                read (no write progress) and to the rest of a body the server drains after an
 *                                early answer.
 * @param maxUnauthenticatedConnections connections open at once that have not yet carried one authenticated
 *                                request; a connection over the cap is closed as it is accepted. Each such
 *                                connection holds at most its request head (the codec's caps) and no body.
 * @param maxHeldBodyBytes        bytes of request bodies held in memory at once, over all connections, for
 *                                requests not finished yet (small bodies collected for one-task requests,
 *                                aggregated XML/form bodies). A request that would go over it is answered 503
 *                                SlowDown.
 */
public record TransportLimits(Duration requestHeadTimeout, Duration bodyIdleTimeout,
                              int maxUnauthenticatedConnections, long maxHeldBodyBytes) {

    /** Default head and body idle bound: AWS's figure for idle sockets is 20 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** Upper bound of the default cap on connections without an authenticated request. */
    public static final int DEFAULT_MAX_UNAUTHENTICATED_CONNECTIONS = 1024;
    /** What one connection reading a head may hold at most: the codec's 16 KiB line and 64 KiB of headers. */
    static final long MAX_HEAD_BYTES = 80 * 1024;
    /** Upper bound of the default held-body budget. */
    public static final long DEFAULT_MAX_HELD_BODY_BYTES = 64L * 1024 * 1024;

    public TransportLimits {
        Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
        Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
        if (requestHeadTimeout.isNegative() || requestHeadTimeout.isZero()
                || bodyIdleTimeout.isNegative() || bodyIdleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxUnauthenticatedConnections < 1 || maxHeldBodyBytes < 1) {
            throw new IllegalArgumentException("connection and memory caps must be positive");
        }
    }

    /**
     * 20 s head and body idle timeouts, {@link #defaultMaxUnauthenticatedConnections()} unauthenticated
     * connections, and a held-body budget of 64 MiB or an eighth of the maximum heap, whichever is smaller (a
     * small-heap deployment keeps most of its memory for work).
     */
    public static TransportLimits defaults() {
        return new TransportLimits(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, defaultMaxUnauthenticatedConnections(),
                defaultHeldBodyBytes());
    }

    /**
     * 1024, or fewer on a small heap: so many that their heads, at {@link #MAX_HEAD_BYTES} each, fill at most a
     * quarter of the maximum heap (read buffers are direct memory, which the JVM caps at the heap size by default);
     * at least 64. A 64 MiB heap gets 204, 320 MiB and more get 1024.
     */
    public static int defaultMaxUnauthenticatedConnections() {
        long fit = Runtime.getRuntime().maxMemory() / (4 * MAX_HEAD_BYTES);
        return (int) Math.max(64, Math.min(DEFAULT_MAX_UNAUTHENTICATED_CONNECTIONS, fit));
    }

    /** min(64 MiB, max heap / 8), at least 1 MiB. */
    public static long defaultHeldBodyBytes() {
        return Math.max(1024 * 1024, Math.min(DEFAULT_MAX_HELD_BODY_BYTES, Runtime.getRuntime().maxMemory() / 8));
    }

    public TransportLimits withRequestHeadTimeout(Duration d) {
        return new TransportLimits(d, bodyIdleTimeout, maxUnauthenticatedConnections, maxHeldBodyBytes);
    }

    public TransportLimits withBodyIdleTimeout(Duration d) {
        return new TransportLimits(requestHeadTimeout, d, maxUnauthenticatedConnections, maxHeldBodyBytes);
    }

    public TransportLimits withMaxUnauthenticatedConnections(int n) {
        return new TransportLimits(requestHeadTimeout, bodyIdleTimeout, n, maxHeldBodyBytes);
    }

    public TransportLimits withMaxHeldBodyBytes(long n) {
        return new TransportLimits(requestHeadTimeout, bodyIdleTimeout, maxUnauthenticatedConnections, n);
    }
}
