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
import dev.dualkey.storage.kv.KvTxn;
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
 * <p>Lock: {@code deviceLocks(serial)} only (never with another device lock held).
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

    public MfaVerifier(MfaStore store, SecretBox box, AuditLog audit, Clock clock, KeyLocks deviceLocks) {
        this.store = store;
        this.box = box;
        this.audit = audit;
        this.clock = clock;
        this.deviceLocks = deviceLocks;
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
        return check(accountId, userName, serial, code, purpose, ctx, false).result();
    }

    /**
     * The outcome of {@link #verifySharingSync}: the result, and the ticket to pass to {@link #awaitDurable(long)}
     * (0 when nothing is pending).
     */
    public record SharedSyncVerify(VerifyResult result, long durabilityTicket) {
    }

    /**
     * {@link #verify(String, String, String, String, Purpose, AuditContext)} for a caller that makes a synced
     * write to the same database right after (the delete a code authorizes): the outcome is committed at once
     * (so the code is refused to every other request from this moment) but without its own WAL fsync; the
     * caller's synced write, which RocksDB orders after it, makes both durable with one fsync. The caller MUST
     * call {@link #awaitDurable(long)} with the returned ticket before it answers the client, whatever happened
     * in between (free once a synced write has begun after this returned). A crash before that loses the outcome
     * only together with everything it authorized.
     */
    public SharedSyncVerify verifySharingSync(String accountId, String userName, String serial, String code,
                                              Purpose purpose, AuditContext ctx) {
        return check(accountId, userName, serial, code, purpose, ctx, true);
    }

    /** Makes the outcome with {@code ticket} from {@link #verifySharingSync} durable (a WAL sync at most). */
    public void awaitDurable(long ticket) {
        if (ticket > 0) {
            store.kv().awaitDurable(ticket);
        }
    }

    /** @param deferSync commit the outcome without its own fsync (the ticket says what to await); else synced */
    private SharedSyncVerify check(String accountId, String userName, String serial, String code, Purpose purpose,
                                   AuditContext ctx, boolean deferSync) {
        if (accountId == null || userName == null || serial == null || serial.isEmpty() || serial.length() > 256
                || serial.indexOf('\0') >= 0) {
            audit.append(record(ctx, purpose, accountId, null, "INVALID", "malformed serial"));
            return new SharedSyncVerify(VerifyResult.invalid(serial), 0);
        }
        // The device lock serialises this gateway's checks; across gateways (shared state in etcd) the commit's
        // compare-and-set on the device record does: a check that lost re-reads and decides again, and then sees
        // the step consumed (a replay) or the new failure count.
        return deviceLocks.withLock(serial, () -> {
            for (int attempt = 1; ; attempt++) {
                Optional<SharedSyncVerify> done = attempt(accountId, userName, serial, code, purpose, ctx, deferSync);
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
    private Optional<SharedSyncVerify> attempt(String accountId, String userName, String serial, String code,
                                               Purpose purpose, AuditContext ctx, boolean deferSync) {
        Instant now = clock.instant();
        Optional<KvTable.Versioned<DeviceRecord>> read = store.devices().read(serial);
        Optional<DeviceRecord> found = read.map(KvTable.Versioned::value);
        if (found.isEmpty() || !found.get().assigned() || !accountId.equals(found.get().accountId())
                || !MfaStore.lc(found.get().userName()).equals(MfaStore.lc(userName))) {
            // not counted against the device: a stranger must not be able to lock out someone else's device
            audit.append(record(ctx, purpose, accountId, serial, "INVALID",
                    "unknown serial or device not assigned to " + userName));
            return Optional.of(new SharedSyncVerify(VerifyResult.invalid(serial), 0));
        }
        DeviceRecord d = found.get();
        DeviceThrottle.Lane lane = DeviceThrottle.Lane.of(purpose);
        Optional<String> lockout = DeviceThrottle.lockout(d, lane, now);
        if (lockout.isPresent()) {
            audit.append(record(ctx, purpose, accountId, serial, "LOCKED", lockout.get()));
            return Optional.of(new SharedSyncVerify(VerifyResult.throttled(serial), 0));
        }
        byte[] seed = box.open(d.sealedSeed(), DeviceRecord.aad(serial));
        try {
            long center = TotpGenerator.stepOf(now) + d.driftSteps();
            OptionalLong step = TotpVerifier.matchStep(seed, code, center, WINDOW, d.lastUsedStep());
            if (step.isPresent()) {
                OptionalLong ticket = commit(deferSync, b -> {
                    store.devices().expect(b, serial, read);
                    store.devices().put(b, serial, DeviceThrottle.success(d.accepted(step.getAsLong()), lane));
                    audit.append(b, record(ctx, purpose, accountId, serial, "ACCEPTED", null));
                });
                return ticket.isEmpty() ? Optional.empty() : Optional.of(new SharedSyncVerify(
                        new VerifyResult(VerifyOutcome.ACCEPTED, step, serial), ticket.getAsLong()));
            }
            if (!TotpVerifier.wellFormed(code)
                    || TotpVerifier.matchStep(seed, code, center, WINDOW, Long.MIN_VALUE).isPresent()
                    || TotpVerifier.matchesAny(seed, code, d.usedSteps())) {
                // Refused but not a guess: a malformed code cannot match, and a replayed one (still in the
                // window, or one of the last accepted codes however old) is a code somebody has seen (an
                // eavesdropper, a log). Counting either would let anyone who saw one code lock the owner out.
                String why = TotpVerifier.wellFormed(code) ? "replayed code" : "malformed code";
                OptionalLong ticket = commit(deferSync, b -> audit.append(b, record(ctx, purpose, accountId, serial,
                        "INVALID", why)));
                return Optional.of(new SharedSyncVerify(VerifyResult.invalid(serial), ticket.orElse(0)));
            }
            DeviceRecord failed = DeviceThrottle.failure(d, lane, now);
            OptionalLong ticket = commit(deferSync, b -> {
                store.devices().expect(b, serial, read);
                store.devices().put(b, serial, failed);
                audit.append(b, record(ctx, purpose, accountId, serial, "INVALID", "wrong code"
                        + DeviceThrottle.lockout(failed, lane, now).map(w -> "; " + w).orElse("")));
            });
            return ticket.isEmpty() ? Optional.empty()
                    : Optional.of(new SharedSyncVerify(VerifyResult.invalid(serial), ticket.getAsLong()));
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
     * @return the durability ticket of a deferred write, 0 for a synced one; empty when a condition failed
     *         (another check changed the device first) and nothing was written
     */
    private OptionalLong commit(boolean deferSync, Consumer<KvTxn> fill) {
        KvTxn txn = new KvTxn();
        fill.accept(txn);
        if (deferSync) {
            return store.kv().commitDeferringSync(txn);
        }
        return store.kv().commit(txn) ? OptionalLong.of(0) : OptionalLong.empty();
    }

    private AuditRecord record(AuditContext c, Purpose purpose, String accountId, String serial, String outcome,
                               String reason) {
        return new AuditRecord(clock.instant(), accountId, c.principal(), c.accessKeyId(),
                c.action() != null ? c.action() : purpose.auditAction(), c.bucket(), c.key(), c.versionId(), serial,
                outcome, c.clientAddress(), reason);
    }
}
