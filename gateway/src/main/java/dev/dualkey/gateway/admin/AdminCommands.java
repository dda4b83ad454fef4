package dev.dualkey.gateway.admin;

import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Path;

/** The commands a running server offers on its admin channel. */
public final class AdminCommands {
    private AdminCommands() {
    }

    /** {@code ping}, {@code scrub}, {@code backup} over the server's open {@code engine}. */
    public static AdminRegistry standard(StorageEngine engine, Path dataDir) {
        return new AdminRegistry()
                .register("ping", (args, events) -> {
                    var n = AdminProtocol.object();
                    n.put("dataDir", dataDir.toAbsolutePath().toString());
                    return n;
                })
                .register("scrub", ScrubJob.handler(engine::scrubber))
                .register("backup", BackupJob.handler(engine, dataDir));
    }
}
