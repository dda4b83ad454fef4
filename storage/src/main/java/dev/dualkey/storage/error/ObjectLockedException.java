package dev.dualkey.storage.error;

import java.util.Objects;

/**
 * A version under Object Lock (legal hold ON, or retention in force) would have been removed, replaced, or had its
 * retention weakened (S3 403 {@code AccessDenied} "Access Denied because object protected by object lock.").
 * Thrown by the store itself, under the key's lock, whoever called it; nothing changed.
 */
public class ObjectLockedException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** What protects the version (for audit and operator messages; S3 answers the same for each). */
    public enum Reason {
        /** Legal hold ON: nothing removes the version until someone turns it OFF. */
        LEGAL_HOLD,
        /** COMPLIANCE retention in force: nobody, root included, can remove or weaken it before its date. */
        COMPLIANCE,
        /** GOVERNANCE retention in force and no bypass was granted. */
        GOVERNANCE
    }

    private final Reason reason;

    public ObjectLockedException(Reason reason) {
        super("version protected by object lock (" + Objects.requireNonNull(reason, "reason") + ")");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
