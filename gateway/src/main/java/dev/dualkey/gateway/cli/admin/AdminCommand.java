package dev.dualkey.gateway.cli.admin;

import picocli.CommandLine.Command;

/**
 * {@code dualkey admin ...}: operator commands. Every one goes through a running server's admin channel
 * ({@link dev.dualkey.gateway.admin}) when one answers in the data directory and works offline when none runs:
 * accounts, hardware token import, the audit log (also tailed with {@code --follow}) and root recovery
 * ({@link ChannelCommand}), scrub and backup ({@link LongRunningCommand}), SSE-KMS keys ({@link KmsCommand}).
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands on a data directory.",
        subcommands = {CreateAccountCommand.class, ImportTokensCommand.class, AuditCommand.class,
                DeactivateRootMfaCommand.class, ResetRootPasswordCommand.class,
                ScrubCommand.class, BackupCommand.class, KmsCommand.class,
                ExportStateCommand.class, ImportStateCommand.class, // issue 20: single node -> etcd
                RotateMasterKeyCommand.class, // issue 16: master key rotation
                SweepOrphansCommand.class}) // issue 20: upstream orphans
public final class AdminCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose an admin command");
    }
}
