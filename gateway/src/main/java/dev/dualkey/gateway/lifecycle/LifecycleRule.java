package dev.dualkey.gateway.lifecycle;

import java.time.Instant;
import java.util.Objects;

/**
 * One lifecycle rule as validated by {@link LifecycleConfiguration#parse}.
 *
 * @param id                        rule id (AWS generates one when the request has none)
 * @param enabled                   {@code <Status>Enabled</Status>}
 * @param filter                    which versions and uploads it applies to
 * @param expirationDays            Expiration/Days, or null
 * @param expirationDate            Expiration/Date (midnight UTC), or null
 * @param expiredObjectDeleteMarker Expiration/ExpiredObjectDeleteMarker as sent, or null when absent
 * @param noncurrentDays            NoncurrentVersionExpiration/NoncurrentDays, or null
 * @param newerNoncurrentVersions   NoncurrentVersionExpiration/NewerNoncurrentVersions, or null
 * @param abortDaysAfterInitiation  AbortIncompleteMultipartUpload/DaysAfterInitiation, or null
 */
public record LifecycleRule(String id, boolean enabled, LifecycleFilter filter, Integer expirationDays,
                            Instant expirationDate, Boolean expiredObjectDeleteMarker, Integer noncurrentDays,
                            Integer newerNoncurrentVersions, Integer abortDaysAfterInitiation) {
    public LifecycleRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filter, "filter");
    }

    /** Whether the rule has an Expiration element. */
    public boolean hasExpiration() {
        return expirationDays != null || expirationDate != null || expiredObjectDeleteMarker != null;
    }

    /** Whether the rule expires current versions (Days or Date). */
    public boolean expiresCurrent() {
        return expirationDays != null || expirationDate != null;
    }

    /** Whether the rule removes expired object delete markers. */
    public boolean removesExpiredMarkers() {
        return Boolean.TRUE.equals(expiredObjectDeleteMarker);
    }

    public boolean hasNoncurrentExpiration() {
        return noncurrentDays != null || newerNoncurrentVersions != null;
    }

    public boolean hasAbort() {
        return abortDaysAfterInitiation != null;
    }
}
