package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin create-account [--alias A] [--json]}: a new account; its root secrets are printed once.
 * Through the running server or offline ({@link ChannelCommand}).
 */
@Command(name = "create-account", mixinStandardHelpOptions = true,
        description = "Create an account and print its root access key and password (shown only now).")
final class CreateAccountCommand extends ChannelCommand {
    @Option(names = "--alias", description = "Optional unique account alias (3-63 of a-z, 0-9, -).")
    String alias;

    @Override
    String name() {
        return "create-account";
    }

    @Override
    ObjectNode args() {
        ObjectNode a = AdminClient.args();
        a.put("alias", alias);
        return a;
    }

    @Override
    void printHuman(JsonNode c, PrintWriter out) {
        out.println("Account:          " + c.path("accountId").asText()
                + (c.path("alias").isTextual() ? " (alias " + c.path("alias").asText() + ")" : ""));
        out.println("Root access key:  " + c.path("accessKeyId").asText());
        out.println("Root secret key:  " + c.path("secretAccessKey").asText());
        if (c.path("password").isTextual()) {
            out.println("Root password:    " + c.path("password").asText());
        }
        out.println("These secrets are not stored in readable form and will not be shown again.");
    }
}
