package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.identity.IamUser;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin deactivate-root-mfa --account ID}: the lost-root-device recovery (spec D10). Offline
 * only, so it needs access to the server's machine and data directory; every deactivation is audited.
 */
@Command(name = "deactivate-root-mfa", mixinStandardHelpOptions = true,
        description = "Deactivate every MFA device of an account's root user (lost device).")
final class DeactivateRootMfaCommand extends AdminSubcommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "12-digit account id.")
    String accountId;

    @Override
    void run(OfflineDataDir dir, PrintWriter out) {
        dir.identity().identity().account(accountId)
                .orElseThrow(() -> new AdminException(1, "no account " + accountId));
        List<String> serials = dir.identity().devices().deactivateAll(Actor.operator(), accountId, IamUser.ROOT);
        if (serials.isEmpty()) {
            out.println("The root user of " + accountId + " has no MFA device.");
        }
        serials.forEach(s -> out.println("Deactivated " + s));
    }
}
