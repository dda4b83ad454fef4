package dev.dualkey.gateway.http;

import dev.dualkey.gateway.exec.StorageExecutor;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds each connection's pipeline:
 * {@code [SslHandler] -> HttpServerCodec -> ChunkedWriteHandler -> IdleStateHandler -> SlowClientGuard
 * -> FlowControlHandler -> FrontDoorHandler}. There is deliberately no global aggregator: bodies are aggregated or
 * streamed per route by the front door. The guard sits before flow control so that it sees the front door's read
 * demand only when it really reaches the socket. All connections of the listener share one {@link Admission}.
 */
public final class GatewayChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Longest request line (S3 URLs carry long keys and presigned queries). */
    private static final int MAX_INITIAL_LINE = 16 * 1024;
    private static final int MAX_HEADER_SIZE = 64 * 1024;
    /** Largest body piece the codec hands on at once: bounds per-connection buffering. */
    private static final int MAX_CHUNK = 64 * 1024;

    private final SslContext ssl;
    private final List<Endpoint> endpoints;
    private final StorageExecutor executor;
    private final FrontDoorHandler.InFlight inFlight;
    private final int idleSeconds;
    private final Admission admission;

    private final dev.dualkey.gateway.audit.TrustedProxies trustedProxies;

    public GatewayChannelInitializer(SslContext ssl, List<Endpoint> endpoints, StorageExecutor executor,
                                     FrontDoorHandler.InFlight inFlight, int idleSeconds) {
        this(ssl, endpoints, executor, inFlight, idleSeconds, new Admission(TransportLimits.defaults()));
    }

    public GatewayChannelInitializer(SslContext ssl, List<Endpoint> endpoints, StorageExecutor executor,
                                     FrontDoorHandler.InFlight inFlight, int idleSeconds, Admission admission) {
        this(ssl, endpoints, executor, inFlight, idleSeconds, admission, dev.dualkey.gateway.audit.TrustedProxies.NONE);
    }

    /** @param trustedProxies proxies whose {@code X-Forwarded-For} names the client (issue 18) */
    public GatewayChannelInitializer(SslContext ssl, List<Endpoint> endpoints, StorageExecutor executor,
                                     FrontDoorHandler.InFlight inFlight, int idleSeconds, Admission admission,
                                     dev.dualkey.gateway.audit.TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
        this.ssl = ssl;
        this.endpoints = List.copyOf(endpoints);
        this.executor = executor;
        this.inFlight = inFlight;
        this.idleSeconds = idleSeconds;
        this.admission = admission;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("ssl", ssl.newHandler(ch.alloc()));
        }
        p.addLast("http", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, MAX_CHUNK));
        p.addLast("chunked-writer", new ChunkedWriteHandler());
        p.addLast("idle", new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
        p.addLast("slow-client-guard", new SlowClientGuard(admission.limits()));
        p.addLast("flow", new FlowControlHandler());
        p.addLast("front-door", new FrontDoorHandler(endpoints, executor, ssl != null, inFlight, admission,
                trustedProxies));
    }
}
