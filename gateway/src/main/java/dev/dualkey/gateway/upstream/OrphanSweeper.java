package dev.dualkey.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes upstream versions and uploads that the version index does not reference: what a gateway killed between
 * an upstream write and its index commit, a refused publish whose clean-up failed, or a removal that failed leaves
 * behind (invisible to clients, since the index decides what exists, but paid for).
 *
 * <p><b>It never removes what the index references, nor anything younger than the grace period.</b> The grace is
 * measured by this sweeper's own clock from the first sweep that saw the version unreferenced (not from the
 * upstream's Last-Modified, which for a multipart completion is the upload's start, possibly days before it
 * becomes a version), and the index is read again just before each removal. A publish, for its part, refuses to
 * commit an upstream version more than half the grace after it was written ({@code UpstreamObjectStore}'s publish
 * deadline). So a version in flight (written upstream, index commit pending) is either published within half the
 * grace, and from then on referenced, or never published; the sweeper's check, made at least a whole grace after
 * the version first appeared, cannot race with its publish. Uploads alike: an upstream upload is aborted only when
 * no upload record names it, a grace after it was first seen so.
 *
 * <p><b>A client cannot steer it.</b> Its only inputs are the upstream listing and the index; a client changes the
 * index only through the S3 API, whose deletes pass the MFA Delete gate and Object Lock before the index changes.
 * Keys are compared as the exact strings the index holds (the upstream listing is URL-decoded by the SDK), and a
 * removal names the listed key and version id together, so a key a client shaped to look like another's can at most
 * name a version that does not exist. A version an open reader on this gateway still reads is left for a later
 * sweep. (SECURITY.md, U8.)
 *
 * <p>Every gateway may run one; they agree because each decides from the shared index. Suspects are kept in memory
 * (a restart begins the grace anew: later, never earlier).
 */
public final class OrphanSweeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
    /** At most this many suspects are remembered; beyond, new ones wait for a later sweep. */
    static final int MAX_SUSPECTS = 100_000;

    /** What one sweep did. */
    public record Result(int versionsSeen, int versionsRemoved, int uploadsAborted, int suspects) {
    }

    private final UpstreamObjectStore store;
    private final Clock clock;
    private final Duration grace;
    private final Map<String, Instant> suspects = new HashMap<>();
    private ScheduledExecutorService timer;

    /**
     * @param grace how long a version or upload must have been seen unreferenced before it is removed; also bounds
     *              (by half) how long a publish may follow its upstream write
     */
    public OrphanSweeper(UpstreamObjectStore store, Clock clock, Duration grace) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.grace = Objects.requireNonNull(grace, "grace");
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("the grace period must be positive");
        }
        if (store.publishDeadline().multipliedBy(2).compareTo(grace) > 0) {
            throw new IllegalArgumentException("the grace period must be at least twice the store's publish deadline ("
                    + store.publishDeadline() + ")");
        }
    }

    /** Sweeps every {@code interval} on a daemon thread until {@link #close}. */
    public OrphanSweeper start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dualkey-upstream-sweeper");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                Result r = sweepOnce();
                if (r.versionsRemoved() > 0 || r.uploadsAborted() > 0) {
                    LOG.info("upstream sweep: {} orphan versions removed, {} uploads aborted, {} suspects",
                            r.versionsRemoved(), r.uploadsAborted(), r.suspects());
                }
            } catch (RuntimeException e) {
                LOG.warn("upstream sweep failed (retried next time): {}", e.toString());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One pass over every bucket of the index (synchronously; tests call this directly). */
    public synchronized Result sweepOnce() {
        Instant now = clock.instant();
        Map<String, Instant> seenNow = new HashMap<>();
        int[] counts = new int[3];
        for (var bucket : store.listAllBuckets(null, Integer.MAX_VALUE)) {
            String b = bucket.name();
            store.upstream().forEachVersion(b, (key, versionId) -> {
                counts[0]++;
                if (store.indexReferences(b, key, versionId)) {
                    return;
                }
                String id = "v\0" + b + '\0' + key + '\0' + versionId;
                if (due(id, now, seenNow) && !store.indexReferences(b, key, versionId)
                        && !store.pinnedUpstream(b, versionId)) {
                    store.upstream().deleteVersion(b, key, versionId);
                    seenNow.remove(id);
                    counts[1]++;
                }
            });
            store.upstream().forEachUpload(b, (key, uploadId) -> {
                if (store.indexHasUpload(b, key, uploadId)) {
                    return;
                }
                String id = "u\0" + b + '\0' + key + '\0' + uploadId;
                if (due(id, now, seenNow) && !store.indexHasUpload(b, key, uploadId)) {
                    store.upstream().abortUploadQuietly(b, key, uploadId);
                    seenNow.remove(id);
                    counts[2]++;
                }
            });
        }
        // suspects not seen unreferenced in this pass (published, removed, gone) are forgotten
        suspects.keySet().retainAll(seenNow.keySet());
        return new Result(counts[0], counts[1], counts[2], suspects.size());
    }

    /** Records the suspect; true once it has been unreferenced for the whole grace period. */
    private boolean due(String id, Instant now, Map<String, Instant> seenNow) {
        Instant first = suspects.get(id);
        if (first == null) {
            if (suspects.size() >= MAX_SUSPECTS) {
                return false;
            }
            suspects.put(id, now);
            seenNow.put(id, now);
            return false;
        }
        seenNow.put(id, first);
        return !now.isBefore(first.plus(grace));
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
