package dev.dualkey.mfa.device;

import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.otp.TotpVerifier;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.lock.KeyLocks;
import dev.dualkey.storage.kv.KvConflictException;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One-time code checks for S3 MFA Delete, console sign-in and anything else that needs a fresh second factor.
 *
 * <p>Accepts steps {@code now + drift + {-1, 0, +1}} (D11) that are later than the device's last accepted step;
 * on success that step becomes the last accepted one, so the same code (and every earlier one) is refused for
 * every purpose afterwards. Check and update are atomic: done under the device's lock and committed in one
 * transaction together with the audit record, conditional on the device record being still the one the check
 * read (compare-and-set), so of several concurrent requests with one code exactly one succeeds, whether they
 * reach one gateway or several sharing the state in etcd.
 * Every check, whatever its outcome, is audited (never with the code).
 *
 * <p>Guessing (D12, {@link DeviceThrottle}): only wrong well-formed codes count, in the lane of the purpose
 * (console sign-in apart from everything else); a replayed or malformed code is refused and audited but not
 * counted. A locked lane refuses without evaluating the code, audited {@code LOCKED}.
 *
 * <p>Lock: {@code deviceLocks(serial)} only (never with another device lock held); a {@link #verifyRiding riding}
 * check leaves the state store's stripe locks on the device record held until its ride is settled (lock order:
 * the caller's locks, the device lock, those stripes).
 */
public final class MfaVerifier {
    /** Accepted steps on each side of {@code now + drift}. */
    public static final int WINDOW = 1;
    /** Checks of one request that may lose a compare-and-set to concurrent checks before it gives up. */
    static final int MAX_ATTEMPTS = 16;
    private final MfaStore store;
    private final SecretBox box;
    private final AuditLog audit;
    private final Clock clock;
    private final KeyLocks deviceLocks;
    /** The checks' device reads and writes, decoding a device's record only when its stored bytes changed. */
    private final DeviceRecordMemo deviceRecords;

    public MfaVerifier(MfaStore store, SecretBox box, AuditLog audit, Clock clock, KeyLocks deviceLocks) {
        this.store = store;
        this.box = box;
        this.audit = audit;
        this.clock = clock;
        this.deviceLocks = deviceLocks;
        this.deviceRecords = new DeviceRecordMemo(store.devices());
    }

    /** {@link #verify(String, String, String, String, Purpose, AuditContext)} without request details. */
    public VerifyResult verify(String accountId, String userName, String serial, String code, Purpose purpose) {
        return verify(accountId, userName, serial, code, purpose, AuditContext.none());
    }

    /**
     * Checks {@code code} against device {@code serial}, which must be assigned to {@code userName} of
     * {@code accountId} (for S3 MFA Delete: the bucket owner's {@code root}). The outcome (consumed step,
     * failure count, audit record) is on disk when this returns.
     */
    public VerifyResult verify(String accountId, String userName, String serial, String code, Purpose purpose,
                               AuditContext ctx) {
        return check(accountId, userName, serial, code, purpose, ctx, null);
    }

    /**
     * Whether {@link #verifyRiding} can spend a code in a write to {@code db}: this verifier's state is in that very
     * database (the embedded state of {@code serve}); false for etcd and for any other database. Checked when a
     * caller is wired, so riding is used only where the spent code and the write provably share one WriteBatch.
     */
    public boolean canRideIn(RocksDatabase db) {
        return db != null && store.kv() instanceof RocksKvStore r && r.database() == db;
    }

    /**
     * {@link #verify(String, String, String, String, Purpose, AuditContext)} for the delete a code authorizes, with
     * the outcome of an accepted code (consumed step, audit record) riding in that delete's own WriteBatch through
     * {@code ride} (issue 19: one write, one fsync, atomic), instead of a synced write of its own before the delete.
     * Until the ride is settled the store holds the device record's stripe lock, so a replay of the code from any
     * other request waits, then sees the step spent. Refused codes are written at once, synced, as by {@code verify}.
     * The caller MUST pass {@code ride} to the delete's write and {@link WriteRide#settle()} it on this thread before
     * it answers, whatever happened. When this verifier cannot ride in {@code ride}'s database (see
     * {@link #canRideIn}) it spends the code synced before returning, as {@code verify} does.
     */
    public VerifyResult verifyRiding(String accountId, String userName, String serial, String code, Purpose purpose,
                                     AuditContext ctx, WriteRide ride) {
        return check(accountId, userName, serial, code, purpose, ctx,
                canRideIn(ride.database()) ? ride : null);
    }

    /** @param ride where an accepted code's outcome rides (null: written synced before this returns) */
    private VerifyResult check(String accountId, String userName, String serial, String code, Purpose purpose,
                               AuditContext ctx, WriteRide ride) {
        if (accountId == null || userName == null || serial == null || serial.isEmpty() || serial.length() > 256
                || serial.indexOf('\0') >= 0) {
            audit.append(record(ctx, purpose, accountId, null, "INVALID", "malformed serial"));
            return VerifyResult.invalid(serial);
        }
        // The device lock serialises this gateway's checks; across gateways (shared state in etcd) the commit's
        // compare-and-set on the device record does: a check that lost re-reads and decides again, and then sees
        // the step consumed (a replay) or the new failure count.
        return deviceLocks.withLock(serial, () -> {
            for (int attempt = 1; ; attempt++) {
                Optional<VerifyResult> done = attempt(accountId, userName, serial, code, purpose, ctx, ride);
                if (done.isPresent()) {
                    return done.get();
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new KvConflictException("device " + serial + " changed under " + MAX_ATTEMPTS
                            + " consecutive checks");
                }
            }
        });
    }

    /** One read-check-commit; empty when the device record changed since it was read (nothing written). */
    private Optional<VerifyResult> attempt(String accountId, String userName, String serial, String code,
                                           Purpose purpose, AuditContext ctx, WriteRide ride) {
        Instant now = clock.instant();
        // The one read of the device: its current state (deactivated, resynced, replaced, the last accepted step)
        // decides, and the commit below expects these very bytes (DeviceRecordMemo decodes only changed bytes).
        Optional<KvTable.Versioned<DeviceRecord>> read = deviceRecords.read(serial);
        Optional<DeviceRecord> found = read.map(KvTable.Versioned::value);
        if (found.isEmpty() || !found.get().assigned() || !accountId.equals(found.get().accountId())
                || !MfaStore.lc(found.get().userName()).equals(MfaStore.lc(userName))) {
            // not counted against the device: a stranger must not be able to lock out someone else's device
            audit.append(record(ctx, purpose, accountId, serial, "INVALID",
                    "unknown serial or device not assigned to " + userName));
            return Optional.of(VerifyResult.invalid(serial));
        }
        DeviceRecord d = found.get();
        DeviceThrottle.Lane lane = DeviceThrottle.Lane.of(purpose);
        Optional<String> lockout = DeviceThrottle.lockout(d, lane, now);
        if (lockout.isPresent()) {
            audit.append(record(ctx, purpose, accountId, serial, "LOCKED", lockout.get()));
            return Optional.of(VerifyResult.throttled(serial));
        }
        byte[] seed = box.open(d.sealedSeed(), DeviceRecord.aad(serial));
        try {
            long center = TotpGenerator.stepOf(now) + d.driftSteps();
            OptionalLong step = TotpVerifier.matchStep(seed, code, center, WINDOW, d.lastUsedStep());
            if (step.isPresent()) {
                AuditRecord accepted = record(ctx, purpose, accountId, serial, "ACCEPTED", null);
                boolean committed = commit(ride, accepted, b -> {
                    store.devices().expect(b, serial, read);
                    deviceRecords.put(b, serial, DeviceThrottle.success(d.accepted(step.getAsLong()), lane));
                });
                return committed ? Optional.of(new VerifyResult(VerifyOutcome.ACCEPTED, step, serial))
                        : Optional.empty();
            }
            if (!TotpVerifier.wellFormed(code)
                    || TotpVerifier.matchStep(seed, code, center, WINDOW, Long.MIN_VALUE).isPresent()
                    || TotpVerifier.matchesAny(seed, code, d.usedSteps())) {
                // Refused but not a guess: a malformed code cannot match, and a replayed one (still in the
                // window, or one of the last accepted codes however old) is a code somebody has seen (an
                // eavesdropper, a log). Counting either would let anyone who saw one code lock the owner out.
                String why = TotpVerifier.wellFormed(code) ? "replayed code" : "malformed code";
                commit(null, record(ctx, purpose, accountId, serial, "INVALID", why), b -> { });
                return Optional.of(VerifyResult.invalid(serial));
            }
            DeviceRecord failed = DeviceThrottle.failure(d, lane, now);
            boolean committed = commit(null, record(ctx, purpose, accountId, serial, "INVALID", "wrong code"
                    + DeviceThrottle.lockout(failed, lane, now).map(w -> "; " + w).orElse("")), b -> {
                store.devices().expect(b, serial, read);
                deviceRecords.put(b, serial, failed);
            });
            return committed ? Optional.of(VerifyResult.invalid(serial)) : Optional.empty();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * Sign-in with a code but no chosen device: tries each device assigned to the user (any of them satisfies
     * the check). ACCEPTED if one accepts; THROTTLED if every device is locked; else INVALID.
     */
    public VerifyResult verifyAnyDevice(String accountId, String userName, String code, Purpose purpose,
                                        AuditContext ctx) {
        if (accountId == null || userName == null) {
            return VerifyResult.invalid(null);
        }
        List<String> serials = new ArrayList<>();
        for (var e : store.userDevices().scanPrefix(Keys.prefix(accountId, MfaStore.lc(userName)), 64)) {
            serials.add(e.key().get(2));
        }
        if (serials.isEmpty()) {
            audit.append(record(ctx, purpose, accountId, null, "INVALID", "user has no MFA device"));
            return VerifyResult.invalid(null);
        }
        boolean allThrottled = true;
        for (String s : serials) {
            VerifyResult r = verify(accountId, userName, s, code, purpose, ctx);
            if (r.accepted()) {
                return r;
            }
            allThrottled &= r.outcome() == VerifyOutcome.THROTTLED;
        }
        return allThrottled ? VerifyResult.throttled(null) : VerifyResult.invalid(null);
    }

    /**
     * Commits the check's outcome with its audit record: riding in {@code ride} (only an accepted code's, and only
     * when {@link #canRideIn} its database), else synced now. The audit listeners hear the record only once it is
     * committed ({@link AuditLog#append(KvTxn, AuditRecord)}): when this commit returns true, or, riding, when the
     * ride is settled after the delete's batch (or the ride alone) was written; never for a batch that failed or
     * lost its compare.
     *
     * @return false when a condition failed (another check changed the device first): nothing written or attached
     */
    private boolean commit(WriteRide ride, AuditRecord rec, Consumer<KvTxn> fill) {
        KvTxn txn = new KvTxn();
        fill.accept(txn);
        audit.append(txn, rec);
        if (ride != null) {
            return ((RocksKvStore) store.kv()).commitRiding(txn, ride);
        }
        return store.kv().commit(txn);
    }

    /** How many devices' records the checks remember decoded (tests: proves a later check could have hit). */
    int rememberedDevices() {
        return deviceRecords.size();
    }

    private AuditRecord record(AuditContext c, Purpose purpose, String accountId, String serial, String outcome,
                               String reason) {
        return new AuditRecord(clock.instant(), accountId, c.principal(), c.accessKeyId(),
                c.action() != null ? c.action() : purpose.auditAction(), c.bucket(), c.key(), c.versionId(), serial,
                outcome, c.clientAddress(), reason);
    }
}
