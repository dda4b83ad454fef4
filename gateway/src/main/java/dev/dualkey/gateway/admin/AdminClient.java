package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/** The CLI side of the admin channel: one request per connection (see the package comment). */
public final class AdminClient {
    private final Path socket;

    private AdminClient(Path socket) {
        this.socket = socket;
    }

    /** A client for the server running on {@code dataDir}, or empty when none answers there (use offline mode). */
    public static Optional<AdminClient> forRunningServer(Path dataDir) {
        Path s = AdminProtocol.socketOf(dataDir.toAbsolutePath());
        return Files.exists(s) && answers(s) ? Optional.of(new AdminClient(s)) : Optional.empty();
    }

    /** Whether something accepts connections on the socket file {@code path}. */
    static boolean answers(Path path) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code command} on the server; {@code events} receives each event line as it arrives.
     *
     * @return the result object
     * @throws AdminFailure with the server's one-line error
     * @throws IOException  when the connection fails or the server dies meanwhile
     */
    public JsonNode call(String command, ObjectNode args, Consumer<JsonNode> events) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            ObjectNode req = AdminProtocol.object();
            req.put("command", command);
            req.set("args", args);
            try {
                AdminProtocol.write(out, req);
            } catch (IOException e) {
                // The server may have answered and closed before reading (a refusal): its answer is still readable.
                JsonNode early = readQuietly(in);
                if (early != null && early.has("error")) {
                    throw new AdminFailure(early.path("error").asText("admin command failed"));
                }
                throw e;
            }
            while (true) {
                JsonNode line = AdminProtocol.read(in, AdminProtocol.MAX_RESPONSE_BYTES);
                if (line == null) {
                    throw new IOException("the server closed the admin connection without an answer");
                }
                if (line.has("event")) {
                    events.accept(line);
                    continue;
                }
                if (line.path("ok").asBoolean(false)) {
                    return line.path("result");
                }
                throw new AdminFailure(line.path("error").asText("admin command failed"));
            }
        }
    }

    private static JsonNode readQuietly(InputStream in) {
        try {
            return AdminProtocol.read(in, AdminProtocol.MAX_RESPONSE_BYTES);
        } catch (IOException e) {
            return null;
        }
    }

    /** A fresh, empty args object. */
    public static ObjectNode args() {
        return AdminProtocol.object();
    }
}
