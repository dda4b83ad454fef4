package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.AdminHandler;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin sweep-orphans [--data-dir DIR] [--dry-run] [--json]} (issue 20): removes upstream versions
 * and uploads that the version index does not reference and that the running gateway has seen unreferenced for its
 * whole grace period ({@code serve --orphan-grace}, default 1 hour, at least 30 minutes): what a gateway killed
 * during a PUT or multipart upload leaves upstream. Runs through the admin channel of a running upstream or
 * cluster-mode gateway only: the grace is measured from when that gateway's sweeper first saw each orphan (the
 * upstream's Last-Modified cannot serve: for a completed multipart upload it is the upload's start, so an offline
 * pass could remove a version whose index commit is still in flight). Exit 0 done, 2 refused (no running gateway,
 * or not in upstream mode).
 */
@Command(name = "sweep-orphans", mixinStandardHelpOptions = true,
        description = "Remove upstream versions and uploads no index entry references, once unreferenced for the "
                + "grace period (upstream/cluster mode, through the running gateway).")
final class SweepOrphansCommand extends LongRunningCommand {
    @Option(names = "--dry-run", description = "List what would be removed; remove nothing.")
    boolean dryRun;

    @Override
    String name() {
        return "sweep-orphans";
    }

    @Override
    ObjectNode args() {
        ObjectNode a = AdminClient.args();
        a.put("dryRun", dryRun);
        return a;
    }

    @Override
    JsonNode offline(AdminHandler.Events events) {
        throw new AdminFailure("no gateway runs on " + dataDir + ": sweep-orphans runs through a running upstream "
                + "or cluster-mode gateway (serve --upstream), whose sweeper knows since when each orphan has been "
                + "unreferenced");
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out, boolean online) {
        boolean dry = r.path("dryRun").asBoolean();
        out.printf("%s: %d upstream versions seen, %d orphan versions %s, %d uploads %s, %d orphans within their "
                        + "grace (%d s)%n", dry ? "Dry run" : "Swept", r.path("versionsSeen").asLong(),
                r.path("versionsRemoved").asLong(), dry ? "to remove" : "removed", r.path("uploadsAborted").asLong(),
                dry ? "to abort" : "aborted", r.path("suspects").asLong(), r.path("graceSeconds").asLong());
        for (JsonNode i : r.path("items")) {
            out.printf("  %s %s %s/%s %s: first seen %s, %s%n", i.path("removed").asBoolean()
                            ? (dry ? "would remove" : "removed") : "waiting", i.path("kind").asText(),
                    i.path("bucket").asText(), i.path("key").asText(), i.path("id").asText(),
                    i.path("firstSeen").asText("now"), i.path("removed").asBoolean() ? "grace over"
                            : "due " + i.path("due").asText("after a whole grace"));
        }
    }

    @Override
    boolean problems(JsonNode result) {
        return false;
    }
}
