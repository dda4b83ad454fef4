package dev.dualkey.storage.kv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of etcd that loses answers on demand, as a network does: it can hold what the client
 * sends on the connections open now (the request reaches etcd only when released, late), drop what etcd answers
 * on them, and cut them on the client's side while keeping their etcd side open (so held requests can still
 * arrive after the client gave up). New connections pass through unless {@link #holdNewConnections} says so.
 */
final class HoldingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Conn> conns = new CopyOnWriteArrayList<>();
    private volatile boolean holdNew;

    private static final class Conn {
        final Socket client;
        final Socket upstream;
        final ByteArrayOutputStream heldUp = new ByteArrayOutputStream();
        volatile boolean holdUp;
        volatile boolean dropDown;
        final AtomicLong downBytes = new AtomicLong();

        Conn(Socket client, Socket upstream, boolean hold) {
            this.client = client;
            this.upstream = upstream;
            this.holdUp = hold;
        }
    }

    HoldingProxy(URI etcd) throws IOException {
        target = new InetSocketAddress(etcd.getHost(), etcd.getPort());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "holding-proxy");
        t.setDaemon(true);
        t.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket c = server.accept();
                Socket u = new Socket(target.getAddress(), target.getPort());
                c.setTcpNoDelay(true);
                u.setTcpNoDelay(true);
                Conn conn = new Conn(c, u, holdNew);
                conns.add(conn);
                pump(conn, true);
                pump(conn, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Conn c, boolean up) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = (up ? c.client : c.upstream).getInputStream()) {
                OutputStream out = (up ? c.upstream : c.client).getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (up) {
                        synchronized (c) {
                            if (c.holdUp) {
                                c.heldUp.write(buf, 0, n);
                            } else {
                                out.write(buf, 0, n);
                            }
                        }
                    } else {
                        c.downBytes.addAndGet(n);
                        if (!c.dropDown) {
                            out.write(buf, 0, n);
                        }
                    }
                }
            } catch (IOException e) {
                // a cut side: the other side stays as it is (a held request may still be released)
            }
        }, "holding-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** What the client sends on the connections open now is held from here on. */
    void holdRequests() {
        for (Conn c : conns) {
            c.holdUp = true;
        }
    }

    /** What etcd answers on the connections open now is dropped from here on. */
    void dropAnswers() {
        for (Conn c : conns) {
            c.dropDown = true;
        }
    }

    /** New connections hold their requests too (etcd unreachable to the client) until {@link #releaseAll}. */
    void holdNewConnections() {
        holdNew = true;
    }

    /** Bytes held on all connections. */
    long heldBytes() {
        long n = 0;
        for (Conn c : conns) {
            synchronized (c) {
                n += c.heldUp.size();
            }
        }
        return n;
    }

    /** Bytes etcd sent on all connections (dropped or not). */
    long answeredBytes() {
        long n = 0;
        for (Conn c : conns) {
            n += c.downBytes.get();
        }
        return n;
    }

    /** Closes the client side of every connection open now: the client sees a reset; etcd's side stays open. */
    void cutClients() throws IOException {
        for (Conn c : conns) {
            if (!c.client.isClosed()) {
                c.client.close();
            }
        }
    }

    /** Sends everything held to etcd, in order, and holds nothing more. */
    void releaseAll() throws IOException {
        holdNew = false;
        for (Conn c : conns) {
            synchronized (c) {
                c.holdUp = false;
                c.upstream.getOutputStream().write(c.heldUp.toByteArray());
                c.heldUp.reset();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Conn c : conns) {
            c.client.close();
            c.upstream.close();
        }
    }
}
