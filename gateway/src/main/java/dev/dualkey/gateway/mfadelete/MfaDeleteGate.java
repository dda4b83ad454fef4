package dev.dualkey.gateway.mfadelete;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.s3.error.S3ErrorCode;
import dev.dualkey.gateway.s3.error.S3Exception;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.MfaHeader;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.VersioningState;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place that decides whether an S3 request needs a second factor under MFA Delete, and checks it.
 *
 * <p>The S3 handlers and the web console both call it <em>after</em> authentication and authorization: whichever
 * policy allowed the request, the gate still applies (no policy can bypass it, unlike the Ceph ordering the spec
 * warns about). What is gated (spec §1.2 and §7):
 * <ul>
 *   <li>PutBucketVersioning that sets {@code MfaDelete} (either value), and every PutBucketVersioning while MFA
 *       Delete is Enabled, even a no-op (decision D1);</li>
 *   <li>DeleteObject with a version id ({@code null}, delete markers included) while MFA Delete is Enabled, and a
 *       plain DeleteObject on a Suspended bucket with MFA Delete Enabled, because that replaces (permanently
 *       destroys) the {@code null} version (decision D2: we require the code whether or not a {@code null} version
 *       exists at that instant, since that cannot be known atomically with the delete);</li>
 *   <li>DeleteObjects with any entry carrying a version id (or any entry at all on a Suspended bucket, as D2)
 *       while MFA Delete is Enabled: the whole request fails before anything is deleted; and when the header is
 *       present on such a bucket it is checked whatever the entries, so an invalid code fails the whole request.
 *       One accepted code covers the whole request.</li>
 * </ul>
 * When the code is not needed, the header is ignored: not validated, not consumed (D5).
 *
 * <p>Order of checks, each failure answered as S3 does (spec §2.7, D3, D4, D8): header missing -> 403 AccessDenied
 * "Mfa Authentication must be used for this request"; caller is not the bucket owner's root user -> 403
 * AccessDenied "This operation may only be performed by the bucket owner" (checked before the code so a
 * non-owner never burns the owner's code); malformed header -> 400 InvalidArgument with ArgumentName/Value;
 * plain HTTP on a non-loopback listener -> 400 InvalidRequest; wrong, replayed, unknown-serial or throttled code
 * -> 400 InvalidArgument "Mfa header is invalid...", never saying which part was wrong. Every gated request,
 * allowed or refused, is written to the audit log (never the code): refusals before the code check by the gate,
 * the code check itself by the mfa module's {@link MfaVerifier}, in the same batch as the consumed step.
 *
 * <p>The device must be assigned to the bucket owner's {@code root} user (D8); the verifier accepts a code once
 * across every purpose (S3, console sign-in, resync), atomically with its check.
 */
public final class MfaDeleteGate {

    static final String MFA_REQUIRED = "Mfa Authentication must be used for this request";
    static final String OWNER_ONLY = "This operation may only be performed by the bucket owner";
    static final String HEADER_INVALID =
            "Mfa header is invalid -- the header should be formatted as {serialNumber}(space){tokenCode}";
    static final String HTTPS_REQUIRED = "Requests that include x-amz-mfa must use HTTPS";

    private final MfaVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;

    /**
     * @param verifier the mfa module's verifier, or null when the server runs without an identity store (then no
     *                 code can be checked and every request that needs one is refused)
     * @param audit    where refusals before the code check are recorded, or null without an identity store
     */
    public MfaDeleteGate(MfaVerifier verifier, AuditLog audit, Clock clock) {
        this.verifier = verifier;
        this.audit = audit;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether PutBucketVersioning needs a code: it sets {@code MfaDelete} (either value), or MFA Delete is Enabled
     * (D1: even a request that changes nothing).
     *
     * @param requestedMfaDelete the request's {@code <MfaDelete>} element, or null when absent
     */
    public static boolean versioningChangeNeedsCode(BucketInfo bucket, MfaDeleteState requestedMfaDelete) {
        return requestedMfaDelete != null || bucket.mfaDelete() == MfaDeleteState.ENABLED;
    }

    /**
     * Whether a DeleteObject needs a code: MFA Delete is Enabled and the delete is permanent, i.e. it names a
     * version ({@code null} and delete markers included) or the bucket is Suspended (D2: it replaces the
     * {@code null} version).
     *
     * @param versionId the version id, or null for a plain delete
     */
    public static boolean deleteNeedsCode(BucketInfo bucket, String versionId) {
        return bucket.mfaDelete() == MfaDeleteState.ENABLED
                && (versionId != null || bucket.versioning() == VersioningState.SUSPENDED);
    }

    /**
     * PutBucketVersioning.
     *
     * @param requestedMfaDelete the {@code <MfaDelete>} element of the request, or null when absent
     */
    public void checkPutBucketVersioning(MfaRequest request, BucketInfo bucket, MfaDeleteState requestedMfaDelete) {
        if (versioningChangeNeedsCode(bucket, requestedMfaDelete)) {
            enforce(request, bucket, "s3:PutBucketVersioning", null, null, null, null);
        }
    }

    /** DeleteObject, with or without a version id; a code's outcome is durable when this returns or throws. */
    public void checkDeleteObject(MfaRequest request, BucketInfo bucket, String key, String versionId) {
        if (deleteNeedsCode(bucket, versionId)) {
            enforce(request, bucket, "s3:DeleteObjectVersion", key, versionId, null, null);
        }
    }

    /** A fresh promise for {@link #checkDeleteObject(MfaRequest, BucketInfo, String, String, PendingSync)}. */
    public PendingSync pendingSync() {
        return new PendingSync(verifier);
    }

    /**
     * DeleteObject where the delete's own synced write follows at once: a code's outcome shares that write's
     * fsync instead of paying its own (one fsync per MFA-protected delete, as for a plain one). The caller MUST
     * call {@code sync.settle()} after the delete, in a {@code finally} block, before it answers.
     */
    public void checkDeleteObject(MfaRequest request, BucketInfo bucket, String key, String versionId,
                                  PendingSync sync) {
        if (deleteNeedsCode(bucket, versionId)) {
            enforce(request, bucket, "s3:DeleteObjectVersion", key, versionId, null, Objects.requireNonNull(sync));
        }
    }

    /**
     * DeleteObjects: call before deleting anything.
     *
     * @param versionIds the version id of each entry, null for entries without one
     * @return true when a code was checked and accepted for this request (it then covers every entry)
     */
    public boolean checkDeleteObjects(MfaRequest request, BucketInfo bucket, List<String> versionIds) {
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
     * One DeleteObjects entry, checked atomically with its delete against the bucket as it is then, when no code
     * was accepted for the request: refuses (403, "Mfa Authentication must be used") if MFA Delete was turned on,
     * or versioning suspended under it, after {@link #checkDeleteObjects} looked.
     */
    public void checkDeleteObjectsEntry(MfaRequest request, BucketInfo bucket, String key, String versionId) {
        if (deleteNeedsCode(bucket, versionId)) {
            refuse(request, bucket, "s3:DeleteObjects", key, versionId, null, "MISSING", "state changed during request",
                    new S3Exception(S3ErrorCode.ACCESS_DENIED, MFA_REQUIRED));
        }
    }

    /** @param sync null: the code's outcome is synced by the verifier; else it shares the caller's next fsync */
    private void enforce(MfaRequest request, BucketInfo bucket, String action, String key, String versionId,
                         String note, PendingSync sync) {
        Principal p = request.principal();
        String raw = request.mfaHeader();
        if (raw == null || raw.isBlank()) {
            refuse(request, bucket, action, key, versionId, null, "MISSING", note,
                    new S3Exception(S3ErrorCode.ACCESS_DENIED, MFA_REQUIRED));
        }
        if (!p.root() || !p.accountId().equals(bucket.ownerAccountId())) {
            refuse(request, bucket, action, key, versionId, null, "NOT_BUCKET_OWNER", note,
                    new S3Exception(S3ErrorCode.ACCESS_DENIED, OWNER_ONLY));
        }
        Optional<MfaHeader> parsed = MfaHeader.parse(raw);
        if (parsed.isEmpty()) {
            refuse(request, bucket, action, key, versionId, null, "MALFORMED", note,
                    new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_INVALID)
                            .with("ArgumentName", "x-amz-mfa").with("ArgumentValue", raw.strip()));
        }
        MfaHeader header = parsed.orElseThrow();
        if (!request.secureTransport()) {
            refuse(request, bucket, action, key, versionId, header.serial(), "INSECURE_TRANSPORT", note,
                    new S3Exception(S3ErrorCode.INVALID_REQUEST, HTTPS_REQUIRED));
        }
        AuditContext ctx = new AuditContext(p.arn(), request.accessKeyId(), action, bucket.name(), key, versionId,
                request.clientAddress());
        if (verifier == null) {
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_INVALID).with("ArgumentName", "x-amz-mfa");
        }
        VerifyResult result;
        if (sync == null) {
            result = verifier.verify(bucket.ownerAccountId(), "root", header.serial(), header.code(),
                    Purpose.S3_MFA_DELETE, ctx);
        } else {
            sync.mark();
            MfaVerifier.SharedSyncVerify shared = verifier.verifySharingSync(bucket.ownerAccountId(), "root",
                    header.serial(), header.code(), Purpose.S3_MFA_DELETE, ctx);
            sync.checked(shared.durabilityTicket());
            result = shared.result();
        }
        if (!result.accepted()) {
            // Wrong, replayed, unknown-serial and throttled codes all look the same to the client (D3);
            // the verifier has already audited the precise reason.
            throw new S3Exception(S3ErrorCode.INVALID_ARGUMENT, HEADER_INVALID).with("ArgumentName", "x-amz-mfa");
        }
    }

    private void refuse(MfaRequest request, BucketInfo bucket, String action, String key, String versionId,
                        String serial, String outcome, String note, S3Exception error) {
        record(request, bucket, action, key, versionId, serial, "DENIED", note == null ? outcome
                : outcome + "; " + note);
        throw error;
    }

    private void record(MfaRequest request, BucketInfo bucket, String action, String key, String versionId,
                        String serial, String outcome, String reason) {
        if (audit == null) {
            return;
        }
        audit.append(new AuditRecord(clock.instant(), bucket.ownerAccountId(), request.principal().arn(),
                request.accessKeyId(), action, bucket.name(), key, versionId, serial, outcome,
                request.clientAddress(), reason));
    }
}
