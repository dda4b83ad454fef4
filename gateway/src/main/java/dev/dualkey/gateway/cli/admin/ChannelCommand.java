package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.IdentityCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shape of the account, token, recovery and audit commands (issue 18): through the running server's admin channel
 * when one answers on {@code DATA_DIR/admin.sock}, otherwise on the data directory opened offline; both run the
 * same {@link IdentityCommands} handler, so the result is the same JSON either way. People get tables or short
 * lines, scripts {@code --json} (with {@code "through": "server" | "offline"}). Exit codes: 0 done; 1 refused
 * (no such account, alias taken, ...); 2 unusable invocation, data directory or connection.
 */
abstract class ChannelCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--data-dir", defaultValue = "./data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", description = "Print the result as JSON for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The environment; a field so tests can give their own. */
    Map<String, String> env = System.getenv();

    /** Runs the command once with the given arguments, online or offline. */
    interface Invoker {
        JsonNode call(ObjectNode args) throws IOException;
    }

    /** Thrown by {@link #onEvent} to end a streaming command normally (e.g. {@code --follow --limit N}). */
    static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Optional<AdminClient> online = AdminClient.forRunningServer(dataDir);
            JsonNode result;
            if (online.isPresent()) {
                result = execute(args -> online.get().call(name(), args, e -> onEvent(e, out)));
            } else {
                checkOffline();
                try (OfflineDataDir dir = OfflineDataDir.open(dataDir, env)) {
                    dev.dualkey.gateway.admin.AdminHandler handler = offlineHandler(dir);
                    result = execute(args -> handler.handle(args, e -> onEvent(e, out)));
                }
            }
            if (json) {
                if (result instanceof ObjectNode o) {
                    o.put("through", online.isPresent() ? "server" : "offline");
                }
                out.println(JSON.writeValueAsString(result));
            } else {
                printHuman(result, out);
            }
            out.flush();
            return 0;
        } catch (Enough e) {
            out.flush();
            return 0;
        } catch (AdminException e) {
            err.println("dualkey admin " + name() + ": " + e.getMessage());
            return e.exitCode();
        } catch (AdminFailure e) {
            err.println("dualkey admin " + name() + ": " + e.getMessage());
            return 1;
        } catch (dev.dualkey.mfa.error.IamException e) {
            err.println("dualkey admin " + name() + ": " + e.code() + ": " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("dualkey admin " + name() + ": " + e.getMessage());
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The admin command's name. */
    abstract String name();

    /** The request arguments; throws {@link AdminException} (exit 2) for a bad invocation. */
    abstract ObjectNode args();

    /** Runs the command; commands that need several requests (batches) override this. */
    JsonNode execute(Invoker invoker) throws IOException {
        return invoker.call(args());
    }

    /** The handler that runs this command on a data directory opened offline (the identity commands by default). */
    dev.dualkey.gateway.admin.AdminHandler offlineHandler(OfflineDataDir dir) {
        return new IdentityCommands(dir.identity(), dir::signIn, Clock.systemUTC()).handler(name());
    }

    /** Throws {@link AdminException} when this invocation needs a running server. */
    void checkOffline() {
    }

    /** One event of a streaming command. */
    void onEvent(JsonNode event, PrintWriter out) {
    }

    abstract void printHuman(JsonNode result, PrintWriter out);

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNull() || v.isMissingNode() || v.asText().isEmpty() ? "-" : v.asText();
    }
}
