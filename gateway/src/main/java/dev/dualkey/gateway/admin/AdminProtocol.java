package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Framing of the admin channel (see the package comment): JSON objects, one per line. */
public final class AdminProtocol {
    /** The socket's file name in the data directory. */
    public static final String SOCKET = "admin.sock";
    /** Longest request line accepted. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** Longest response line a client accepts. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private AdminProtocol() {
    }

    public static Path socketOf(Path dataDir) {
        return dataDir.resolve(SOCKET);
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Writes {@code node} and a newline, flushed. */
    static void write(OutputStream out, JsonNode node) throws IOException {
        out.write(JSON.writeValueAsBytes(node));
        out.write('\n');
        out.flush();
    }

    /**
     * Reads one line (without its newline) as a JSON object; null at end of stream.
     *
     * @throws IOException when the line is longer than {@code max} or not a JSON object
     */
    static JsonNode read(InputStream in, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.size() >= max) {
                throw new IOException("line longer than " + max + " bytes");
            }
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        JsonNode node = JSON.readTree(line.toString(StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return node;
    }
}
