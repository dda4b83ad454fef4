package dev.dualkey.compat.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary TCP load balancer for tests, as the README's cluster topology puts in front of the gateways: each
 * accepted connection goes to the next backend in turn and its bytes are relayed both ways unchanged (TLS passes
 * through: the gateways share one certificate). Per connection, not per request: an SDK's pooled keep-alive
 * connections spread over the gateways as they would behind HAProxy in TCP mode.
 */
public final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<InetSocketAddress> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger[] connections;

    private RoundRobinProxy(ServerSocket listener, List<InetSocketAddress> backends) {
        this.listener = listener;
        this.backends = List.copyOf(backends);
        this.connections = new AtomicInteger[backends.size()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new AtomicInteger();
        }
    }

    /** Listens on a free loopback port and relays to {@code backends} in turn. */
    public static RoundRobinProxy start(List<InetSocketAddress> backends) {
        try {
            ServerSocket s = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            RoundRobinProxy p = new RoundRobinProxy(s, backends);
            Thread t = new Thread(p::acceptLoop, "round-robin-proxy-" + s.getLocalPort());
            t.setDaemon(true);
            t.start();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port}. */
    public URI uri(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + port());
    }

    /** Connections relayed to backend {@code i} so far. */
    public int connections(int i) {
        return connections[i].get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            int i = Math.floorMod(next.getAndIncrement(), backends.size());
            connections[i].incrementAndGet();
            Socket backend = new Socket();
            try {
                backend.connect(backends.get(i), 10_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(backend);
                continue;
            }
            open.add(client);
            open.add(backend);
            AtomicInteger directions = new AtomicInteger(2);
            pump(client, backend, directions);
            pump(backend, client, directions);
        }
    }

    /** Relays {@code from} to {@code to}; the second direction to end closes both sockets. */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                }
                to.shutdownOutput(); // half-close, as a TCP proxy forwards a FIN
            } catch (IOException e) {
                // one side reset or closed: end both directions
                closeQuietly(from);
                closeQuietly(to);
            } finally {
                if (directions.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                    open.remove(from);
                    open.remove(to);
                }
            }
        }, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        open.forEach(RoundRobinProxy::closeQuietly);
    }
}
