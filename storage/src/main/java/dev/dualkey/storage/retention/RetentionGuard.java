package dev.dualkey.storage.retention;

import dev.dualkey.storage.error.ObjectLockedException;
import dev.dualkey.storage.error.ObjectLockedException.Reason;
import dev.dualkey.storage.model.ObjectMetadata;
import java.time.Instant;
import java.util.Objects;

/**
 * The one decision of Object Lock (spec §1.3, §1.5; AWS "How S3 Object Lock works"): may this version be removed, may
 * its retention be changed this way, at {@code now} (the store's clock).
 *
 * <p>A version is protected while its legal hold is ON, or while it has a retention mode and {@code now} is before
 * its retain-until date. Retention that has expired protects nothing. Rules for a retention change of a protected
 * version:
 * <ul>
 *   <li>same mode, same or later date (extend): always allowed;</li>
 *   <li>COMPLIANCE: anything else (shorten, remove, change to GOVERNANCE) is refused, whatever the bypass;</li>
 *   <li>GOVERNANCE: anything else (shorten, remove, change to COMPLIANCE, as ceph s3-tests
 *       {@code test_object_lock_changing_mode_from_governance_without_bypass} checks against AWS) needs
 *       {@link RetentionBypass#GOVERNANCE}.</li>
 * </ul>
 * The legal hold is not retention: it is switched ON and OFF freely by whoever may call PutObjectLegalHold
 * (AWS), and while it is ON no bypass removes the version.
 */
public final class RetentionGuard {
    /** Retention modes as S3 spells them. */
    public static final String GOVERNANCE = "GOVERNANCE";
    public static final String COMPLIANCE = "COMPLIANCE";

    private RetentionGuard() {
    }

    /** Whether the version's retention is in force at {@code now} (legal hold not considered). */
    public static boolean retentionActive(ObjectMetadata m, Instant now) {
        return m.retentionMode() != null && m.retainUntil() != null && now.isBefore(m.retainUntil());
    }

    /** Whether the version may not be removed at {@code now} without any bypass. */
    public static boolean protectedAt(ObjectMetadata m, Instant now) {
        return m.legalHold() || retentionActive(m, now);
    }

    /**
     * Refuses the permanent removal (or replacement) of a version with this metadata.
     *
     * @throws ObjectLockedException legal hold ON, COMPLIANCE in force, or GOVERNANCE in force without bypass
     */
    public static void checkRemovable(ObjectMetadata m, Instant now, RetentionBypass bypass) {
        Objects.requireNonNull(bypass, "bypass");
        if (m.legalHold()) {
            throw new ObjectLockedException(Reason.LEGAL_HOLD);
        }
        if (!retentionActive(m, now)) {
            return;
        }
        if (COMPLIANCE.equals(m.retentionMode())) {
            throw new ObjectLockedException(Reason.COMPLIANCE);
        }
        if (bypass != RetentionBypass.GOVERNANCE) {
            throw new ObjectLockedException(Reason.GOVERNANCE);
        }
    }

    /**
     * Refuses a metadata update that weakens the retention in force on the version (see the class comment). Legal
     * hold, tags and every other field may change freely.
     *
     * @throws ObjectLockedException the change shortens, removes or changes the mode of retention in force, and
     *                               it is COMPLIANCE or GOVERNANCE without bypass
     */
    public static void checkRetentionChange(ObjectMetadata before, ObjectMetadata after, Instant now,
                                            RetentionBypass bypass) {
        Objects.requireNonNull(bypass, "bypass");
        if (!retentionActive(before, now)) {
            return;
        }
        boolean keepsOrExtends = before.retentionMode().equals(after.retentionMode()) && after.retainUntil() != null
                && !after.retainUntil().isBefore(before.retainUntil());
        if (keepsOrExtends) {
            return;
        }
        if (COMPLIANCE.equals(before.retentionMode())) {
            throw new ObjectLockedException(Reason.COMPLIANCE);
        }
        if (bypass != RetentionBypass.GOVERNANCE) {
            throw new ObjectLockedException(Reason.GOVERNANCE);
        }
    }
}
