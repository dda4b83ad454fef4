package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.admin.BackupJob;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin backup --data-dir DIR --to DEST [--with-master-key]}: a consistent backup (RocksDB
 * checkpoint plus the blob files it references, hard links where possible), made by the running server through
 * its admin channel (online) or, with no server, by opening the directory. {@code serve --data-dir DEST} starts
 * from it. The master key is copied only with {@code --with-master-key} ({@link BackupJob}).
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a data directory (online through the running server, else offline).")
final class BackupCommand extends LongRunningCommand {
    @Option(names = "--to", required = true, paramLabel = "DEST",
            description = "New or empty directory for the backup (outside the data directory).")
    Path to;

    @Option(names = "--with-master-key", description = "Also copy master.key (mode 0600) into the backup. "
            + "Without it the backup's secrets (access keys, MFA seeds) stay sealed until the key is supplied.")
    boolean withMasterKey;

    @Override
    String name() {
        return "backup";
    }

    @Override
    ObjectNode args() {
        ObjectNode a = AdminClient.args();
        a.put("to", to.toAbsolutePath().normalize().toString());
        a.put("withMasterKey", withMasterKey);
        return a;
    }

    @Override
    JsonNode offline(AdminHandler.Events events) {
        if (!Files.isDirectory(dataDir.resolve("db"))) {
            throw new IllegalArgumentException("no data directory at " + dataDir);
        }
        StorageEngine engine;
        try {
            engine = StorageEngine.open(dataDir, IdentityStore.FAMILIES);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("lock")) {
                throw new AdminFailure("the data directory " + dataDir + " is held by a server whose admin channel "
                        + "does not answer; back up through that server or stop it");
            }
            throw e;
        }
        try (engine) {
            return BackupJob.run(engine, dataDir, to, withMasterKey, events);
        }
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out, boolean online) {
        out.printf("Backed up %s to %s (%s): %d blob files, %d bytes, %d hard-linked.%n", dataDir,
                r.path("destination").asText(), online ? "online, through the running server" : "offline",
                r.path("blobs").asLong(), r.path("bytes").asLong(), r.path("linked").asLong());
        switch (r.path("masterKey").asText()) {
            case "copied" -> out.println("The master key was copied into the backup (mode 0600): protect it.");
            case "copied-with-previous" -> out.println("The master key and the previous one (a rotation was under "
                    + "way) were copied into the backup (mode 0600): protect them.");
            case "environment" -> out.println("The master key comes from DUALKEY_MASTER_KEY: keep it to restore.");
            default -> out.println("The master key was NOT copied: keep " + Path.of("master.key")
                    + " from the data directory (or DUALKEY_MASTER_KEY) safe and separate; the backup needs it.");
        }
        out.println("Start from it with: dualkey serve --data-dir " + r.path("destination").asText());
    }

    @Override
    boolean problems(JsonNode result) {
        return false;
    }
}
