package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminFailure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shape of the operator commands that work on a running server through its admin channel and fall back to the
 * data directory offline when none runs ({@code scrub}, {@code backup}): progress bar on a terminal,
 * {@code --json} for scripts. Exit codes: 0 done (and clean), 1 done but problems found, 2 refused or failed.
 */
abstract class LongRunningCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--data-dir", defaultValue = "./data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--json", description = "Print the result as one JSON object (no progress bar).")
    boolean json;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|always|never",
            description = "Progress bar on stderr: auto = when stderr is a terminal (default).")
    String progress;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean bar = !json && switch (progress) {
            case "always" -> true;
            case "never" -> false;
            default -> System.console() != null;
        };
        ProgressBar pb = new ProgressBar(err, name(), bar, System::currentTimeMillis);
        try {
            Optional<AdminClient> online = AdminClient.forRunningServer(dataDir);
            JsonNode result;
            if (online.isPresent()) {
                result = online.get().call(name(), args(), e -> onEvent(e, pb, err));
            } else {
                result = offline(e -> onEvent(e, pb, err));
            }
            pb.finish();
            if (json) {
                if (result instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    o.put("through", online.isPresent() ? "server" : "offline");
                }
                out.println(JSON.writeValueAsString(result));
            } else {
                printHuman(result, out, online.isPresent());
            }
            out.flush();
            return problems(result) ? 1 : 0;
        } catch (AdminFailure e) {
            pb.finish();
            err.println("dualkey admin " + name() + ": " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            pb.finish();
            err.println("dualkey admin " + name() + ": " + e.getMessage());
            return 2;
        }
    }

    private void onEvent(JsonNode e, ProgressBar pb, PrintWriter err) {
        if ("progress".equals(e.path("event").asText())) {
            pb.update(e.path("done").asLong(), e.path("total").asLong());
        } else if (!json) {
            eventLine(e).ifPresent(line -> {
                pb.finish();
                err.println(line);
            });
        }
    }

    /** The admin command's name (also the progress label). */
    abstract String name();

    /** The request arguments for the server. */
    abstract com.fasterxml.jackson.databind.node.ObjectNode args();

    /** Runs the same job on the data directory without a server. */
    abstract JsonNode offline(dev.dualkey.gateway.admin.AdminHandler.Events events) throws IOException;

    abstract void printHuman(JsonNode result, PrintWriter out, boolean online);

    /** Whether the result reports problems (exit 1). */
    abstract boolean problems(JsonNode result);

    /** A line to print for a non-progress event, if any. */
    Optional<String> eventLine(JsonNode event) {
        return Optional.empty();
    }
}
