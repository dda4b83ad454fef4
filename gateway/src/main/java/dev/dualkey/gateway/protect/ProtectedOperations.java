package dev.dualkey.gateway.protect;

import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.ObjectWriter;
import dev.dualkey.storage.PublishCheck;
import dev.dualkey.storage.WriteOptions;
import dev.dualkey.storage.model.BucketInfo;
import dev.dualkey.storage.model.CompletedPart;
import dev.dualkey.storage.model.CopyResult;
import dev.dualkey.storage.model.DeleteOutcome;
import dev.dualkey.storage.model.MfaDeleteState;
import dev.dualkey.storage.model.ObjectMetadata;
import dev.dualkey.storage.model.ObjectVersion;
import dev.dualkey.storage.retention.RetentionBypass;
import dev.dualkey.storage.retention.RetentionGuard;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.RocksObjectStore;
import dev.dualkey.storage.rocks.WriteRide;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The one place where every change that MFA Delete protects is made, for every protocol: deleting a version,
 * deleting an object on a Suspended bucket (D2), changing versioning or MFA Delete (D1), and writes that replace
 * the {@code null} version of a Suspended bucket (D9). The S3 handlers and the console call it after their own
 * authentication and IAM authorization, and only translate the {@link Outcome} to their wire.
 *
 * <p>The rule ("does this need a code?") and the code check run <em>inside</em> the store's atomic update or
 * delete, on the bucket configuration that the update reads and replaces, under the store's locks (bucket read
 * or write lock, then key write lock, then the verifier's device lock, then the state store's stripe locks on the
 * device record, which a riding delete holds until its ride is settled: always in that order). So no versioning
 * change can slip between the decision and the write, whichever protocol made either (issue 12, finding 3), and
 * whether a {@code null} version exists is known atomically with the write that would replace it (finding 4).
 *
 * <p>Durability: an accepted code is durably spent before or with the change it authorizes (SECURITY.md Q2-Q4).
 * Where it is proven at wiring time that the store's deletes and the verifier's state are in the same
 * {@link RocksDatabase} (a {@link RocksObjectStore} and the embedded state of {@code serve}), a delete's accepted
 * code rides in the delete's own WriteBatch ({@link WriteRide}: one write, one fsync, atomic; the device record stays
 * locked until then; {@link WriteRide#settle()} writes it alone, synced, when the delete wrote nothing). Everywhere
 * else (the upstream store, whose delete removes the upstream object after its index commit; state in etcd; another
 * database) the verifier spends the code with its own synced write before the delete begins. Versioning changes and
 * overwrites are rare and pay the verifier's own fsync before the write.
 *
 * <p>Store errors (NoSuchBucket, NoSuchUpload, ...) are thrown as the store throws them; only the gate's
 * decisions come back as a refused outcome, after which nothing changed.
 */
public final class ProtectedOperations {
    private final ObjectStore store;
    private final MfaDeleteGate gate;
    /** {@link #store} when an accepted code may ride in its deletes' WriteBatch, else null (checked at wiring). */
    private final RocksObjectStore ridingStore;

    /**
     * @param verifier the mfa module's verifier (the very instance the IAM API and console sign-in use, so a code
     *                 is accepted once across all of them), or null without an identity store: then every change
     *                 that needs a code is refused
     * @param audit    the audit log refusals are written to, or null without an identity store
     */
    public ProtectedOperations(ObjectStore store, MfaVerifier verifier, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.gate = new MfaDeleteGate(verifier, audit, clock);
        // Decided here, once, on the instances (not on a flag): a delete's code rides in its WriteBatch only when the
        // store writes its deletes to the very RocksDatabase that holds the verifier's state.
        this.ridingStore = store instanceof RocksObjectStore r && gate.canRideIn(r.database()) ? r : null;
    }

    /**
     * Whether a version delete's accepted code is spent in the delete's own WriteBatch (else with a synced write of
     * its own before the delete): the store and the verifier's state share one RocksDatabase.
     */
    public boolean spendsCodeInDeleteBatch() {
        return ridingStore != null;
    }

    // ---- what a page shows (advisory: the decision is taken again inside the store) -----------------------

    /** Whether a delete of {@code versionId} (null: plain delete) needs a code on the bucket as it is now. */
    public static boolean deleteNeedsCode(BucketInfo bucket, String versionId) {
        return MfaDeleteGate.deleteNeedsCode(bucket, versionId);
    }

    /** Whether a write of an existing key may need a code on the bucket as it is now (D9). */
    public static boolean overwriteMayNeedCode(BucketInfo bucket) {
        return MfaDeleteGate.overwriteNeedsCode(bucket, true);
    }

    // ---- deletes -------------------------------------------------------------------------------------------

    /**
     * DeleteObject, with a version id or without (D2 on a Suspended bucket). The rule and the code check run
     * inside the store's delete; an accepted code is spent in the delete's WriteBatch where the wiring allows it.
     */
    public Outcome<DeleteOutcome> deleteObject(ProtectedRequest request, String bucket, String key,
                                               String versionId) {
        return deleteObject(request, bucket, key, versionId, RetentionBypass.NONE, null);
    }

    /**
     * DeleteObject as above, with the GOVERNANCE bypass the caller was authorized for (header and
     * {@code s3:BypassGovernanceRetention}). Object Lock is enforced by the store, after the MFA Delete check (so a
     * caller who fails MFA learns nothing about the lock); on an MFA Delete bucket a version delete, bypassing or
     * not, has already needed the owner's code here.
     */
    public Outcome<DeleteOutcome> deleteObject(ProtectedRequest request, String bucket, String key,
                                               String versionId, RetentionBypass bypass) {
        return deleteObject(request, bucket, key, versionId, bypass, null);
    }

    /** DeleteObject with a conditional-delete {@code If-Match} (checked by the store before the MFA rule). */
    public Outcome<DeleteOutcome> deleteObject(ProtectedRequest request, String bucket, String key,
                                               String versionId, String ifMatchEtag) {
        return deleteObject(request, bucket, key, versionId, RetentionBypass.NONE, ifMatchEtag);
    }

    /** DeleteObject with both the GOVERNANCE bypass and a conditional-delete {@code If-Match}. */
    public Outcome<DeleteOutcome> deleteObject(ProtectedRequest request, String bucket, String key,
                                               String versionId, RetentionBypass bypass, String ifMatchEtag) {
        // The store may run the precondition once per attempt (the upstream store retries a lost index race): the
        // rule is decided again each time, the code verified and spent at most once (MfaDeleteGate.Once).
        MfaDeleteGate.Once check = gate.once(request);
        if (ridingStore == null) {
            try {
                return Outcome.allowed(store.deleteObject(bucket, key, versionId, bypass, b -> {
                    if (MfaDeleteGate.deleteNeedsCode(b, versionId)) {
                        check.enforce(b, "s3:DeleteObjectVersion", key, versionId, null, null);
                    }
                }, ifMatchEtag));
            } catch (ProtectedRefusalException e) {
                return Outcome.refused(e.refusal());
            }
        }
        WriteRide ride = new WriteRide(ridingStore.database());
        try {
            return Outcome.allowed(ridingStore.deleteObject(bucket, key, versionId, bypass, b -> {
                if (MfaDeleteGate.deleteNeedsCode(b, versionId)) {
                    check.enforce(b, "s3:DeleteObjectVersion", key, versionId, null, ride);
                }
            }, ifMatchEtag, ride));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        } finally {
            ride.settle(); // on this thread, before the answer: the ride holds the device record's stripe lock
        }
    }

    /**
     * DeleteObjects, before anything is deleted: allowed with true when a code was checked and accepted for the
     * request (it then covers every entry), allowed with false when none was needed (each entry is then checked
     * again with its delete, {@link #deleteObjectsEntry}); refused when a code is needed and missing or invalid.
     *
     * @param versionIds the version id of each entry, null for entries without one
     */
    public Outcome<Boolean> checkDeleteObjects(ProtectedRequest request, String bucket, List<String> versionIds) {
        try {
            return Outcome.allowed(gate.checkDeleteObjects(request, store.headBucket(bucket), versionIds));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    /**
     * One DeleteObjects entry. Without an accepted code for the request, the entry is refused (MFA_REQUIRED)
     * when the bucket, as it is at the entry's delete, needs one (MFA Delete turned on meanwhile).
     */
    public Outcome<DeleteOutcome> deleteObjectsEntry(ProtectedRequest request, String bucket, String key,
                                                     String versionId, boolean codeAccepted) {
        return deleteObjectsEntry(request, bucket, key, versionId, codeAccepted, RetentionBypass.NONE);
    }

    /** One DeleteObjects entry with the GOVERNANCE bypass the caller was authorized for (see deleteObject). */
    public Outcome<DeleteOutcome> deleteObjectsEntry(ProtectedRequest request, String bucket, String key,
                                                     String versionId, boolean codeAccepted,
                                                     RetentionBypass bypass) {
        try {
            return Outcome.allowed(codeAccepted ? store.deleteObject(bucket, key, versionId, bypass, b -> { })
                    : store.deleteObject(bucket, key, versionId, bypass,
                            b -> gate.checkDeleteObjectsEntry(request, b, key, versionId)));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    // ---- Object Lock retention (Dualkey beyond AWS: MFA for a bypass on an MFA Delete bucket) ----------------

    /**
     * PutObjectRetention: sets the version's retention to {@code mode} / {@code until} (both null: remove it) inside
     * the store's atomic metadata update, where the store refuses whatever weakens retention in force without the
     * bypass (COMPLIANCE always). Beyond AWS: on a bucket with MFA Delete Enabled, a change that uses the GOVERNANCE
     * bypass (shortens, removes or changes the mode of GOVERNANCE retention) also needs a valid code from the owner's
     * root device, checked by the MFA Delete gate inside the same update, on the bucket as it is then, and audited.
     * The rule is clock-free (any weakening of a GOVERNANCE retention with the bypass asks for the code), so no
     * difference between the gateway's and the store's clocks can skip it.
     *
     * @param bypass what the caller was authorized to bypass (header and {@code s3:BypassGovernanceRetention})
     */
    public Outcome<ObjectVersion> putObjectRetention(ProtectedRequest request, String bucket, String key,
                                                     String versionId, String mode, java.time.Instant until,
                                                     RetentionBypass bypass) {
        MfaDeleteGate.Once check = gate.once(request); // the change may be applied once per attempt
        try {
            return Outcome.allowed(store.updateObjectMetadata(bucket, key, versionId, bypass, m -> {
                ObjectMetadata next = m.toBuilder().retention(mode, until).build();
                boolean weakensGovernance = RetentionGuard.GOVERNANCE.equals(m.retentionMode())
                        && !(RetentionGuard.GOVERNANCE.equals(mode) && until != null && m.retainUntil() != null
                        && !until.isBefore(m.retainUntil()));
                if (bypass == RetentionBypass.GOVERNANCE && weakensGovernance) {
                    BucketInfo b = store.headBucket(bucket); // under the update's bucket read lock: stable
                    if (b.mfaDelete() == MfaDeleteState.ENABLED) {
                        check.enforce(b, "s3:BypassGovernanceRetention", key, versionId,
                                "GOVERNANCE retention shortened or removed", null);
                    }
                }
                return next;
            }));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    // ---- versioning ----------------------------------------------------------------------------------------

    /**
     * PutBucketVersioning (S3) or the console's versioning form: the change is resolved and the rule applied
     * against the configuration the update replaces (D1). A console form that asks for exactly the current state
     * changes nothing and needs nothing.
     */
    public Outcome<BucketInfo> putBucketVersioning(ProtectedRequest request, String bucket,
                                                   VersioningChange change) {
        BucketInfo before = store.headBucket(bucket);
        MfaDeleteGate.Once check = gate.once(request); // the upstream store applies the change once per attempt
        try {
            return Outcome.allowed(store.updateBucket(bucket, current -> {
                if (change.noOp(current)) {
                    return current;
                }
                MfaDeleteState element = change.element(current);
                if (element == MfaDeleteState.ENABLED && current.mfaDelete() != MfaDeleteState.ENABLED
                        && current.subresource("lifecycle") != null) {
                    // D6, before any code is spent: lifecycle rules delete without a code.
                    throw new ProtectedRefusalException(Refusal.LIFECYCLE_CONFIGURED);
                }
                if (MfaDeleteGate.versioningChangeNeedsCode(current, element)) {
                    check.enforce(new BucketInfo(before.name(), before.ownerAccountId(),
                            before.creationDate(), before.region(), current), "s3:PutBucketVersioning", null, null,
                            null, null);
                }
                return change.apply(current);
            }));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    // ---- writes that may replace the null version (D9) -----------------------------------------------------

    /**
     * The check a write runs inside its atomic publish: refuses, by throwing {@link ProtectedRefusalException},
     * a write that replaces the {@code null} version of a Suspended + MFA Delete bucket without a valid code from
     * the owner's root user. A write that replaces nothing ignores any code it carries (D5).
     *
     * @param action the S3 action, for the audit log (e.g. {@code s3:PutObject})
     */
    public PublishCheck overwriteCheck(ProtectedRequest request, String key, String action) {
        MfaDeleteGate.Once check = gate.once(request); // a publish may be checked once per attempt
        return (bucket, replacesNullVersion) -> {
            if (MfaDeleteGate.overwriteNeedsCode(bucket, replacesNullVersion)) {
                check.enforce(bucket, action, key, ObjectVersion.NULL_VERSION_ID,
                        "replaces the null version", null);
            }
        };
    }

    /**
     * PutObject / console upload: a writer whose {@code commit} throws {@link ProtectedRefusalException} when
     * D9 refuses it (streamed writes cannot return an outcome; translate {@code refusal()} the same way).
     */
    public ObjectWriter newObjectWriter(ProtectedRequest request, String bucket, String key, ObjectMetadata metadata,
                                        WriteOptions options, String action) {
        return store.newObjectWriter(bucket, key, metadata, options, overwriteCheck(request, key, action));
    }

    /** CopyObject, with D9 on the destination. */
    public Outcome<CopyResult> copyObject(ProtectedRequest request, String srcBucket, String srcKey,
                                          String srcVersionId, String dstBucket, String dstKey,
                                          ObjectMetadata replaceMetadata, WriteOptions options) {
        try {
            return Outcome.allowed(store.copyObject(srcBucket, srcKey, srcVersionId, dstBucket, dstKey,
                    replaceMetadata, options, overwriteCheck(request, dstKey, "s3:PutObject")));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    /** CopyObject with SSE-C keys for the source and/or the destination (null: the store's key), with D9. */
    public Outcome<CopyResult> copyObject(ProtectedRequest request, String srcBucket, String srcKey,
                                          String srcVersionId, String dstBucket, String dstKey,
                                          ObjectMetadata replaceMetadata, WriteOptions options,
                                          dev.dualkey.storage.crypto.KeyWrapper sourceKeys,
                                          dev.dualkey.storage.crypto.KeyWrapper destinationKeys) {
        try {
            return Outcome.allowed(store.copyObject(srcBucket, srcKey, srcVersionId, dstBucket, dstKey,
                    replaceMetadata, options, overwriteCheck(request, dstKey, "s3:PutObject"), sourceKeys,
                    destinationKeys));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    /**
     * CompleteMultipartUpload with conditional-write headers and a declared object checksum (checked by the store
     * atomically with the publish), with D9 as above.
     */
    public Outcome<ObjectVersion> completeMultipartUpload(ProtectedRequest request, String bucket, String key,
                                                          String uploadId, List<CompletedPart> parts,
                                                          dev.dualkey.storage.WriteOptions conditions,
                                                          dev.dualkey.storage.Expectations expected) {
        try {
            return Outcome.allowed(store.completeMultipartUpload(bucket, key, uploadId, parts, conditions, expected,
                    overwriteCheck(request, key, "s3:PutObject")));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }

    /** CompleteMultipartUpload, with D9; a refusal leaves the upload as it was (complete it again with a code). */
    public Outcome<ObjectVersion> completeMultipartUpload(ProtectedRequest request, String bucket, String key,
                                                          String uploadId, List<CompletedPart> parts) {
        try {
            return Outcome.allowed(store.completeMultipartUpload(bucket, key, uploadId, parts,
                    overwriteCheck(request, key, "s3:PutObject")));
        } catch (ProtectedRefusalException e) {
            return Outcome.refused(e.refusal());
        }
    }
}
