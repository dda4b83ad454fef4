package dev.dualkey.gateway.protect;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.MfaHeader;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.storage.model.BucketConfig;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The MFA Delete rules (which change needs a second factor) and the check of one, for {@link ProtectedOperations}
 * only: it is always called inside the store's atomic update, on the bucket as it is under the lock.
 *
 * <p>What is gated (spec §1.2 and §7; README decisions D1, D2, D9):
 * <ul>
 *   <li>PutBucketVersioning that sets {@code MfaDelete} (either value), and every PutBucketVersioning while MFA
 *       Delete is Enabled, even a no-op (D1);</li>
 *   <li>DeleteObject with a version id ({@code null}, delete markers included) while MFA Delete is Enabled, and a
 *       plain DeleteObject on a Suspended bucket with MFA Delete Enabled, because that replaces the {@code null}
 *       version (D2: whether or not one exists, as for DeleteObjects);</li>
 *   <li>a write (PutObject, CopyObject, CompleteMultipartUpload, console upload) on a Suspended bucket with MFA
 *       Delete Enabled that replaces an existing {@code null} version (D9, decided atomically with the write);</li>
 *   <li>DeleteObjects with any entry carrying a version id (or any entry on a Suspended bucket) while MFA Delete
 *       is Enabled; the header, when present on such a bucket, is checked whatever the entries.</li>
 * </ul>
 * When the code is not needed, the header is ignored: not validated, not consumed (D5).
 *
 * <p>Order of checks: no code -> MFA_REQUIRED; temporary (session) credentials with a code ->
 * MFA_WITH_SESSION_CREDENTIALS (D8: a session can never satisfy MFA Delete, and its code is not burnt); caller not
 * the bucket owner's root user -> NOT_BUCKET_OWNER (before the code, so a non-owner never burns the owner's
 * code); malformed -> MFA_MALFORMED; plain HTTP -> MFA_OVER_HTTP; then the verifier: wrong, replayed,
 * unknown-serial or throttled -> MFA_INVALID. Refusals before the verifier are audited here (outcome DENIED),
 * the code check itself by the verifier, in the same batch as the consumed step.
 */
final class MfaDeleteGate {
    private final MfaVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;

    /**
     * @param verifier the mfa module's verifier, or null when the server runs without an identity store (then no
     *                 code can be checked and every change that needs one is refused)
     * @param audit    where refusals before the code check are recorded, or null without an identity store
     */
    MfaDeleteGate(MfaVerifier verifier, AuditLog audit, Clock clock) {
        this.verifier = verifier;
        this.audit = audit;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** D1: PutBucketVersioning needs a code when it carries {@code <MfaDelete>} or MFA Delete is Enabled. */
    static boolean versioningChangeNeedsCode(BucketConfig current, MfaDeleteState mfaDeleteElement) {
        return mfaDeleteElement != null || current.mfaDelete() == MfaDeleteState.ENABLED;
    }

    /** D2: a delete needs a code when MFA Delete is Enabled and it names a version or the bucket is Suspended. */
    static boolean deleteNeedsCode(BucketInfo bucket, String versionId) {
        return bucket.mfaDelete() == MfaDeleteState.ENABLED
                && (versionId != null || bucket.versioning() == VersioningState.SUSPENDED);
    }

    /** D9: a write needs a code when it replaces a {@code null} version of a Suspended + MFA Delete bucket. */
    static boolean overwriteNeedsCode(BucketInfo bucket, boolean replacesNullVersion) {
        return replacesNullVersion && bucket.mfaDelete() == MfaDeleteState.ENABLED
                && bucket.versioning() == VersioningState.SUSPENDED;
    }

    /**
     * Whether an accepted code can be spent in the WriteBatch of a delete to {@code db} ({@link WriteRide}): the
     * verifier's state is in that very database. Asked once, when {@link ProtectedOperations} is wired.
     */
    boolean canRideIn(RocksDatabase db) {
        return verifier != null && verifier.canRideIn(db);
    }

    /**
     * DeleteObjects, before anything is deleted: true when a code was checked and accepted (it covers every
     * entry). Throws when the request needs a code and has no valid one, or carries an invalid one.
     */
    boolean checkDeleteObjects(ProtectedRequest request, BucketInfo bucket, List<String> versionIds) {
        if (bucket.mfaDelete() != MfaDeleteState.ENABLED) {
            return false;
        }
        long versioned = versionIds.stream().filter(Objects::nonNull).count();
        boolean permanent = versioned > 0
                || (bucket.versioning() == VersioningState.SUSPENDED && !versionIds.isEmpty());
        if (permanent || request.mfaHeader() != null) {
            enforce(request, bucket, "s3:DeleteObjects", null, null,
                    versionIds.size() + " entries, " + versioned + " with a version id", null);
            return true;
        }
        return false;
    }

    /**
     * One DeleteObjects entry without an accepted code, checked atomically with its delete: refuses when MFA
     * Delete was turned on, or versioning suspended under it, after {@link #checkDeleteObjects} looked.
     */
    void checkDeleteObjectsEntry(ProtectedRequest request, BucketInfo bucket, String key, String versionId) {
        if (deleteNeedsCode(bucket, versionId)) {
            refuse(request, bucket, "s3:DeleteObjects", key, versionId, null, "MISSING",
                    "state changed during request", Refusal.MFA_REQUIRED);
        }
    }

    /**
     * Checks the request's second factor for {@code action} on {@code bucket}; returns when it was accepted, else
     * throws {@link ProtectedRefusalException}.
     *
     * @param ride null: the code's outcome is written, synced, by the verifier before this returns; else an accepted
     *             code's outcome rides in the caller's delete through it ({@link MfaVerifier#verifyRiding}) and the
     *             caller settles it
     */
    void enforce(ProtectedRequest request, BucketInfo bucket, String action, String key, String versionId,
                 String note, WriteRide ride) {
        Principal p = request.principal();
        String raw = request.mfaHeader();
        if (raw == null || raw.isBlank()) {
            refuse(request, bucket, action, key, versionId, null, "MISSING", note, Refusal.MFA_REQUIRED);
        }
        if (p.temporary()) {
            refuse(request, bucket, action, key, versionId, null, "SESSION_CREDENTIALS", note,
                    Refusal.MFA_WITH_SESSION_CREDENTIALS);
        }
        if (!p.root() || !p.accountId().equals(bucket.ownerAccountId())) {
            refuse(request, bucket, action, key, versionId, null, "NOT_BUCKET_OWNER", note,
                    Refusal.NOT_BUCKET_OWNER);
        }
        Optional<MfaHeader> parsed = MfaHeader.parse(raw);
        if (parsed.isEmpty()) {
            refuse(request, bucket, action, key, versionId, null, "MALFORMED", note, Refusal.MFA_MALFORMED);
        }
        MfaHeader header = parsed.orElseThrow();
        if (!request.secureTransport()) {
            refuse(request, bucket, action, key, versionId, header.serial(), "INSECURE_TRANSPORT", note,
                    Refusal.MFA_OVER_HTTP);
        }
        if (verifier == null) {
            throw new ProtectedRefusalException(Refusal.MFA_INVALID);
        }
        AuditContext ctx = new AuditContext(p.arn(), request.accessKeyId(), action, bucket.name(), key, versionId,
                request.clientAddress());
        VerifyResult result = ride == null
                ? verifier.verify(bucket.ownerAccountId(), "root", header.serial(), header.code(),
                        Purpose.S3_MFA_DELETE, ctx)
                : verifier.verifyRiding(bucket.ownerAccountId(), "root", header.serial(), header.code(),
                        Purpose.S3_MFA_DELETE, ctx, ride);
        if (!result.accepted()) {
            // Wrong, replayed, unknown-serial and throttled codes all look the same (D3); the verifier has
            // already audited the precise reason.
            throw new ProtectedRefusalException(Refusal.MFA_INVALID);
        }
    }

    /** A checker of {@code request}'s code that verifies, and so spends, it at most once ({@link Once}). */
    Once once(ProtectedRequest request) {
        return new Once(request);
    }

    /**
     * One request's code check, memoized: a store that retries its atomic update after losing a race (the upstream
     * store's index compare-and-set, etcd) calls the caller's precondition once per attempt. Each attempt still
     * decides, on the bucket as that attempt read it, whether a code is needed (MFA Delete or versioning may have
     * changed in between); but a code this request already had accepted for the bucket's owner is not verified
     * again. Verifying it again would see its step spent and refuse the legitimate delete after its code was used
     * up. Accepted once means spent once: the memo never makes a code count twice. It covers one request only
     * and lives no longer than the request.
     */
    final class Once {
        private final ProtectedRequest request;
        /** The owner account whose root device accepted this request's code; null until one did. */
        private volatile String acceptedFor;

        private Once(ProtectedRequest request) {
            this.request = request;
        }

        /** {@link MfaDeleteGate#enforce}, unless this request's code was already accepted for the bucket's owner. */
        void enforce(BucketInfo bucket, String action, String key, String versionId, String note, WriteRide ride) {
            if (bucket.ownerAccountId().equals(acceptedFor)) {
                return;
            }
            MfaDeleteGate.this.enforce(request, bucket, action, key, versionId, note, ride);
            acceptedFor = bucket.ownerAccountId();
        }

        /** Whether a code of this request was accepted (and spent). */
        boolean accepted() {
            return acceptedFor != null;
        }
    }

    private void refuse(ProtectedRequest request, BucketInfo bucket, String action, String key, String versionId,
                        String serial, String outcome, String note, Refusal refusal) {
        if (audit != null) {
            audit.append(new AuditRecord(clock.instant(), bucket.ownerAccountId(), request.principal().arn(),
                    request.accessKeyId(), action, bucket.name(), key, versionId, serial, "DENIED",
                    request.clientAddress(), note == null ? outcome : outcome + "; " + note));
        }
        throw new ProtectedRefusalException(refusal);
    }
}
