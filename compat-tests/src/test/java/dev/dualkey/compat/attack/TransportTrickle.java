package dev.dualkey.compat.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Slow clients on raw sockets, all driven from the calling thread (no thread per socket, so 500 cost little): each
 * connection writes a prefix (e.g. a request head) and then one byte per {@link #round}, each byte its own TCP
 * segment ({@code TCP_NODELAY}); what the server sends back is kept, and the moment the server closed the
 * connection (end of stream or a reset) is recorded.
 */
final class TransportTrickle implements AutoCloseable {
    private final InetSocketAddress server;
    private final List<Conn> conns = new ArrayList<>();
    private final Selector selector;

    TransportTrickle(int port) {
        this.server = new InetSocketAddress("127.0.0.1", port);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One slow connection. */
    static final class Conn {
        final SocketChannel channel;
        final long openedNanos = System.nanoTime();
        /** When the server closed it, or 0 while open. */
        long closedNanos;
        /** True when the connection could not even be opened or written to at once (refused at accept). */
        boolean refusedAtOnce;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        boolean open() {
            return closedNanos == 0;
        }

        double lifetimeSeconds() {
            return ((closedNanos == 0 ? System.nanoTime() : closedNanos) - openedNanos) / 1e9;
        }

        String receivedText() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Connects and writes {@code prefix}; a connection the server closes at once is recorded as such. */
    Conn open(byte[] prefix) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(server);
            ch.configureBlocking(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + server, e);
        }
        Conn c = new Conn(ch);
        conns.add(c);
        try {
            ch.register(selector, SelectionKey.OP_READ, c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!write(c, ByteBuffer.wrap(prefix))) {
            c.refusedAtOnce = true;
        }
        return c;
    }

    /** Writes one byte to every open connection and notes what came back or which ones the server closed. */
    void round(byte b) {
        for (Conn c : conns) {
            if (c.open()) {
                poll(c);
            }
            if (c.open()) {
                write(c, ByteBuffer.wrap(new byte[] {b}));
            }
        }
    }

    /**
     * Waits up to {@code millis} for answers or closes and reads them, without writing; a selector, not a busy
     * poll of every socket, so the test client leaves the CPU to the server under test.
     */
    void await(long millis) {
        try {
            selector.select(Math.max(1, millis));
            for (SelectionKey k : selector.selectedKeys()) {
                Conn c = (Conn) k.attachment();
                if (c.open()) {
                    poll(c);
                }
            }
            selector.selectedKeys().clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Conn> connections() {
        return conns;
    }

    long openCount() {
        return conns.stream().filter(Conn::open).count();
    }

    private boolean write(Conn c, ByteBuffer data) {
        try {
            while (data.hasRemaining()) {
                if (c.channel.write(data) == 0) {
                    return true; // the server stopped reading: back-pressure, the rest stays unsent
                }
            }
            return true;
        } catch (IOException e) {
            closed(c);
            return false;
        }
    }

    private void poll(Conn c) {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            int n;
            while ((n = c.channel.read(buf)) > 0) {
                c.received.write(buf.array(), 0, n);
                buf.clear();
            }
            if (n < 0) {
                closed(c);
            }
        } catch (IOException e) {
            closed(c);
        }
    }

    private static void closed(Conn c) {
        if (c.closedNanos == 0) {
            c.closedNanos = System.nanoTime();
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
        for (Conn c : conns) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
