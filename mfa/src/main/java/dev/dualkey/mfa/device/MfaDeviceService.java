package dev.dualkey.mfa.device;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.error.DeleteConflictException;
import dev.dualkey.mfa.error.EntityAlreadyExistsException;
import dev.dualkey.mfa.error.InvalidAuthenticationCodeException;
import dev.dualkey.mfa.error.InvalidInputException;
import dev.dualkey.mfa.error.LimitExceededException;
import dev.dualkey.mfa.error.NoSuchEntityException;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.otp.TotpVerifier;
import dev.dualkey.mfa.secret.OtpAuthUri;
import dev.dualkey.mfa.secret.QrCodes;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.secret.SeedGenerator;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.validate.Page;
import dev.dualkey.mfa.validate.Validate;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.lock.KeyLocks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The IAM MFA device operations (spec 3.3, lifecycle 3.5) and the operator's token import.
 *
 * <p>Virtual devices: serial = {@code arn:aws:iam::<acct>:mfa/<path-without-leading-slash><name>}, seed
 * generated here and returned once. Hardware tokens: imported by the operator (serial + seed), unowned until a
 * user enables one; a token enabled in one account is refused to every other user until deactivated.
 * Enable and Resync take two consecutive codes ending at most {@value TotpVerifier#PAIR_FUTURE_STEPS} step after
 * now and at most {@value TotpVerifier#PAIR_SEARCH_STEPS} steps before (D11); the drift is recorded and both codes
 * are consumed. Wrong pairs count in the device's throttle ({@link DeviceThrottle}); replayed or future ones are
 * refused without counting. Each user holds at most {@value #MAX_DEVICES_PER_USER}
 * devices.
 *
 * <p>Lock order: {@code accountLocks(accountId)} -> {@code deviceLocks(serial)}.
 */
public final class MfaDeviceService {
    /** IAM's current per-principal device quota. */
    public static final int MAX_DEVICES_PER_USER = 8;
    private final MfaStore store;
    private final IdentityService identity;
    private final SecretBox box;
    private final SeedGenerator seeds;
    private final AuditLog audit;
    private final Clock clock;
    private final KeyLocks accountLocks;
    private final KeyLocks deviceLocks;

    public MfaDeviceService(MfaStore store, IdentityService identity, SecretBox box, SeedGenerator seeds,
                            AuditLog audit, Clock clock, KeyLocks deviceLocks) {
        this.store = store;
        this.identity = identity;
        this.box = box;
        this.seeds = seeds;
        this.audit = audit;
        this.clock = clock;
        this.accountLocks = identity.accountLocks();
        this.deviceLocks = deviceLocks;
    }

    /** The serial (ARN) of a virtual device. */
    public static String virtualSerial(String accountId, String path, String name) {
        return "arn:aws:iam::" + accountId + ":mfa" + path + name;
    }

    /**
     * CreateVirtualMFADevice.
     *
     * @param labelName the name shown by authenticator apps after {@code name@}: the caller's user name, or
     *                  null for the account id (as IAM's QR code does)
     */
    public CreatedVirtualDevice createVirtualDevice(Actor actor, String accountId, String path, String name,
                                                    Map<String, String> tags, String labelName) {
        String p = Validate.path("path", path);
        Validate.virtualDeviceName(name);
        Map<String, String> t = Validate.tags(tags);
        identity.account(accountId).orElseThrow(() -> new NoSuchEntityException("The account " + accountId
                + " cannot be found."));
        String serial = virtualSerial(accountId, p, name);
        byte[] seed = seeds.newSeed();
        try {
            return accountLocks.withLock(accountId, () -> deviceLocks.withLock(serial, () -> {
                if (store.devices().get(serial).isPresent()) {
                    throw new EntityAlreadyExistsException("MFADevice entity at the same path and name already"
                            + " exists.");
                }
                Instant now = now();
                DeviceRecord d = new DeviceRecord(serial, DeviceType.VIRTUAL, accountId, p, name,
                        box.seal(seed, DeviceRecord.aad(serial)), now, null, null, 0, DeviceRecord.NO_STEP, t, 0, 0,
                        0, 0);
                store.kv().write(b -> {
                    store.devices().expectAbsent(b, serial);
                    store.devices().put(b, serial, d);
                    audit.append(b, record(actor, accountId, "iam:CreateVirtualMFADevice", "OK", serial, null));
                });
                String uri = OtpAuthUri.of(name, labelName != null ? labelName : accountId, seed);
                return new CreatedVirtualDevice(d.view(), Base32.encode(seed), QrCodes.png(uri), uri);
            }));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** EnableMFADevice: assigns a virtual device of the account, or an imported hardware token, to the user. */
    public void enable(Actor actor, String accountId, String userName, String serial, String code1, String code2) {
        Validate.existingUserName("userName", userName);
        Validate.serial(serial);
        Validate.authenticationCode("authenticationCode1", code1);
        Validate.authenticationCode("authenticationCode2", code2);
        accountLocks.withLock(accountId, () -> deviceLocks.withLock(serial, () -> {
            IamUser u = identity.getUser(accountId, userName);
            var seen = store.devices().read(serial);
            DeviceRecord d = seen.map(KvTable.Versioned::value)
                    .filter(x -> x.type() == DeviceType.HARDWARE || accountId.equals(x.accountId()))
                    .orElseThrow(() -> noSuchDevice(serial));
            if (d.assigned() || (d.accountId() != null && !d.accountId().equals(accountId))) {
                audit.append(record(actor, accountId, "iam:EnableMFADevice", "DENIED", serial,
                        "device in use"));
                throw new EntityAlreadyExistsException("MFA Device is already in use.");
            }
            if (devicesOf(accountId, u.userName()).size() >= MAX_DEVICES_PER_USER) {
                throw new LimitExceededException("Cannot exceed quota for MFADevices: " + MAX_DEVICES_PER_USER
                        + ".");
            }
            Instant now = clock.instant();
            long consumed = checkPair(actor, accountId, "iam:EnableMFADevice", seen, d, code1, code2, now,
                    DeviceThrottle.Lane.API);
            long drift = consumed - TotpGenerator.stepOf(now);
            store.kv().write(b -> {
                store.devices().expect(b, serial, seen);
                store.devices().put(b, serial, d.assign(accountId, u.userName(), now(), drift, consumed));
                store.userDevices().put(b, Keys.of(accountId, MfaStore.lc(u.userName()), serial), true);
                audit.append(b, record(actor, accountId, "iam:EnableMFADevice", "OK", serial, "user "
                        + u.userName() + " drift " + drift));
            });
        }));
    }

    /** ResyncMFADevice: records a new drift from two consecutive codes later than the last accepted step. */
    public void resync(Actor actor, String accountId, String userName, String serial, String code1, String code2) {
        resync(actor, accountId, userName, serial, code1, code2, DeviceThrottle.Lane.API);
    }

    /** {@link #resync(Actor, String, String, String, String, String)} counting wrong codes in {@code lane}. */
    public void resync(Actor actor, String accountId, String userName, String serial, String code1, String code2,
                       DeviceThrottle.Lane lane) {
        Validate.existingUserName("userName", userName);
        Validate.serial(serial);
        Validate.authenticationCode("authenticationCode1", code1);
        Validate.authenticationCode("authenticationCode2", code2);
        deviceLocks.withLock(serial, () -> {
            IamUser u = identity.getUser(accountId, userName);
            var seen = store.devices().read(serial);
            DeviceRecord d = assignedTo(accountId, u.userName(), serial, seen);
            Instant now = clock.instant();
            long consumed = checkPair(actor, accountId, "iam:ResyncMFADevice", seen, d, code1, code2, now, lane);
            long drift = consumed - TotpGenerator.stepOf(now);
            store.kv().write(b -> {
                store.devices().expect(b, serial, seen);
                store.devices().put(b, serial, DeviceThrottle.success(d.resynced(drift, consumed), lane));
                audit.append(b, record(actor, accountId, "iam:ResyncMFADevice", "OK", serial, "drift " + drift));
            });
        });
    }

    /**
     * Verifies two consecutive codes (throttled in {@code lane}, audited on failure) and returns the step they
     * consume up to. Called with the device lock held. A pair that is valid but replayed or from the future is
     * refused without counting as a guess. A counted failure commits only if the device record is still
     * {@code seen} (another gateway may have changed it): else {@code KvConflictException}, nothing written.
     */
    private long checkPair(Actor actor, String accountId, String action,
                           Optional<KvTable.Versioned<DeviceRecord>> seen, DeviceRecord d, String code1,
                           String code2, Instant now, DeviceThrottle.Lane lane) {
        var lockout = DeviceThrottle.lockout(d, lane, now);
        if (lockout.isPresent()) {
            audit.append(record(actor, accountId, action, "LOCKED", d.serial(), lockout.get()));
            throw new LimitExceededException("Too many invalid authentication codes for this device; try again"
                    + " later.");
        }
        byte[] seed = box.open(d.sealedSeed(), DeviceRecord.aad(d.serial()));
        try {
            long nowStep = TotpGenerator.stepOf(now);
            OptionalLong consumed = TotpVerifier.matchConsecutive(seed, code1, code2, nowStep, d.lastUsedStep());
            if (consumed.isEmpty()) {
                String why = pairRefusal(seed, code1, code2, nowStep, d.usedSteps());
                DeviceRecord after = why == null ? DeviceThrottle.failure(d, lane, now) : d;
                store.kv().write(b -> {
                    if (why == null) {
                        store.devices().expect(b, d.serial(), seen);
                        store.devices().put(b, d.serial(), after);
                    }
                    audit.append(b, record(actor, accountId, action, "INVALID", d.serial(), why != null ? why
                            : "wrong codes" + DeviceThrottle.lockout(after, lane, now).map(w -> "; " + w)
                            .orElse("")));
                });
                throw new InvalidAuthenticationCodeException("Authentication code for device is not valid.");
            }
            return consumed.getAsLong();
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /**
     * Why a refused pair is no guess (null when it is one): both codes are the device's for steps already
     * consumed (in the search range, or among its last accepted steps), or consecutive ones ending in the future beyond now + 1, within the same +/-{@value
     * TotpVerifier#PAIR_SEARCH_STEPS} steps the search used to cover.
     */
    private static String pairRefusal(byte[] seed, String code1, String code2, long nowStep, long[] used) {
        if (!TotpVerifier.wellFormed(code1) || !TotpVerifier.wellFormed(code2)) {
            return "malformed codes";
        }
        if (TotpVerifier.matchConsecutive(seed, code1, code2, nowStep, Long.MIN_VALUE).isPresent()
                || (TotpVerifier.matchesAny(seed, code1, used) && TotpVerifier.matchesAny(seed, code2, used))) {
            return "codes already used";
        }
        if (TotpVerifier.matchConsecutive(seed, code1, code2, nowStep + TotpVerifier.PAIR_SEARCH_STEPS,
                Long.MIN_VALUE).isPresent()) {
            return "codes from the future";
        }
        return null;
    }

    /** DeactivateMFADevice: unassigns the device (a virtual one stays in the account, unassigned). */
    public void deactivate(Actor actor, String accountId, String userName, String serial) {
        Validate.existingUserName("userName", userName);
        Validate.serial(serial);
        accountLocks.withLock(accountId, () -> deviceLocks.withLock(serial, () -> {
            IamUser u = identity.getUser(accountId, userName);
            var seen = store.devices().read(serial);
            DeviceRecord d = seen.map(KvTable.Versioned::value).filter(x -> x.assigned()
                            && accountId.equals(x.accountId()) && MfaStore.lc(x.userName()).equals(MfaStore.lc(
                            u.userName())))
                    .orElseThrow(() -> new NoSuchEntityException("MFA Device invalid for user."));
            store.kv().write(b -> {
                store.devices().expect(b, serial, seen);
                store.devices().put(b, serial, d.unassign());
                store.userDevices().delete(b, Keys.of(accountId, MfaStore.lc(u.userName()), serial));
                audit.append(b, record(actor, accountId, "iam:DeactivateMFADevice", "OK", serial, "user "
                        + u.userName()));
            });
        }));
    }

    /** Operator: deactivates every device of a user (lost root device, D10). Returns the serials. */
    public List<String> deactivateAll(Actor actor, String accountId, String userName) {
        List<String> done = new ArrayList<>();
        for (MfaDevice d : devicesOf(accountId, userName)) {
            deactivate(actor, accountId, userName, d.serialNumber());
            done.add(d.serialNumber());
        }
        return done;
    }

    /** DeleteVirtualMFADevice; DeleteConflict while assigned. */
    public void deleteVirtualDevice(Actor actor, String accountId, String serial) {
        Validate.serial(serial);
        accountLocks.withLock(accountId, () -> deviceLocks.withLock(serial, () -> {
            var seen = store.devices().read(serial);
            DeviceRecord d = seen.map(KvTable.Versioned::value)
                    .filter(x -> x.type() == DeviceType.VIRTUAL && accountId.equals(x.accountId()))
                    .orElseThrow(() -> new NoSuchEntityException("VirtualMFADevice with serial number " + serial
                            + " does not exist."));
            if (d.assigned()) {
                throw new DeleteConflictException("MFA VirtualDevice in use. Must deactivate first.");
            }
            store.kv().write(b -> {
                store.devices().expect(b, serial, seen);
                store.devices().delete(b, serial);
                audit.append(b, record(actor, accountId, "iam:DeleteVirtualMFADevice", "OK", serial, null));
            });
        }));
    }

    /** The devices assigned to a user, by serial. */
    public List<MfaDevice> devicesOf(String accountId, String userName) {
        List<MfaDevice> out = new ArrayList<>();
        for (var e : store.userDevices().scanPrefix(Keys.prefix(accountId, MfaStore.lc(userName)), 1000)) {
            store.devices().get(e.key().get(2)).ifPresent(d -> out.add(d.view()));
        }
        return out;
    }

    /** True when the user has at least one enabled device (sign-in then asks for a code). */
    public boolean hasDevice(String accountId, String userName) {
        return !store.userDevices().scanPrefix(Keys.prefix(accountId, MfaStore.lc(userName)), 1).isEmpty();
    }

    /** ListMFADevices for a user. */
    public Page<MfaDevice> listDevices(String accountId, String userName, String marker, Integer maxItems) {
        int max = Validate.maxItems(maxItems);
        IamUser u = identity.getUser(accountId, userName);
        return Page.of(devicesOf(accountId, u.userName()), MfaDevice::serialNumber, marker, max);
    }

    /** ListVirtualMFADevices of the account (no tags, no seeds). */
    public Page<VirtualDeviceEntry> listVirtualDevices(String accountId, AssignmentStatus status, String marker,
                                                       Integer maxItems) {
        int max = Validate.maxItems(maxItems);
        AssignmentStatus s = status == null ? AssignmentStatus.Any : status;
        List<VirtualDeviceEntry> all = new ArrayList<>();
        try (var it = store.devices().scanPrefix(("arn:aws:iam::" + accountId + ":mfa/")
                .getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                DeviceRecord d = it.next().value();
                if (s == AssignmentStatus.Any || (s == AssignmentStatus.Assigned) == d.assigned()) {
                    IamUser user = d.assigned() ? identity.findUser(accountId, d.userName()).orElse(null) : null;
                    all.add(new VirtualDeviceEntry(d.view(), user));
                }
            }
        }
        return Page.of(all, e -> e.device().serialNumber(), marker, max);
    }

    /**
     * GetMFADevice (D9): a device of the account; when {@code userName} is given it must be assigned to that
     * user. NoSuchEntity otherwise.
     */
    public MfaDevice getDevice(String accountId, String userName, String serial) {
        Validate.serial(serial);
        if (userName != null) {
            Validate.existingUserName("userName", userName);
        }
        return store.devices().get(serial)
                .filter(d -> accountId.equals(d.accountId()))
                .filter(d -> userName == null || (d.assigned() && MfaStore.lc(d.userName()).equals(MfaStore.lc(
                        userName))))
                .map(DeviceRecord::view)
                .orElseThrow(() -> noSuchDevice(serial));
    }

    /**
     * The user (stored name; {@code root} for the root user) the device is assigned to, or empty when the
     * account has no such device or it is unassigned. No validation: an invalid serial is simply absent.
     */
    public Optional<String> assignedUser(String accountId, String serial) {
        if (accountId == null || serial == null || serial.isEmpty() || serial.length() > 256) {
            return Optional.empty();
        }
        return store.devices().get(serial)
                .filter(d -> d.assigned() && accountId.equals(d.accountId()))
                .map(DeviceRecord::userName);
    }

    /** TagMFADevice: adds or overwrites tags; at most 50 in total. */
    public void tagDevice(Actor actor, String accountId, String serial, Map<String, String> tags) {
        Validate.serial(serial);
        if (tags == null || tags.isEmpty()) {
            throw dev.dualkey.mfa.error.ValidationException.of("tags", null, "Member must not be null");
        }
        Validate.tags(tags);
        deviceLocks.withLock(serial, () -> {
            var seen = store.devices().read(serial);
            DeviceRecord d = seen.map(KvTable.Versioned::value).filter(x -> accountId.equals(x.accountId()))
                    .orElseThrow(() -> noSuchDevice(serial));
            Map<String, String> merged = new TreeMap<>(d.tags());
            merged.putAll(tags);
            if (merged.size() > Validate.MAX_TAGS) {
                throw new LimitExceededException("The number of tags has reached the maximum limit.");
            }
            store.kv().write(b -> {
                // the whole record is rewritten: it must not roll back a step consumed meanwhile elsewhere
                store.devices().expect(b, serial, seen);
                store.devices().put(b, serial, d.withTags(merged));
                audit.append(b, record(actor, accountId, "iam:TagMFADevice", "OK", serial, null));
            });
        });
    }

    /** UntagMFADevice: removes the keys (absent keys are ignored, as IAM does). */
    public void untagDevice(Actor actor, String accountId, String serial, Collection<String> tagKeys) {
        Validate.serial(serial);
        if (tagKeys == null || tagKeys.isEmpty() || tagKeys.size() > Validate.MAX_TAGS) {
            throw dev.dualkey.mfa.error.ValidationException.of("tagKeys", null,
                    "Member must have length between 1 and " + Validate.MAX_TAGS);
        }
        int i = 1;
        for (String k : tagKeys) {
            Validate.tagKey("tagKeys." + i++ + ".member", k);
        }
        deviceLocks.withLock(serial, () -> {
            var seen = store.devices().read(serial);
            DeviceRecord d = seen.map(KvTable.Versioned::value).filter(x -> accountId.equals(x.accountId()))
                    .orElseThrow(() -> noSuchDevice(serial));
            Map<String, String> rest = new TreeMap<>(d.tags());
            tagKeys.forEach(rest::remove);
            store.kv().write(b -> {
                store.devices().expect(b, serial, seen);
                store.devices().put(b, serial, d.withTags(rest));
                audit.append(b, record(actor, accountId, "iam:UntagMFADevice", "OK", serial, null));
            });
        });
    }

    /** ListMFADeviceTags, sorted by key. */
    public Page<Map.Entry<String, String>> listDeviceTags(String accountId, String serial, String marker,
                                                          Integer maxItems) {
        Validate.serial(serial);
        int max = Validate.maxItems(maxItems);
        DeviceRecord d = ownedDevice(accountId, serial);
        return Page.of(new ArrayList<>(d.tags().entrySet()), Map.Entry::getKey, marker, max);
    }

    /**
     * Operator: imports hardware tokens. Serials already present are skipped (re-importing a vendor file is
     * harmless; an existing token's seed is never replaced).
     */
    public ImportResult importHardwareTokens(Actor actor, List<ImportedToken> tokens) {
        List<String> added = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Instant now = now();
        for (ImportedToken t : tokens) {
            Validate.serial(t.serial());
            if (t.serial().startsWith("arn:")) {
                throw new InvalidInputException("Hardware serials must not look like ARNs: " + t.serial());
            }
            deviceLocks.withLock(t.serial(), () -> {
                if (store.devices().get(t.serial()).isPresent()) {
                    skipped.add(t.serial());
                    return;
                }
                DeviceRecord d = new DeviceRecord(t.serial(), DeviceType.HARDWARE, null, null, null,
                        box.seal(t.seed(), DeviceRecord.aad(t.serial())), now, null, null, 0, DeviceRecord.NO_STEP,
                        Map.of(), 0, 0, 0, 0);
                store.kv().write(b -> {
                    store.devices().expectAbsent(b, t.serial());
                    store.devices().put(b, t.serial(), d);
                    audit.append(b, record(actor, null, "admin:ImportToken", "OK", t.serial(), null));
                });
                added.add(t.serial());
            });
        }
        return new ImportResult(added, skipped);
    }

    private DeviceRecord assignedTo(String accountId, String userName, String serial,
                                    Optional<KvTable.Versioned<DeviceRecord>> seen) {
        return seen.map(KvTable.Versioned::value).filter(x -> x.assigned() && accountId.equals(x.accountId())
                        && MfaStore.lc(x.userName()).equals(MfaStore.lc(userName)))
                .orElseThrow(() -> new NoSuchEntityException("MFA Device invalid for user."));
    }

    private DeviceRecord ownedDevice(String accountId, String serial) {
        return store.devices().get(serial).filter(d -> accountId.equals(d.accountId()))
                .orElseThrow(() -> noSuchDevice(serial));
    }

    private static NoSuchEntityException noSuchDevice(String serial) {
        return new NoSuchEntityException("MFA Device with serial number " + serial + " does not exist.");
    }

    private AuditRecord record(Actor actor, String accountId, String action, String outcome, String serial,
                               String reason) {
        return new AuditRecord(clock.instant(), accountId, actor.principal(), actor.accessKeyId(), action, null,
                null, null, serial, outcome, actor.clientAddress(), reason);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
