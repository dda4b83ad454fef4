package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin reset-root-password --account ID [--json]}: sets the root console password to
 * {@code DUALKEY_ROOT_PASSWORD} (of the command's environment) when set, otherwise to a generated one printed
 * once, and ends every console session of the root user (whoever reset the password wants whoever else was
 * signed in out).
 */
@Command(name = "reset-root-password", mixinStandardHelpOptions = true,
        description = "Reset an account's root password (DUALKEY_ROOT_PASSWORD, or generated and printed once).")
final class ResetRootPasswordCommand extends ChannelCommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "12-digit account id.")
    String accountId;

    @Override
    String name() {
        return "reset-root-password";
    }

    @Override
    ObjectNode args() {
        ObjectNode a = AdminClient.args().put("account", accountId);
        String given = env.get("DUALKEY_ROOT_PASSWORD");
        if (given != null && !given.isBlank()) {
            a.put("password", given);
        }
        return a;
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out) {
        if (r.path("password").isTextual()) {
            out.println("New root password: " + r.path("password").asText());
            out.println("It is not stored in readable form and will not be shown again.");
        } else {
            out.println("Root password of " + r.path("accountId").asText() + " set from DUALKEY_ROOT_PASSWORD.");
        }
        out.println(r.path("sessionsEnded").asInt() + " console session(s) of the root user ended.");
    }
}
