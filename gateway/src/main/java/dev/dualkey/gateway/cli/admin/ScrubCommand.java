package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.admin.ScrubJob;
import dev.dualkey.storage.rocks.StoreScrubber;
import java.io.PrintWriter;
import java.nio.file.Files;
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
        try (StoreScrubber s = StoreScrubber.offline(dataDir)) {
            return ScrubJob.run(s, rate(), events);
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
        for (JsonNode f : r.path("findings")) {
            out.println("  " + describe(f));
        }
    }

    @Override
    boolean problems(JsonNode result) {
        return !result.path("clean").asBoolean(false);
    }
}
