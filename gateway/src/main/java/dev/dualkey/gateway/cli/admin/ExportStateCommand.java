package dev.dualkey.gateway.cli.admin;

import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.OwnerOnlyFiles;
import dev.dualkey.storage.kv.KvDump;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dualkey admin export-state --data-dir D --out FILE}: writes the data directory's identity and MFA state
 * (every {@code mfa.*} column family, byte for byte; secrets stay sealed with the directory's master key) to a file
 * for {@code import-state} into etcd (cluster mode, issue 20). Offline only: the server must be stopped, so the
 * export is one consistent state and no code is spent after it.
 */
@Command(name = "export-state", mixinStandardHelpOptions = true,
        description = "Export identities and MFA state of a stopped server's data directory (for import-state).")
public final class ExportStateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = "./data")
    Path dataDir;

    @Option(names = "--out", required = true, description = "File to create (mode 0600; it must not exist).")
    Path out;

    /**
     * The spaces exported and imported: every mfa family, the SSE-KMS key registry's (issue 16), and the upstream
     * store's index (a single gateway's {@code serve --upstream} data directory moves into full cluster mode with its
     * buckets and versions; empty for an embedded data directory, whose objects are not upstream).
     */
    static List<String> spaces() {
        List<String> spaces = new java.util.ArrayList<>(MfaSchema.FAMILIES.stream().map(ColumnFamilySpec::name)
                .toList());
        dev.dualkey.gateway.kms.KmsSchema.FAMILIES.stream().map(ColumnFamilySpec::name).forEach(spaces::add);
        spaces.add(dev.dualkey.storage.shared.KvSharedKv.SPACE);
        return List.copyOf(spaces);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (!Files.isDirectory(dataDir)) {
            err.println("dualkey: no data directory at " + dataDir);
            return 2;
        }
        StorageEngine engine;
        try {
            List<ColumnFamilySpec> families = new java.util.ArrayList<>(IdentityStore.FAMILIES);
            families.add(dev.dualkey.storage.shared.RocksKv.FAMILY); // the upstream index (issue 20)
            engine = StorageEngine.open(dataDir, families);
        } catch (RuntimeException e) {
            err.println("dualkey: cannot open " + dataDir + (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
                    .contains("lock") ? " (a running server holds it; stop it first)" : ": " + e.getMessage()));
            return 2;
        }
        try (engine; OutputStream o = Files.newOutputStream(Files.createFile(out, OwnerOnlyFiles.fileAttributes()),
                StandardOpenOption.WRITE)) {
            KvDump.Summary s = KvDump.export(RocksKvStore.over(engine.database()), spaces(), o);
            stdout.println("Exported " + s.entries() + " entries to " + out + ". Import them with `dualkey admin "
                    + "import-state --in " + out + " --state etcd://...`; every gateway then needs this data "
                    + "directory's master key: DUALKEY_MASTER_KEY=$(base64 -w0 " + dataDir.resolve("master.key")
                    + ")");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("dualkey: export failed: " + e.getMessage());
            return 1;
        }
    }
}
