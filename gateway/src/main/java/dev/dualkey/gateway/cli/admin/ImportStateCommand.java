package dev.dualkey.gateway.cli.admin;

import dev.dualkey.gateway.cluster.StateUrl;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.kv.KvDump;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dualkey admin import-state --in FILE --state etcd://...}: loads an {@code export-state} file into an
 * etcd that holds no Dualkey state yet (refused otherwise); the file's digest is checked before anything is
 * written. Then start the gateways with {@code serve --state} and the exported directory's master key.
 */
@Command(name = "import-state", mixinStandardHelpOptions = true,
        description = "Import an export-state file into an empty etcd (cluster mode).")
public final class ImportStateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, description = "File written by export-state.")
    Path in;

    @Option(names = "--state", required = true, paramLabel = "URL", description = "etcd://host:port[,...] "
            + "(etcds:// for TLS); user and password from DUALKEY_STATE_USER / DUALKEY_STATE_PASSWORD.")
    String state;

    @Option(names = "--state-ca", paramLabel = "FILE", description = "PEM CA bundle that signed etcd's certificate.")
    Path stateCa;

    @Option(names = "--state-cert", paramLabel = "FILE", description = "PEM client certificate for etcd.")
    Path stateCert;

    @Option(names = "--state-key", paramLabel = "FILE", description = "PEM private key of --state-cert.")
    Path stateKey;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        EtcdKvStore.Settings settings;
        try {
            settings = StateUrl.parse(state, stateCa, stateCert, stateKey, System.getenv());
        } catch (IllegalArgumentException e) {
            err.println("dualkey: " + e.getMessage());
            return 2;
        }
        try (EtcdKvStore etcd = EtcdKvStore.connect(settings)) {
            KvDump.Summary s = KvDump.importFile(in, etcd, ExportStateCommand.spaces());
            spec.commandLine().getOut().println("Imported " + s.entries() + " entries into " + etcd.describe());
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("dualkey: import failed: " + e.getMessage());
            return 1;
        }
    }
}
