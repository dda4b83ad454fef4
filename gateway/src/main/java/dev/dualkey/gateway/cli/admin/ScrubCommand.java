package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.admin.ScrubJob;
import dev.dualkey.storage.rocks.StoreScrubber;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.storage.crypto.KeyWrapper;
import dev.dualkey.storage.crypto.MasterKeyWrapper;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin scrub [--data-dir DIR] [--rate MB/s] [--json]}: re-reads and verifies every version's
 * bytes and the metadata ({@link StoreScrubber}), at most {@code --rate} MB/s, through the running server's admin
 * channel or, with no server, on the directory opened read-only. Prints each damaged or orphaned item; exit 1 if
 * any.
 */
@Command(name = "scrub", mixinStandardHelpOptions = true,
        description = "Verify every stored version's bytes and metadata; exit 1 if anything is damaged or orphaned.")
final class ScrubCommand extends LongRunningCommand {
    @Option(names = "--rate", paramLabel = "MB/s", defaultValue = "50",
            description = "Read at most this many MB (10^6 bytes) per second; 0 = unbounded (default: ${DEFAULT-VALUE}).")
    double rateMb;

    @Override
    String name() {
        return "scrub";
    }

    private long rate() {
        if (rateMb < 0 || Double.isNaN(rateMb)) {
            throw new IllegalArgumentException("--rate must be 0 or positive");
        }
        return (long) (rateMb * 1_000_000);
    }

    @Override
    ObjectNode args() {
        ObjectNode a = AdminClient.args();
        a.put("rateBytesPerSecond", rate());
        return a;
    }

    @Override
    JsonNode offline(AdminHandler.Events events) {
        if (!Files.isDirectory(dataDir.resolve("db"))) {
            throw new IllegalArgumentException("no data directory at " + dataDir);
        }
        try (StoreScrubber s = StoreScrubber.offline(dataDir, masterKeyWrapper())) {
            return ScrubJob.run(s, rate(), events);
        }
    }

    /**
     * The master key's wrapper, so that sealed data is decrypted and its tags checked: {@code DUALKEY_MASTER_KEY},
     * else {@code DATA_DIR/master.key} when it exists (an offline scrub creates nothing); null without either
     * (sealed versions are then checked for structure only and counted as unverifiable).
     */
    private KeyWrapper masterKeyWrapper() {
        Map<String, String> env = System.getenv();
        String fromEnv = env.get(MasterKey.ENV);
        if ((fromEnv == null || fromEnv.isBlank()) && !Files.exists(dataDir.resolve(MasterKey.FILE_NAME))) {
            return null;
        }
        MasterKey.Ring ring = MasterKey.loadRing(dataDir, env); // with a rotation's previous key (issue 16)
        try {
            return MasterKeyWrapper.fromMasterKeys(ring.current(), ring.previous());
        } finally {
            Arrays.fill(ring.current(), (byte) 0);
        }
    }

    @Override
    Optional<String> eventLine(JsonNode e) {
        return "finding".equals(e.path("event").asText()) ? Optional.of(describe(e)) : Optional.empty();
    }

    static String describe(JsonNode f) {
        StringBuilder b = new StringBuilder(f.path("problem").asText());
        if (!f.path("bucket").isNull() && f.has("bucket")) {
            b.append(' ').append(f.path("bucket").asText()).append('/').append(f.path("key").asText(""));
        }
        if (!f.path("versionId").isNull() && f.has("versionId")) {
            b.append(" version ").append(f.path("versionId").asText());
        }
        if (!f.path("blobId").isNull() && f.has("blobId")) {
            b.append(" blob ").append(f.path("blobId").asText());
        }
        return b.append(": ").append(f.path("detail").asText("")).toString();
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out, boolean online) {
        out.printf("Scrubbed %d versions, %d parts, %d blob files, %d bytes (%s): %s%n", r.path("versions").asLong(),
                r.path("parts").asLong(), r.path("blobs").asLong(), r.path("bytes").asLong(),
                online ? "through the running server" : "offline",
                r.path("clean").asBoolean() ? "no problems" : r.path("findings").size() + " problem(s)");
        if (r.path("unverifiable").asLong() > 0) {
            out.printf("  %d encrypted version(s)/part(s) checked for header and size only: not verifiable without"
                    + " the customer key (SSE-C) or the master key%n", r.path("unverifiable").asLong());
        }
        for (JsonNode f : r.path("findings")) {
            out.println("  " + describe(f));
        }
    }

    @Override
    boolean problems(JsonNode result) {
        return !result.path("clean").asBoolean(false);
    }
}
