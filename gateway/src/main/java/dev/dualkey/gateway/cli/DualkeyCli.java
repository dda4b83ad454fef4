package dev.dualkey.gateway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar dualkey.jar <command>}: the entry point of the shaded jar. */
@Command(name = "dualkey", mixinStandardHelpOptions = true, version = "Dualkey 0.1.0",
        description = "S3-compatible object store where permanently destroying data takes a second factor.",
        subcommands = {ServeCommand.class, dev.dualkey.gateway.cli.admin.AdminCommand.class})
public final class DualkeyCli implements Runnable {
    /** Exit code for bad usage or an unusable data directory. */
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new DualkeyCli());
        // Bad flags: one clear line on stderr, exit code 2.
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("dualkey: " + ex.getMessage());
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }
}
