package dev.dualkey.gateway.upstream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    /** The shortest grace {@code serve --orphan-grace} accepts: twice the store's publish deadline (15 min). */
    public static final Duration MIN_GRACE = UpstreamObjectStore.PUBLISH_DEADLINE.multipliedBy(2);

    /**
     * Parses {@code serve --orphan-grace}: {@code 30m}, {@code 1h}, {@code 2h30m}, {@code 90m} or ISO-8601
     * ({@code PT1H}); at least {@link #MIN_GRACE}, so that no upload in flight is ever swept.
     */
    public static Duration parseGrace(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(java.util.Locale.ROOT);
        Duration d;
        try {
            d = Duration.parse(t.startsWith("P") ? t : "PT" + t);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--orphan-grace: not a duration: " + text + " (e.g. 30m, 1h, 2h30m)");
        }
        if (d.compareTo(MIN_GRACE) < 0) {
            throw new IllegalArgumentException("--orphan-grace must be at least 30m (twice the 15 minutes within "
                    + "which a write publishes its upstream version or abandons it)");
        }
        return d;
    }

    /** How often {@code serve} sweeps for a grace: a quarter of it, at most hourly. */
    public static Duration interval(Duration grace) {
        Duration q = grace.dividedBy(4);
        return q.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : q;
    }

    /** At most this many suspects are remembered; beyond, new ones wait for a later sweep. */
    static final int MAX_SUSPECTS = 100_000;

    /** What one sweep did (or, dry, would do). */
    public record Result(int versionsSeen, int versionsRemoved, int uploadsAborted, int suspects, boolean dryRun,
                         List<Item> items, int partEntriesRemoved) {
        public Result(int versionsSeen, int versionsRemoved, int uploadsAborted, int suspects) {
            this(versionsSeen, versionsRemoved, uploadsAborted, suspects, false, List.of(), 0);
        }
    }

    /**
     * One unreferenced upstream version ({@code kind} "version") or upload ("upload") a sweep saw: when this sweeper
     * first saw it unreferenced, and whether it was removed (a dry run: whether it would have been).
     */
    public record Item(String kind, String bucket, String key, String id, Instant firstSeen, Instant due,
                       boolean removed) {
    }

    /** At most this many items are listed in a result (the counts are complete). */
    static final int MAX_ITEMS = 1000;

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
        return sweepOnce(false);
    }

    /**
     * One pass now ({@code dualkey admin sweep-orphans} runs it through the admin channel). {@code dryRun}: nothing
     * is removed upstream, the result lists what would be; orphans seen for the first time still start their grace,
     * as in any pass (that is memory of this sweeper, not a change).
     */
    public synchronized Result sweepOnce(boolean dryRun) {
        Instant now = clock.instant();
        Map<String, Instant> seenNow = new HashMap<>();
        List<Item> items = new ArrayList<>();
        int[] counts = new int[4];
        for (var bucket : store.listAllBuckets(null, Integer.MAX_VALUE)) {
            String b = bucket.name();
            counts[3] += store.dropDanglingParts(b, dryRun); // index entries only: no grace needed (see there)
            store.upstream().forEachVersion(b, (key, versionId) -> {
                counts[0]++;
                if (store.indexReferences(b, key, versionId)) {
                    return;
                }
                String id = "v\0" + b + '\0' + key + '\0' + versionId;
                boolean due = due(id, now, seenNow);
                boolean remove = due && !store.indexReferences(b, key, versionId)
                        && !store.pinnedUpstream(b, versionId);
                if (remove) {
                    if (!dryRun) {
                        store.upstream().deleteVersion(b, key, versionId);
                        seenNow.remove(id);
                    }
                    counts[1]++;
                }
                note(items, "version", b, key, versionId, seenNow.getOrDefault(id, suspects.get(id)), remove);
            });
            store.upstream().forEachUpload(b, (key, uploadId) -> {
                if (store.indexHasUpload(b, key, uploadId)) {
                    return;
                }
                String id = "u\0" + b + '\0' + key + '\0' + uploadId;
                boolean remove = due(id, now, seenNow) && !store.indexHasUpload(b, key, uploadId);
                if (remove) {
                    if (!dryRun) {
                        store.upstream().abortUploadQuietly(b, key, uploadId);
                        seenNow.remove(id);
                    }
                    counts[2]++;
                }
                note(items, "upload", b, key, uploadId, seenNow.getOrDefault(id, suspects.get(id)), remove);
            });
        }
        // suspects not seen unreferenced in this pass (published, removed, gone) are forgotten
        suspects.keySet().retainAll(seenNow.keySet());
        return new Result(counts[0], counts[1], counts[2], suspects.size(), dryRun, List.copyOf(items), counts[3]);
    }

    private void note(List<Item> items, String kind, String bucket, String key, String id, Instant first,
                      boolean removed) {
        if (items.size() < MAX_ITEMS) {
            items.add(new Item(kind, bucket, key, id, first, first == null ? null : first.plus(grace), removed));
        }
    }

    /** The grace period: how long an orphan must have been seen unreferenced before it is removed. */
    public Duration grace() {
        return grace;
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
