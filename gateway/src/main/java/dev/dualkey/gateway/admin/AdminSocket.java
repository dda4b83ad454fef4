package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the admin channel: {@code DATA_DIR/admin.sock}, mode 0600, peers checked against the data
 * directory's owner (see the package comment). One accept thread; requests run on a small pool (a few at once:
 * a scrub and a backup may overlap), more are refused as busy.
 */
public final class AdminSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSocket.class);
    private static final int WORKERS = 4;

    private final Path path;
    private final String owner;
    private final AdminRegistry registry;
    private final ServerSocketChannel server;
    private final ThreadPoolExecutor workers;
    private final Semaphore slots = new Semaphore(WORKERS);
    private final Thread acceptor;
    private volatile boolean closed;

    private AdminSocket(Path path, String owner, AdminRegistry registry, ServerSocketChannel server) {
        this.path = path;
        this.owner = owner;
        this.registry = registry;
        this.server = server;
        // Commands in progress are bounded by the slots (taken once a request is read), not by the pool's queue: a
        // queue of one refused a connection that arrived before an idle worker had taken the previous one (the
        // CLI's probe, then its call). Connections come only from the data directory's owner.
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "dualkey-admin");
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "dualkey-admin-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code DATA_DIR/admin.sock}. A socket file left by a process that died is replaced; one that
     * answers belongs to a running server, and this start fails.
     */
    public static AdminSocket start(Path dataDir, AdminRegistry registry) throws IOException {
        Path path = AdminProtocol.socketOf(dataDir.toAbsolutePath());
        if (Files.exists(path)) {
            if (AdminClient.answers(path)) {
                throw new IOException("another server answers on " + path);
            }
            Files.delete(path); // stale: its server died
        }
        String owner = Files.getOwner(dataDir).getName();
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        AdminSocket s = new AdminSocket(path, owner, registry, server);
        s.acceptor.start();
        LOG.info("admin channel on {} (owner {} only)", path, owner);
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("admin channel accept failed: {}", e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(ch));
            } catch (RejectedExecutionException e) {
                reply(ch, error("the server is busy with other admin commands; retry later"));
            }
        }
    }

    /**
     * Lets the client read an answer written before its request was read: closing a Unix socket with unread input
     * resets it, so the output is shut first and the input read (bounded) until the client closes.
     */
    private static void drainThenClose(SocketChannel ch, InputStream in) throws IOException {
        ch.shutdownOutput();
        in.skip(AdminProtocol.MAX_REQUEST_BYTES * 16L);
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            InputStream in = Channels.newInputStream(ch);
            OutputStream out = Channels.newOutputStream(ch);
            if (peer == null || !owner.equals(peer.user().getName())) {
                LOG.warn("admin channel: refused a connection from user {} (only {} may use it)",
                        peer == null ? "?" : peer.user().getName(), owner);
                AdminProtocol.write(out, error("only the owner of the data directory may use the admin channel"));
                // Linux resets a Unix socket closed with unread input (the peer's read fails with ECONNRESET before
                // it sees the answer): read what the client sent, bounded, then close.
                drainThenClose(ch, in);
                return;
            }
            JsonNode request;
            try {
                request = AdminProtocol.read(in, AdminProtocol.MAX_REQUEST_BYTES);
            } catch (IOException e) {
                AdminProtocol.write(out, error("malformed request: " + e.getMessage()));
                drainThenClose(ch, in);
                return;
            }
            if (request == null) {
                return;
            }
            String name = request.path("command").asText("");
            AdminHandler handler = registry.find(name).orElse(null);
            if (handler == null) {
                AdminProtocol.write(out, error("unknown admin command '" + name + "'; known: " + registry.names()));
                return;
            }
            JsonNode args = request.path("args").isObject() ? request.get("args") : AdminProtocol.object();
            // A slot is taken by a command, not by a connection: the CLI's probe (connect, close) takes none, and
            // the slot is free again before the result is written, so the client's next command finds it free.
            if (!slots.tryAcquire()) {
                AdminProtocol.write(out, error("the server is busy with other admin commands; retry later"));
                return;
            }
            JsonNode result;
            boolean held = true;
            try {
                result = handler.handle(args, event -> {
                    try {
                        AdminProtocol.write(out, event);
                    } catch (IOException e) {
                        throw new UncheckedIOException("admin client went away", e);
                    }
                });
                slots.release();
                held = false;
            } catch (AdminFailure e) {
                AdminProtocol.write(out, error(e.getMessage()));
                return;
            } catch (UncheckedIOException e) {
                LOG.warn("admin command {} abandoned: the client went away", name);
                return;
            } catch (RuntimeException e) {
                LOG.error("admin command {} failed: {}", name, e.toString());
                AdminProtocol.write(out, error(name + " failed: " + e.getMessage()));
                return;
            } finally {
                if (held) {
                    slots.release();
                }
            }
            ObjectNode ok = AdminProtocol.object();
            ok.put("ok", true);
            ok.set("result", result);
            AdminProtocol.write(out, ok);
        } catch (IOException e) {
            LOG.debug("admin connection ended: {}", e.getMessage());
        }
    }

    private static ObjectNode error(String message) {
        ObjectNode n = AdminProtocol.object();
        n.put("ok", false);
        n.put("error", message);
        return n;
    }

    private static void reply(SocketChannel ch, ObjectNode node) {
        try (ch) {
            AdminProtocol.write(Channels.newOutputStream(ch), node);
        } catch (IOException ignored) {
            // the client is gone
        }
    }

    /** Stops listening and removes the socket file; running commands finish on their own. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        workers.shutdown();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", path, e.getMessage());
        }
    }
}
