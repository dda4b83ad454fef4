package dev.dualkey.gateway.console;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.dualkey.gateway.console.web.ConsoleApp;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import dev.dualkey.gateway.http.SlowClientGuard;
import dev.dualkey.gateway.http.TransportLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console's own listener (default 127.0.0.1:9001). Pipeline:
 * {@code [SslHandler] -> ReadTimeoutHandler -> HttpServerCodec -> SlowClientGuard -> ConsoleHttpHandler} (autoRead
 * off; the handler reads on demand). It has its own small event loop group (console traffic is a person clicking)
 * and runs page work on the gateway's storage executor. Start and stop it with the gateway.
 *
 * <p>Slow and broken clients get the API listener's bounds ({@link TransportLimits}): the guard closes a
 * connection whose request head does not arrive whole within the head timeout and answers 400 to a body that
 * stalls; at most {@link #MAX_CONNECTIONS} connections (or the limits' unauthenticated cap, if lower) are open at
 * once, since any console connection is unauthenticated until its page reads the session cookie; a form body is
 * held by bytes, at most {@link ConsoleHttpHandler#MAX_FORM_BYTES} per connection.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);

    private final InetSocketAddress address;
    private final SslContext ssl;
    private final ConsoleApp app;
    private final Executor executor;
    private final TransportLimits limits;
    /** Proxies whose X-Forwarded-For names the browser (issue 18); set before {@link #start()}. */
    private dev.dualkey.gateway.audit.TrustedProxies trustedProxies = dev.dualkey.gateway.audit.TrustedProxies.NONE;
    private final AtomicInteger connections = new AtomicInteger();
    private EventLoopGroup group;
    private Channel channel;

    /**
     * @param address  where to listen (port 0 picks a free port, see {@link #port()})
     * @param ssl      TLS context, or {@code null} for plain HTTP
     * @param app      the console pages
     * @param executor the gateway's bounded storage executor for blocking work
     */
    public ConsoleServer(InetSocketAddress address, SslContext ssl, ConsoleApp app, Executor executor) {
        this(address, ssl, app, executor, TransportLimits.defaults());
    }

    /** @param limits head and body timeouts and the connection cap, as on the API listener */
    public ConsoleServer(InetSocketAddress address, SslContext ssl, ConsoleApp app, Executor executor,
                         TransportLimits limits) {
        this.address = Objects.requireNonNull(address, "address");
        this.ssl = ssl;
        this.app = Objects.requireNonNull(app, "app");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Console connections open at most at once: a person's browser opens a handful. */
    public static final int MAX_CONNECTIONS = 256;

    /**
     * A {@link ConsoleLauncher} for {@code GatewayServer.Builder.console(...)}: builds the pages with
     * {@code app.apply(store, secure)} once the server's store is known, then binds {@code address}.
     */
    public static ConsoleLauncher launcher(InetSocketAddress address,
                                           java.util.function.BiFunction<dev.dualkey.storage.ObjectStore, Boolean,
                                                   ConsoleApp> app) {
        return launcher(address, dev.dualkey.gateway.audit.TrustedProxies.NONE, app);
    }

    /** As above, believing {@code X-Forwarded-For} from {@code trustedProxies} (issue 18). */
    public static ConsoleLauncher launcher(InetSocketAddress address,
                                           dev.dualkey.gateway.audit.TrustedProxies trustedProxies,
                                           java.util.function.BiFunction<dev.dualkey.storage.ObjectStore, Boolean,
                                                   ConsoleApp> app) {
        return new ConsoleLauncher() {
            @Override
            public AutoCloseable start(dev.dualkey.storage.ObjectStore store, Executor executor, SslContext ssl) {
                return start(store, executor, ssl, TransportLimits.defaults());
            }

            @Override
            public AutoCloseable start(dev.dualkey.storage.ObjectStore store, Executor executor, SslContext ssl,
                                       TransportLimits limits) {
                try {
                    return new ConsoleServer(address, ssl, app.apply(store, ssl != null), executor, limits)
                            .trustedProxies(trustedProxies).start();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting the console", e);
                }
            }
        };
    }

    /** Believes {@code X-Forwarded-For} from these proxies (default none); before {@link #start()}. */
    public synchronized ConsoleServer trustedProxies(dev.dualkey.gateway.audit.TrustedProxies proxies) {
        this.trustedProxies = java.util.Objects.requireNonNull(proxies, "proxies");
        return this;
    }

    /** Binds the listener; returns when it accepts connections. */
    public synchronized ConsoleServer start() throws InterruptedException {
        if (channel != null) {
            throw new IllegalStateException("console already started");
        }
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        boolean secure = ssl != null;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ConnectionCap());
                        ch.pipeline().addLast(new ReadTimeoutHandler(300));
                        ch.pipeline().addLast(new HttpServerCodec(8192, 16 * 1024, 64 * 1024));
                        ch.pipeline().addLast(new SlowClientGuard(limits));
                        ch.pipeline().addLast(new ConsoleHttpHandler(app, executor, secure, trustedProxies));
                    }
                });
        try {
            channel = b.bind(address).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully();
            group = null;
            throw e;
        }
        java.net.InetSocketAddress bound = (java.net.InetSocketAddress) channel.localAddress();
        LOG.info("console listening on {}://{}:{}", secure ? "https" : "http", bound.getHostString(), bound.getPort());
        return this;
    }

    /** Closes a connection accepted over the cap before it reads a byte. */
    private final class ConnectionCap extends ChannelInboundHandlerAdapter {
        private boolean counted;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            int cap = Math.min(MAX_CONNECTIONS, limits.maxUnauthenticatedConnections());
            if (connections.incrementAndGet() > cap) {
                connections.decrementAndGet();
                ctx.close();
                return;
            }
            counted = true;
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                counted = false;
                connections.decrementAndGet();
            }
            ctx.fireChannelInactive();
        }
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The bound address. */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting, closes connections, and waits for the event loop to end. */
    @Override
    public synchronized void close() {
        // Bounded waits: a stuck connection or event loop must never keep the whole server from stopping.
        if (channel != null) {
            if (!channel.close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("console listener did not close within 5 s; going on with shutdown");
            }
            channel = null;
        }
        if (group != null) {
            if (!group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .awaitUninterruptibly(10, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("console event loops did not stop within 10 s; going on with shutdown");
            }
            group = null;
        }
    }
}
