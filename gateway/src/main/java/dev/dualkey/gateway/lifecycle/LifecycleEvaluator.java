package dev.dualkey.gateway.lifecycle;

import dev.dualkey.storage.model.ObjectVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the rules do to one key, as a pure function of the configuration, the key's versions (newest first) and
 * the time: the worker calls it on a listing page, then again inside each delete's precondition on the versions
 * as they are under the key's lock, and acts only when both agree.
 *
 * <p>Time, as AWS: an action is due at midnight UTC of the day after {@code start + days} (AWS "rounds the
 * resulting time to the next day midnight UTC"): for Expiration the start is the version's Last-Modified, for
 * NoncurrentVersionExpiration the moment it became noncurrent (its successor's Last-Modified), for
 * AbortIncompleteMultipartUpload the upload's initiation. A Date is due at that date.
 */
public final class LifecycleEvaluator {
    /** What to do. */
    public enum Kind {
        /** Expire the current version: a delete marker on a versioned bucket, removal otherwise. */
        EXPIRE_CURRENT,
        /** Permanently remove a noncurrent version (or noncurrent delete marker). */
        EXPIRE_NONCURRENT,
        /** Permanently remove a delete marker that is the key's only version. */
        REMOVE_EXPIRED_MARKER
    }

    /**
     * One due action.
     *
     * @param kind      what to do
     * @param versionId the version it applies to
     * @param ruleId    the rule that asks for it
     */
    public record Action(Kind kind, String versionId, String ruleId) {
    }

    /**
     * The expiration of a current version.
     *
     * @param date   when it expires
     * @param ruleId the rule (the earliest one when several match)
     */
    public record Expiry(Instant date, String ruleId) {
    }

    private LifecycleEvaluator() {
    }

    /** Midnight UTC at or after {@code start + days} (AWS's rounding to the next day's midnight). */
    public static Instant due(Instant start, int days) {
        Instant t = start.plus(Duration.ofDays(days));
        Instant midnight = t.truncatedTo(ChronoUnit.DAYS);
        return midnight.equals(t) ? t : midnight.plus(1, ChronoUnit.DAYS);
    }

    /** The expiration of {@code current} (a non-marker current version) under the enabled rules, if any. */
    public static Optional<Expiry> expiry(LifecycleConfiguration config, ObjectVersion current) {
        Expiry best = null;
        if (current.deleteMarker()) {
            return Optional.empty();
        }
        for (LifecycleRule r : config.rules()) {
            if (!r.enabled() || !r.expiresCurrent() || !r.filter().matches(current)) {
                continue;
            }
            Instant d = r.expirationDate() != null ? r.expirationDate()
                    : due(current.lastModified(), r.expirationDays());
            if (best == null || d.isBefore(best.date())) {
                best = new Expiry(d, r.id());
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The actions due now on one key.
     *
     * @param versions all versions and delete markers of the key, newest first (as ListObjectVersions lists them)
     */
    public static List<Action> decide(LifecycleConfiguration config, List<ObjectVersion> versions, Instant now) {
        List<Action> out = new ArrayList<>();
        if (versions.isEmpty()) {
            return out;
        }
        ObjectVersion current = versions.get(0);
        if (!current.deleteMarker()) {
            expiry(config, current).filter(e -> !now.isBefore(e.date()))
                    .ifPresent(e -> out.add(new Action(Kind.EXPIRE_CURRENT, current.versionId(), e.ruleId())));
        } else if (versions.size() == 1) {
            for (LifecycleRule r : config.rules()) {
                if (r.enabled() && r.removesExpiredMarkers() && r.filter().matches(current)) {
                    out.add(new Action(Kind.REMOVE_EXPIRED_MARKER, current.versionId(), r.id()));
                    break;
                }
            }
        }
        for (int i = 1; i < versions.size(); i++) {
            ObjectVersion v = versions.get(i);
            Instant noncurrentSince = versions.get(i - 1).lastModified();
            int newerNoncurrent = i - 1;
            for (LifecycleRule r : config.rules()) {
                if (!r.enabled() || r.noncurrentDays() == null || !r.filter().matches(v)) {
                    continue;
                }
                if (now.isBefore(due(noncurrentSince, r.noncurrentDays()))) {
                    continue;
                }
                if (r.newerNoncurrentVersions() != null && newerNoncurrent < r.newerNoncurrentVersions()) {
                    continue;
                }
                out.add(new Action(Kind.EXPIRE_NONCURRENT, v.versionId(), r.id()));
                break;
            }
        }
        return out;
    }

    /** Whether {@code action} is among the actions due on {@code versions} now. */
    public static boolean stillDue(LifecycleConfiguration config, List<ObjectVersion> versions, Instant now,
                                   Action action) {
        for (Action a : decide(config, versions, now)) {
            if (a.kind() == action.kind() && a.versionId().equals(action.versionId())) {
                return true;
            }
        }
        return false;
    }
}
