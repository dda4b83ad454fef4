package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.identity.IamUser;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin reset-root-password --account ID}: sets the root console password to
 * {@code DUALKEY_ROOT_PASSWORD} when set, otherwise to a generated one printed once, and ends every console
 * session of the root user (whoever reset the password wants whoever else was signed in out).
 */
@Command(name = "reset-root-password", mixinStandardHelpOptions = true,
        description = "Reset an account's root password (DUALKEY_ROOT_PASSWORD, or generated and printed once).")
final class ResetRootPasswordCommand extends AdminSubcommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "12-digit account id.")
    String accountId;

    @Override
    void run(OfflineDataDir dir, PrintWriter out) {
        String given = env.get("DUALKEY_ROOT_PASSWORD");
        String generated = dir.identity().identity().resetRootPassword(Actor.operator(), accountId,
                given == null || given.isBlank() ? null : given);
        // Sessions are bound to the password generation, so they would be refused anyway; delete them too.
        int ended = dir.signIn().revokeAll(accountId, IamUser.ROOT);
        if (generated != null) {
            out.println("New root password: " + generated);
            out.println("It is not stored in readable form and will not be shown again.");
        } else {
            out.println("Root password of " + accountId + " set from DUALKEY_ROOT_PASSWORD.");
        }
        out.println(ended + " console session(s) of the root user ended.");
    }
}
