package dev.dualkey.gateway.cli.admin;

import picocli.CommandLine.Command;

/**
 * {@code dualkey admin ...}: operator commands. Accounts, hardware token import, the audit log and root recovery
 * run offline on a data directory (never while a server holds it); scrub and backup go through a running
 * server's admin channel ({@link dev.dualkey.gateway.admin}) and work offline when none runs.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands on a data directory.",
        subcommands = {CreateAccountCommand.class, ImportTokensCommand.class, AuditCommand.class,
                DeactivateRootMfaCommand.class, ResetRootPasswordCommand.class,
                ScrubCommand.class, BackupCommand.class})
public final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose an admin command");
    }
}
