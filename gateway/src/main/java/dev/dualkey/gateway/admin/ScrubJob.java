package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.storage.rocks.StoreScrubber;

/**
 * {@code scrub}: runs a {@link StoreScrubber} and reports progress and findings as admin events; the same code
 * runs in the server (admin channel) and in the CLI (offline). Result:
 * {@code {"clean":bool,"versions":n,"parts":n,"bytes":n,"blobs":n,"unverifiable":n,"findings":[{problem,bucket,key,
 * versionId,blobId,detail}]}} ({@code unverifiable}: SSE-C versions, checked for structure only).
 */
public final class ScrubJob {
    /** Progress events at most this often (by bytes: every 1/200 of the total), plus the last one. */
    private static final int PROGRESS_STEPS = 200;

    private ScrubJob() {
    }

    /** Registers {@code scrub} (args: {@code rateBytesPerSecond}, 0 or absent = unbounded). */
    static AdminHandler handler(java.util.function.Supplier<StoreScrubber> scrubber) {
        return (args, events) -> run(scrubber.get(), args.path("rateBytesPerSecond").asLong(0), events);
    }

    public static ObjectNode run(StoreScrubber scrubber, long rateBytesPerSecond, AdminHandler.Events events) {
        StoreScrubber.Report r = scrubber.run(rateBytesPerSecond, new StoreScrubber.Listener() {
            private long lastSent = -1;

            @Override
            public void progress(long done, long total) {
                if (lastSent < 0 || done == total || done - lastSent >= Math.max(1, total / PROGRESS_STEPS)) {
                    lastSent = done;
                    ObjectNode e = AdminProtocol.object();
                    e.put("event", "progress");
                    e.put("done", done);
                    e.put("total", total);
                    events.send(e);
                }
            }

            @Override
            public void finding(StoreScrubber.Finding f) {
                ObjectNode e = toJson(f);
                e.put("event", "finding");
                events.send(e);
            }
        });
        ObjectNode out = AdminProtocol.object();
        out.put("clean", r.clean());
        out.put("versions", r.versions());
        out.put("parts", r.parts());
        out.put("bytes", r.bytes());
        out.put("blobs", r.blobs());
        out.put("unverifiable", r.unverifiable());
        ArrayNode list = out.putArray("findings");
        r.findings().forEach(f -> list.add(toJson(f)));
        return out;
    }

    static ObjectNode toJson(StoreScrubber.Finding f) {
        ObjectNode n = AdminProtocol.object();
        n.put("problem", f.problem().name());
        n.put("bucket", f.bucket());
        n.put("key", f.key());
        n.put("versionId", f.versionId());
        n.put("blobId", f.blobId());
        n.put("detail", f.detail());
        return n;
    }
}
