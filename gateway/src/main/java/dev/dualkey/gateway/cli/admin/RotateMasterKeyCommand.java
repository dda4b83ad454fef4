package dev.dualkey.gateway.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.admin.AdminClient;
import dev.dualkey.gateway.admin.AdminFailure;
import dev.dualkey.gateway.admin.AdminHandler;
import dev.dualkey.gateway.rotate.MasterKeyRotation;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualkey admin rotate-master-key [--data-dir DIR] [--retire] [--rate MB/s] [--json]}: introduces a new
 * master key (a key file's; an environment-held key is replaced by the operator), re-seals every secret and
 * re-wraps every data key under it, resumable, and says when the previous key may go; {@code --retire} removes the
 * previous key file once nothing needs it. Through the running server's admin channel, else offline
 * ({@link MasterKeyRotation}). Exit 1 when items are left under the previous key.
 */
@Command(name = "rotate-master-key", mixinStandardHelpOptions = true,
        description = "Move every sealed secret and object data key to a new master key (resumable); --retire "
                + "removes the previous key once nothing needs it.")
final class RotateMasterKeyCommand extends LongRunningCommand {
    @Option(names = "--retire", description = "Remove the previous key file when everything is under the new key.")
    boolean retire;

    @Option(names = "--rate", paramLabel = "MB/s", defaultValue = "0",
            description = "Copy blob files at most this many MB (10^6 bytes) per second; 0 = unbounded "
                    + "(default: ${DEFAULT-VALUE}).")
    double rateMb;

    @Override
    String name() {
        return "rotate-master-key";
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
        a.put("retire", retire);
        a.put("rateBytesPerSecond", rate());
        return a;
    }

    @Override
    JsonNode offline(AdminHandler.Events events) {
        try (OfflineDataDir dir = OfflineDataDir.open(dataDir, System.getenv())) {
            var objects = dir.engine().objectStore();
            objects.encryptAtRest(dir.identity().dataKeys());
            return new MasterKeyRotation(dataDir, System.getenv(), dir.identity(),
                    dir.identity().kms("us-east-1", Clock.systemUTC()), objects).run(retire, rate(), events);
        } catch (AdminException e) {
            throw new AdminFailure(e.getMessage());
        }
    }

    @Override
    void printHuman(JsonNode r, PrintWriter out, boolean online) {
        out.println(MasterKeyRotation.describe(r) + (online ? "" : " (offline)"));
    }

    @Override
    boolean problems(JsonNode result) {
        return !result.path("complete").asBoolean(false);
    }
}
