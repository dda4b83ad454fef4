package dev.dualkey.gateway.cli.admin;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Shared shape of the offline operator commands: {@code --data-dir}, the data directory opened while no
 * server runs, and one exit-code convention: 0 done, 1 refused by the identity store (e.g. no such
 * account), 2 unusable invocation or data directory. Output goes to picocli's writers, so tests read it.
 */
abstract class AdminSubcommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "./data", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** The environment; a field so tests can give their own. */
    Map<String, String> env = System.getenv();

    @Override
    public final Integer call() {
        try (OfflineDataDir dir = OfflineDataDir.open(dataDir, env)) {
            run(dir, spec.commandLine().getOut());
            spec.commandLine().getOut().flush();
            return 0;
        } catch (AdminException e) {
            spec.commandLine().getErr().println("dualkey admin: " + e.getMessage());
            return e.exitCode();
        } catch (dev.dualkey.mfa.error.IamException e) {
            spec.commandLine().getErr().println("dualkey admin: " + e.code() + ": " + e.getMessage());
            return 1;
        }
    }

    abstract void run(OfflineDataDir dir, PrintWriter out);
}
