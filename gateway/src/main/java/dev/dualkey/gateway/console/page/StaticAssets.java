package dev.dualkey.gateway.console.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import dev.dualkey.gateway.console.web.ConsoleResponse;

/** The console's own CSS and icon from {@code console/static/}, loaded once; nothing else is served. */
final class StaticAssets {
    private static final Map<String, String> TYPES = Map.of(
            "console.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");

    private final Map<String, byte[]> files;

    StaticAssets() {
        java.util.HashMap<String, byte[]> m = new java.util.HashMap<>();
        for (String name : TYPES.keySet()) {
            try (InputStream in = StaticAssets.class.getResourceAsStream("/console/static/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing console asset " + name);
                }
                m.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files = Map.copyOf(m);
    }

    /** The asset, or null. */
    ConsoleResponse get(String name) {
        byte[] body = files.get(name);
        if (body == null) {
            return null;
        }
        return ConsoleResponse.bytes(200, TYPES.get(name), body).header("Cache-Control", "public, max-age=3600");
    }
}
