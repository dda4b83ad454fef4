package dev.dualkey.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.testkit.Prerequisites;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin channel: owner-only socket file, JSON-lines request/response with events, clear errors for unknown
 * commands and malformed or oversized requests, a stale socket replaced, a live one refused, and a peer who is
 * not the data directory's owner refused (even root).
 */
class AdminChannelTest {
    @TempDir
    Path dataDir;

    private AdminRegistry registry() {
        return new AdminRegistry()
                .register("echo", (args, events) -> {
                    for (int i = 1; i <= 3; i++) {
                        ObjectNode e = AdminProtocol.object();
                        e.put("event", "progress");
                        e.put("done", i);
                        e.put("total", 3);
                        events.send(e);
                    }
                    return args;
                })
                .register("refuse", (args, events) -> {
                    throw new AdminFailure("no, because");
                });
    }

    @Test
    void ownerOnlySocketAnswersWithEventsThenTheResult() throws Exception {
        try (AdminSocket s = AdminSocket.start(dataDir, registry())) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(s.path())));
            AdminClient c = AdminClient.forRunningServer(dataDir).orElseThrow();
            ObjectNode args = AdminClient.args();
            args.put("x", "y");
            List<JsonNode> events = new ArrayList<>();
            JsonNode r = c.call("echo", args, events::add);
            assertEquals("y", r.path("x").asText());
            assertEquals(3, events.size());
            assertEquals(3, events.get(2).path("done").asInt());
            AdminFailure f = assertThrows(AdminFailure.class, () -> c.call("refuse", AdminClient.args(), e -> { }));
            assertEquals("no, because", f.getMessage());
            f = assertThrows(AdminFailure.class, () -> c.call("nope", AdminClient.args(), e -> { }));
            assertTrue(f.getMessage().contains("unknown admin command 'nope'"), f.getMessage());
            assertEquals("{\"ok\":false,\"error\":\"malformed request: not a JSON object\"}", raw("[1,2]\n"));
            assertTrue(raw("{\"command\":\"" + "a".repeat(AdminProtocol.MAX_REQUEST_BYTES) + "\"}\n")
                    .contains("line longer than"));
            assertThrows(IOException.class, () -> AdminSocket.start(dataDir, registry()),
                    "a second server on the same directory is refused while the first answers");
        }
        assertFalse(Files.exists(AdminProtocol.socketOf(dataDir)), "close removes the socket file");
        assertTrue(AdminClient.forRunningServer(dataDir).isEmpty(), "no server: the CLI goes offline");
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        AdminSocket first = AdminSocket.start(dataDir, registry());
        Path sock = first.path();
        first.close();
        Files.createFile(sock); // as if the previous server died without removing it (any file at that name)
        try (AdminSocket s = AdminSocket.start(dataDir, registry())) {
            assertTrue(AdminClient.forRunningServer(dataDir).isPresent());
        }
    }

    @Test
    void aPeerWhoIsNotTheOwnerOfTheDataDirectoryIsRefused() throws Exception {
        Prerequisites.require("AdminChannelTest (peer check)", "root".equals(System.getProperty("user.name")),
                "root (to give the data directory another owner)");
        UserPrincipal nobody = dataDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(dataDir, nobody);
        try (AdminSocket s = AdminSocket.start(dataDir, registry())) {
            // Many times: the refusal is written before the request is read, and a close with unread input once
            // reset the connection before the client saw the answer (an IOException instead of the refusal).
            for (int i = 0; i < 200; i++) {
                AdminFailure f = assertThrows(AdminFailure.class, () -> AdminClient.forRunningServer(dataDir)
                        .orElseThrow().call("echo", AdminClient.args(), e -> { }));
                assertEquals("only the owner of the data directory may use the admin channel", f.getMessage());
            }
        }
    }

    private String raw(String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(AdminProtocol.socketOf(dataDir)));
            OutputStream out = Channels.newOutputStream(ch);
            InputStream in = Channels.newInputStream(ch);
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
