package dev.dualkey.gateway.lifecycle;

import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.error.NoSuchUploadException;
import dev.dualkey.storage.error.StorageException;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.ListUploadsPage;
import dev.dualkey.storage.model.ListVersionsPage;
import dev.dualkey.storage.model.ListVersionsQuery;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.MultipartUpload;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.model.VersioningState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the buckets' lifecycle rules in the background.
 *
 * <p><b>Incremental and resumable.</b> A pass walks the buckets by name in pages ({@code listAllBuckets}); in a
 * bucket with a configuration it lists versions a page at a time (never the whole bucket at once), acts on each
 * complete key of the page, then persists its cursor ({@link LifecycleProgress}, a bucket sub-resource) before the
 * next page; then it walks the multipart uploads the same way. After a crash or restart the bucket's pass resumes
 * at the last persisted page. Keys re-processed after a crash are decided again on their current versions, so
 * nothing is done twice (a second delete marker is never added: the current version is then a marker).
 *
 * <p><b>Bounded.</b> Versions examined and deletions made are paced by two {@link Throttle}s (settings), in real
 * time.
 *
 * <p><b>Safe against the MFA Delete gate.</b> Every deletion goes through the store's {@code deleteObject} with a
 * precondition that runs under the bucket's read lock and the key's write lock: it refuses when the bucket's MFA
 * Delete is Enabled (D6: it may have been enabled after this pass started; lifecycle never destroys what MFA
 * Delete protects), when the bucket's lifecycle configuration no longer asks for this action (deleted or changed
 * meanwhile), when the key's versions as they are now no longer make it due (a newer version was deleted so this
 * one is current again), and when the version is under retention or legal hold. A refused action is skipped and
 * audited.
 *
 * <p><b>Visible.</b> Every action and every refusal is an audit record with principal {@code lifecycle}
 * ({@link AuditLog}, the same log as MFA checks), reason {@code rule-id=...}.
 */
public final class LifecycleWorker implements AutoCloseable {
    /** The audit principal of the worker's actions. */
    public static final String PRINCIPAL = "lifecycle";

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleWorker.class);
    private static final int BUCKET_PAGE = 100;

    private final ObjectStore store;
    private final AuditLog audit;
    private final LifecycleSettings settings;
    private final Clock realClock;
    private final Throttle examineRate;
    private final Throttle deleteRate;
    private final Object wake = new Object();
    private final AtomicLong examined = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private volatile boolean closed;
    private Thread thread;

    /**
     * @param audit the audit log, or null without an identity store (then actions are only logged)
     */
    public LifecycleWorker(ObjectStore store, AuditLog audit, LifecycleSettings settings) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = audit;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.realClock = Clock.systemUTC();
        this.examineRate = new Throttle(settings.versionsPerSecond());
        this.deleteRate = new Throttle(settings.deletesPerSecond());
    }

    /** Starts the background thread: a pass, then a pause of the interval, until {@link #close()}. */
    public synchronized LifecycleWorker start() {
        if (thread == null) {
            thread = new Thread(this::loop, "dualkey-lifecycle");
            thread.setDaemon(true);
            thread.start();
        }
        return this;
    }

    /** Versions and markers examined so far. */
    public long examined() {
        return examined.get();
    }

    /** Markers added, versions removed and uploads aborted so far. */
    public long deleted() {
        return deleted.get();
    }

    /** Actions refused by their precondition so far (retention, legal hold, MFA Delete, changed state). */
    public long skipped() {
        return skipped.get();
    }

    /** Passes completed so far. */
    public long passes() {
        return passes.get();
    }

    private void loop() {
        while (!closed) {
            try {
                runPass();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("lifecycle pass failed; retrying after the interval", e);
                }
            }
            synchronized (wake) {
                if (closed) {
                    break;
                }
                try {
                    wake.wait(Math.max(1, settings.interval().toMillis()));
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
    }

    /** One pass over every bucket (synchronously; tests call it, the thread loops over it). */
    public void runPass() {
        String after = null;
        while (!closed) {
            List<BucketInfo> page = store.listAllBuckets(after, BUCKET_PAGE);
            for (BucketInfo b : page) {
                if (closed) {
                    return;
                }
                try {
                    processBucket(b);
                } catch (NoSuchBucketException e) {
                    // deleted meanwhile: its progress went with it
                } catch (StorageException e) {
                    LOG.warn("lifecycle: bucket {} failed this pass: {}", b.name(), e.toString());
                }
            }
            if (page.size() < BUCKET_PAGE) {
                break;
            }
            after = page.get(page.size() - 1).name();
        }
        if (!closed) {
            passes.incrementAndGet();
        }
    }

    private void processBucket(BucketInfo bucket) {
        String doc = bucket.config().subresource(LifecycleConfiguration.SUBRESOURCE);
        if (doc == null) {
            if (bucket.config().subresource(LifecycleProgress.SUBRESOURCE) != null) {
                store.updateBucket(bucket.name(), c -> c.withSubresource(LifecycleProgress.SUBRESOURCE, null));
            }
            return;
        }
        if (bucket.mfaDelete() == MfaDeleteState.ENABLED) {
            // Cannot be configured so (D6); if it ever is (an older data directory), lifecycle does nothing.
            return;
        }
        LifecycleConfiguration config = LifecycleConfiguration.fromStored(doc);
        LifecycleProgress progress = LifecycleProgress.decode(
                bucket.config().subresource(LifecycleProgress.SUBRESOURCE));
        while (!closed) {
            Instant now = settings.clock().instant();
            LifecycleProgress next = progress.phase() == LifecycleProgress.Phase.VERSIONS
                    ? versionsPage(bucket, config, progress, now)
                    : uploadsPage(bucket, config, progress, now);
            if (closed) {
                return; // the page may be cut short: do not move the cursor past it
            }
            persist(bucket.name(), next);
            if (next == null) {
                return;
            }
            progress = next;
        }
    }

    /** Saves the cursor (null: the pass over this bucket is complete). */
    private void persist(String bucket, LifecycleProgress p) {
        store.updateBucket(bucket, c -> c.subresource(LifecycleConfiguration.SUBRESOURCE) == null || p == null
                ? c.withSubresource(LifecycleProgress.SUBRESOURCE, null)
                : c.withSubresource(LifecycleProgress.SUBRESOURCE, p.encode()));
    }

    private LifecycleProgress versionsPage(BucketInfo bucket, LifecycleConfiguration config,
                                           LifecycleProgress progress, Instant now) {
        ListVersionsPage page = store.listObjectVersions(bucket.name(),
                new ListVersionsQuery(null, null, progress.keyMarker(), null, settings.pageSize()));
        List<List<ObjectVersion>> keys = byKey(page.versions());
        if (!examineRate.acquire(page.versions().size())) {
            closed = true;
            return progress;
        }
        examined.addAndGet(page.versions().size());
        if (page.truncated() && !keys.isEmpty()) {
            if (keys.size() > 1) {
                keys.remove(keys.size() - 1); // incomplete: listed again from the next page's start
            } else {
                keys.set(0, KeyVersions.of(store, bucket.name(), keys.get(0).get(0).key()));
            }
        }
        String last = progress.keyMarker();
        for (List<ObjectVersion> versions : keys) {
            if (closed) {
                return progress.withKey(last);
            }
            for (LifecycleEvaluator.Action a : LifecycleEvaluator.decide(config, versions, now)) {
                apply(bucket, versions.get(0).key(), a, now);
            }
            last = versions.get(0).key();
        }
        if (!page.truncated()) {
            return new LifecycleProgress(LifecycleProgress.Phase.UPLOADS, null, null);
        }
        return progress.withKey(last);
    }

    private LifecycleProgress uploadsPage(BucketInfo bucket, LifecycleConfiguration config,
                                          LifecycleProgress progress, Instant now) {
        if (config.rules().stream().noneMatch(r -> r.enabled() && r.hasAbort())) {
            return null;
        }
        ListUploadsPage page = store.listMultipartUploads(bucket.name(), null, null, progress.keyMarker(),
                progress.uploadIdMarker(), Math.min(1000, settings.pageSize()));
        if (!examineRate.acquire(page.uploads().size())) {
            closed = true;
            return progress;
        }
        for (MultipartUpload u : page.uploads()) {
            if (closed) {
                return progress;
            }
            for (LifecycleRule r : config.rules()) {
                if (r.enabled() && r.hasAbort() && r.filter().matchesKey(u.key())
                        && !now.isBefore(LifecycleEvaluator.due(u.initiated(), r.abortDaysAfterInitiation()))) {
                    abort(bucket, u, r.id());
                    break;
                }
            }
            progress = new LifecycleProgress(LifecycleProgress.Phase.UPLOADS, u.key(), u.uploadId());
        }
        return page.truncated() ? progress : null;
    }

    private void abort(BucketInfo bucket, MultipartUpload u, String ruleId) {
        if (!deleteRate.acquire(1)) {
            closed = true;
            return;
        }
        // Re-read the configuration right before: a rule deleted meanwhile aborts nothing.
        BucketInfo now = store.headBucket(bucket.name());
        String doc = now.config().subresource(LifecycleConfiguration.SUBRESOURCE);
        if (doc == null || LifecycleConfiguration.fromStored(doc).rules().stream()
                .noneMatch(r -> r.id().equals(ruleId) && r.enabled() && r.hasAbort())) {
            return;
        }
        try {
            store.abortMultipartUpload(bucket.name(), u.key(), u.uploadId());
            deleted.incrementAndGet();
            audit(bucket, "s3:AbortMultipartUpload", u.key(), u.uploadId(), "OK", "rule-id=" + ruleId);
        } catch (NoSuchUploadException e) {
            // completed or aborted meanwhile
        }
    }

    private void apply(BucketInfo bucket, String key, LifecycleEvaluator.Action action, Instant now) {
        if (!deleteRate.acquire(1)) {
            closed = true;
            return;
        }
        String versionId = action.kind() == LifecycleEvaluator.Kind.EXPIRE_CURRENT ? null : action.versionId();
        try {
            DeleteOutcome out = store.deleteObject(bucket.name(), key, versionId,
                    b -> precondition(b, key, action, now));
            if (out.existed()) {
                deleted.incrementAndGet();
                audit(bucket, auditAction(action, bucket), key, action.versionId(), "OK",
                        "rule-id=" + action.ruleId() + (out.markerCreated()
                                ? " delete-marker=" + out.versionId() : ""));
            }
        } catch (Refused r) {
            skipped.incrementAndGet();
            LOG.info("lifecycle: {} {}/{} version {} skipped: {}", action.kind(), bucket.name(), key,
                    action.versionId(), r.getMessage());
            audit(bucket, auditAction(action, bucket), key, action.versionId(), "SKIPPED",
                    "rule-id=" + action.ruleId() + " " + r.getMessage());
        } catch (RuntimeException e) {
            // The store refused (e.g. Object Lock retention enforced in its delete path, whatever exception type
            // that branch throws): skip, audit, and go on with the next action.
            skipped.incrementAndGet();
            LOG.info("lifecycle: {} {}/{} version {} refused by the store: {}", action.kind(), bucket.name(), key,
                    action.versionId(), e.toString());
            audit(bucket, auditAction(action, bucket), key, action.versionId(), "SKIPPED",
                    "rule-id=" + action.ruleId() + " store: " + e.getClass().getSimpleName());
        }
    }

    private static String auditAction(LifecycleEvaluator.Action a, BucketInfo b) {
        return a.kind() == LifecycleEvaluator.Kind.EXPIRE_CURRENT && b.versioning() == VersioningState.ENABLED
                ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
    }

    /**
     * Runs inside the store's delete, under the bucket's read lock and the key's write lock: the bucket
     * configuration and the key's versions cannot change until the delete is written.
     */
    private void precondition(BucketInfo b, String key, LifecycleEvaluator.Action action, Instant now) {
        if (b.mfaDelete() == MfaDeleteState.ENABLED) {
            throw new Refused("MFA Delete is enabled on the bucket");
        }
        String doc = b.config().subresource(LifecycleConfiguration.SUBRESOURCE);
        if (doc == null) {
            throw new Refused("the lifecycle configuration was deleted");
        }
        List<ObjectVersion> versions = KeyVersions.of(store, b.name(), key);
        if (!LifecycleEvaluator.stillDue(LifecycleConfiguration.fromStored(doc), versions, now, action)) {
            throw new Refused("no longer due");
        }
        boolean permanent = action.kind() != LifecycleEvaluator.Kind.EXPIRE_CURRENT
                || b.versioning() != VersioningState.ENABLED;
        if (permanent) {
            for (ObjectVersion v : versions) {
                if (v.versionId().equals(action.versionId()) && !v.deleteMarker()) {
                    if (v.metadata().legalHold()) {
                        throw new Refused("legal hold");
                    }
                    Instant retainUntil = v.metadata().retainUntil();
                    // Retention runs on real time: an accelerated rule clock never ends it early.
                    Instant earliest = now.isBefore(realClock.instant()) ? now : realClock.instant();
                    if (retainUntil != null && retainUntil.isAfter(earliest)) {
                        throw new Refused("retention until " + retainUntil);
                    }
                }
            }
        }
    }

    private void audit(BucketInfo bucket, String action, String key, String versionId, String outcome,
                       String reason) {
        if (audit == null) {
            return;
        }
        try {
            // Deferred sync: the next deletion's (or the page's cursor save's) synced write makes it durable; a
            // process crash never loses it (the OS holds the WAL), a power cut at most the records since then.
            audit.appendDeferringSync(new AuditRecord(realClock.instant(), bucket.ownerAccountId(), PRINCIPAL, null,
                    action, bucket.name(), key, versionId, null, outcome, null, reason));
        } catch (RuntimeException e) {
            LOG.warn("lifecycle: audit record failed", e);
        }
    }

    private static List<List<ObjectVersion>> byKey(List<ObjectVersion> versions) {
        List<List<ObjectVersion>> out = new ArrayList<>();
        List<ObjectVersion> cur = null;
        for (ObjectVersion v : versions) {
            if (cur == null || !cur.get(0).key().equals(v.key())) {
                cur = new ArrayList<>();
                out.add(cur);
            }
            cur.add(v);
        }
        return out;
    }

    /** Stops the thread (a page in progress ends at its next key) and waits for it. */
    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A precondition's refusal: nothing was changed. */
    private static final class Refused extends RuntimeException {
        Refused(String why) {
            super(why, null, false, false);
        }
    }
}
