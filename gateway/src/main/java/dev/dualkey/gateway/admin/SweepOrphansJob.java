package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.upstream.OrphanSweeper;
import dev.dualkey.gateway.upstream.UpstreamObjectStore;

/**
 * {@code sweep-orphans} (issue 20, upstream and cluster mode): one pass of the gateway's
 * {@link OrphanSweeper} now, through the admin channel. Args: {@code {"dryRun":bool}}. Result:
 * {@code {"dryRun":bool,"graceSeconds":n,"versionsSeen":n,"versionsRemoved":n,"uploadsAborted":n,"suspects":n,
 * "partEntriesRemoved":n,
 * "items":[{kind,bucket,key,id,firstSeen,due,removed}]}} (in a dry run, "removed" means "would be removed").
 *
 * <p>What it may remove is what the periodic sweep removes: upstream versions and uploads that the index does not
 * reference and that this gateway has seen unreferenced for the whole grace period. No argument names a version,
 * key or bucket, so the channel's user (the operator: the socket is the data directory owner's) cannot point it at
 * a referenced version either; a client's S3 key reaches the index only through the S3 API, whose deletes pass the
 * MFA Delete gate (SECURITY.md U8, U12).
 */
public final class SweepOrphansJob {
    private SweepOrphansJob() {
    }

    /** The handler over a running upstream store (its sweeper started by {@code serve}). */
    public static AdminHandler handler(UpstreamObjectStore store) {
        return (args, events) -> {
            OrphanSweeper.Result r;
            try {
                r = store.sweepOrphansNow(args.path("dryRun").asBoolean(false));
            } catch (IllegalStateException e) {
                throw new AdminFailure(e.getMessage());
            }
            return toJson(r, store.orphanGrace());
        };
    }

    static ObjectNode toJson(OrphanSweeper.Result r, java.time.Duration grace) {
        ObjectNode out = AdminProtocol.object();
        out.put("dryRun", r.dryRun());
        out.put("graceSeconds", grace == null ? 0 : grace.toSeconds());
        out.put("versionsSeen", r.versionsSeen());
        out.put("versionsRemoved", r.versionsRemoved());
        out.put("uploadsAborted", r.uploadsAborted());
        out.put("suspects", r.suspects());
        out.put("partEntriesRemoved", r.partEntriesRemoved());
        ArrayNode list = out.putArray("items");
        for (OrphanSweeper.Item i : r.items()) {
            ObjectNode n = list.addObject();
            n.put("kind", i.kind());
            n.put("bucket", i.bucket());
            n.put("key", i.key());
            n.put("id", i.id());
            n.put("firstSeen", i.firstSeen() == null ? null : i.firstSeen().toString());
            n.put("due", i.due() == null ? null : i.due().toString());
            n.put("removed", i.removed());
        }
        return out;
    }
}
