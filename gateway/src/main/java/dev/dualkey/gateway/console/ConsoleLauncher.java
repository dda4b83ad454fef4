package dev.dualkey.gateway.console;

import java.util.concurrent.Executor;

import dev.dualkey.storage.ObjectStore;
import io.netty.handler.ssl.SslContext;

/**
 * How {@code GatewayServer} starts the console next to the S3 listener: called once after the S3 listener is
 * bound, with the server's object store, its storage executor and its TLS context ({@code null} without TLS);
 * the returned handle is closed first when the server stops.
 */
@FunctionalInterface
public interface ConsoleLauncher {
    /** Binds the console listener and returns when it accepts connections. */
    AutoCloseable start(ObjectStore store, Executor storageExecutor, SslContext ssl);

    /**
     * As {@link #start(ObjectStore, Executor, SslContext)}, with the server's slow-client timeouts and caps
     * (issue 12 F); launchers that know no limits ignore them.
     */
    default AutoCloseable start(ObjectStore store, Executor storageExecutor, SslContext ssl,
                                dev.dualkey.gateway.http.TransportLimits limits) {
        return start(store, storageExecutor, ssl);
    }
}
