package dev.dualkey.gateway.cli.admin;

import picocli.CommandLine.Command;

/**
 * {@code dualkey admin ...}: operator commands that run offline on a data directory (never while a server
 * holds it): accounts, hardware token import, the audit log, and root recovery.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands on a data directory (the server must be stopped).",
        subcommands = {CreateAccountCommand.class, ImportTokensCommand.class, AuditCommand.class,
                DeactivateRootMfaCommand.class, ResetRootPasswordCommand.class})
public final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose an admin command");
    }
}
