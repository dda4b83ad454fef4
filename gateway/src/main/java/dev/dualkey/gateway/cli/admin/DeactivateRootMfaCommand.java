package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin deactivate-root-mfa --account ID [--json]}: the lost-root-device recovery (spec D10). Needs
 * the server's machine: the owner-only admin socket of a running server, or the data directory offline; every
 * deactivation is audited.
 */
@Command(name = "deactivate-root-mfa", mixinStandardHelpOptions = true,
        description = "Deactivate every MFA device of an account's root user (lost device).")
final class DeactivateRootMfaCommand extends ChannelCommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "12-digit account id.")
    String accountId;

    @Override
    String name() {
        return "deactivate-root-mfa";
    }

    @Override
    ObjectNode args() {
        return AdminClient.args().put("account", accountId);
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out) {
        if (r.path("deactivated").isEmpty()) {
            out.println("The root user of " + r.path("accountId").asText() + " has no MFA device.");
        }
        r.path("deactivated").forEach(s -> out.println("Deactivated " + s.asText()));
    }
}
