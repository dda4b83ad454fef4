package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;

/** One command of the admin channel. Runs on an admin thread (never a Netty event loop); may block. */
@FunctionalInterface
public interface AdminHandler {
    /**
     * @param args   the request's {@code args} object (never null; may be empty)
     * @param events sends progress events to the client; throws {@link java.io.UncheckedIOException} once the
     *               client is gone, which abandons the command
     * @return the result object
     * @throws AdminFailure for a refusal with a one-line reason
     */
    JsonNode handle(JsonNode args, Events events);

    /** Event sink of one request. */
    interface Events {
        void send(com.fasterxml.jackson.databind.node.ObjectNode event);
    }
}
