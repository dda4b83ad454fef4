package dev.dualkey.gateway.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Upstream versions that open readers of this gateway still read: removing such a version upstream waits until its
 * last reader closes (the {@link dev.dualkey.storage.ObjectReader} contract: a reader open before a delete still
 * reads). A reader on another gateway is not pinned here: its next ranged GET of a version deleted meanwhile fails
 * with an I/O error (stated in the package documentation).
 */
final class Pins {
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, List<Runnable>> deferred = new HashMap<>();

    private static String id(String bucket, String upstreamId) {
        return bucket + '\0' + upstreamId;
    }

    synchronized void pin(String bucket, String upstreamId) {
        counts.merge(id(bucket, upstreamId), 1, Integer::sum);
    }

    /** Releases one pin; runs the deferred removals when it was the last. */
    void unpin(String bucket, String upstreamId) {
        List<Runnable> run;
        synchronized (this) {
            String id = id(bucket, upstreamId);
            int left = counts.merge(id, -1, Integer::sum);
            if (left > 0) {
                return;
            }
            counts.remove(id);
            run = deferred.remove(id);
        }
        if (run != null) {
            run.forEach(Runnable::run);
        }
    }

    /** Runs {@code removal} now when the version is not pinned, else when its last reader closes. */
    void whenUnpinned(String bucket, String upstreamId, Runnable removal) {
        synchronized (this) {
            String id = id(bucket, upstreamId);
            if (counts.containsKey(id)) {
                deferred.computeIfAbsent(id, k -> new ArrayList<>()).add(removal);
                return;
            }
        }
        removal.run();
    }

    synchronized boolean isPinned(String bucket, String upstreamId) {
        return counts.containsKey(id(bucket, upstreamId));
    }

    synchronized int pinnedCount() {
        return counts.size();
    }
}
