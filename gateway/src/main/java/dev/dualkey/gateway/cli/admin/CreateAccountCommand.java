package dev.dualkey.gateway.cli.admin;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.identity.AccountCreated;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dualkey admin create-account [--alias A]}: a new account; its root secrets are printed once. */
@Command(name = "create-account", mixinStandardHelpOptions = true,
        description = "Create an account and print its root access key and password (shown only now).")
final class CreateAccountCommand extends AdminSubcommand {
    @Option(names = "--alias", description = "Optional unique account alias (3-63 of a-z, 0-9, -).")
    String alias;

    @Override
    void run(OfflineDataDir dir, PrintWriter out) {
        AccountCreated c = dir.identity().identity().createAccount(Actor.operator(), alias);
        out.println("Account:          " + c.account().accountId()
                + (c.account().alias() != null ? " (alias " + c.account().alias() + ")" : ""));
        out.println("Root access key:  " + c.rootAccessKey().accessKeyId());
        out.println("Root secret key:  " + c.rootAccessKey().secretAccessKey());
        if (c.rootPassword() != null) {
            out.println("Root password:    " + c.rootPassword());
        }
        out.println("These secrets are not stored in readable form and will not be shown again.");
    }
}
