package dev.dualkey.mfa.store;

import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.DeviceType;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.rocks.BinaryReader;
import dev.dualkey.storage.rocks.BinaryWriter;
import dev.dualkey.storage.rocks.Codec;
import dev.dualkey.storage.rocks.Codecs;
import java.time.Instant;
import java.util.Map;

/**
 * Value codecs of the mfa families. Every record is {@code [version byte][fields]} (1 unless said otherwise) in
 * {@link BinaryWriter} encoding, fields in record-component order; a nullable {@link Instant} is written as a
 * boolean presence flag followed by the instant. To evolve a layout, append fields and bump the version.
 */
public final class MfaCodecs {
    private MfaCodecs() {
    }

    static void instant(BinaryWriter w, Instant t) {
        w.writeBoolean(t != null);
        if (t != null) {
            w.writeInstant(t);
        }
    }

    static Instant instant(BinaryReader r) {
        return r.readBoolean() ? r.readInstant() : null;
    }

    public static final Codec<Account> ACCOUNT = Codecs.record(1, (w, a) -> {
        w.writeString(a.accountId()).writeString(a.alias()).writeInstant(a.createDate());
    }, r -> new Account(r.readString(), r.readString(), r.readInstant()));

    public static final Codec<IamUser> USER = Codecs.record(1, (w, u) -> {
        w.writeString(u.accountId()).writeString(u.path()).writeString(u.userName()).writeString(u.userId())
                .writeInstant(u.createDate()).writeStringMap(u.tags());
        instant(w, u.passwordLastUsed());
    }, r -> new IamUser(r.readString(), r.readString(), r.readString(), r.readString(), r.readInstant(),
            r.readStringMap(), instant(r)));

    public static final Codec<StoredAccessKey> ACCESS_KEY = Codecs.record(1, (w, k) -> {
        w.writeString(k.accessKeyId()).writeString(k.accountId()).writeString(k.userName())
                .writeString(k.status().name()).writeInstant(k.createDate()).writeBytes(k.sealedSecret());
        instant(w, k.lastUsedDate());
    }, r -> new StoredAccessKey(r.readString(), r.readString(), r.readString(),
            AccessKeyStatus.valueOf(r.readString()), r.readInstant(), r.readBytes(), instant(r)));

    public static final Codec<StoredLoginProfile> LOGIN_PROFILE = Codecs.record(1, (w, p) -> {
        w.writeString(p.accountId()).writeString(p.userName()).writeString(p.passwordHash())
                .writeBoolean(p.resetRequired()).writeInstant(p.createDate());
    }, r -> new StoredLoginProfile(r.readString(), r.readString(), r.readString(), r.readBoolean(),
            r.readInstant()));

    /**
     * Device layout 2: layout 1's fields (its {@code failStep, failCount, lockedUntil, lockLevel} are the API
     * lane's per-step counters) followed by {@code apiRecent} (int count, then that many epoch-second longs), the
     * console lane's {@code failStep, failCount, lockedUntil, lockLevel}, {@code consoleRecent} (same shape) and
     * {@code usedSteps} (same shape). A layout-1 record decodes with empty lists and a clean console lane.
     */
    public static final Codec<DeviceRecord> DEVICE = Codecs.record(2, (w, d) -> {
        w.writeString(d.serial()).writeString(d.type().name()).writeString(d.accountId()).writeString(d.path())
                .writeString(d.name()).writeBytes(d.sealedSeed()).writeInstant(d.createDate())
                .writeString(d.userName());
        instant(w, d.enableDate());
        ThrottleState api = d.apiThrottle();
        w.writeLong(d.driftSteps()).writeLong(d.lastUsedStep()).writeStringMap(d.tags()).writeLong(api.failStep())
                .writeInt(api.failCount()).writeLong(api.lockedUntil()).writeInt(api.lockLevel());
        times(w, api.recentFailures());
        ThrottleState console = d.consoleThrottle();
        w.writeLong(console.failStep()).writeInt(console.failCount()).writeLong(console.lockedUntil())
                .writeInt(console.lockLevel());
        times(w, console.recentFailures());
        times(w, d.usedSteps());
    }, r -> {
        // Fields read in layout order, then ONE record built (not one per layout step: every construction copies
        // the tags and the step lists, on the MFA check's path; issue 19).
        String serial = r.readString();
        DeviceType type = DeviceType.valueOf(r.readString());
        String accountId = r.readString();
        String path = r.readString();
        String name = r.readString();
        byte[] sealedSeed = r.readBytes();
        Instant createDate = r.readInstant();
        String userName = r.readString();
        Instant enableDate = instant(r);
        long drift = r.readLong();
        long lastUsed = r.readLong();
        Map<String, String> tags = r.readStringMap();
        long failStep = r.readLong();
        int failCount = r.readInt();
        long lockedUntil = r.readLong();
        int lockLevel = r.readInt();
        if (r.version() < 2) {
            return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName,
                    enableDate, drift, lastUsed, tags, failStep, failCount, lockedUntil, lockLevel);
        }
        ThrottleState api = new ThrottleState(failStep, failCount, lockedUntil, lockLevel, times(r));
        ThrottleState console = new ThrottleState(r.readLong(), r.readInt(), r.readLong(), r.readInt(), times(r));
        long[] used = times(r);
        return new DeviceRecord(serial, type, accountId, path, name, sealedSeed, createDate, userName, enableDate,
                drift, lastUsed, tags, api, console, used);
    });

    private static void times(BinaryWriter w, long[] epochSeconds) {
        w.writeInt(epochSeconds.length);
        for (long t : epochSeconds) {
            w.writeLong(t);
        }
    }

    private static long[] times(BinaryReader r) {
        int n = r.readInt();
        if (n < 0 || n > 1024) {
            throw new StorageIoException("corrupt device record: " + n + " failure times");
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.readLong();
        }
        return out;
    }

    /** Layout 2 appends principalId, credential and mfaAuthenticatedAt; layout-1 records read them as null. */
    public static final Codec<SessionRecord> SESSION = Codecs.record(2, (w, s) -> {
        w.writeBoolean(s.challenge()).writeString(s.accountId()).writeString(s.userName())
                .writeInstant(s.createdAt()).writeInstant(s.lastSeen()).writeBoolean(s.mfaPresent())
                .writeInt(s.failedCodes()).writeBoolean(s.passwordResetRequired())
                .writeString(s.principalId()).writeString(s.credential());
        instant(w, s.mfaAuthenticatedAt());
    }, r -> {
        boolean challenge = r.readBoolean();
        String accountId = r.readString();
        String userName = r.readString();
        Instant createdAt = r.readInstant();
        Instant lastSeen = r.readInstant();
        boolean mfaPresent = r.readBoolean();
        int failedCodes = r.readInt();
        boolean reset = r.readBoolean();
        boolean v2 = r.version() >= 2;
        String principalId = v2 ? r.readString() : null;
        String credential = v2 ? r.readString() : null;
        Instant mfaAt = v2 ? instant(r) : null;
        return new SessionRecord(challenge, accountId, userName, createdAt, lastSeen, mfaPresent, failedCodes,
                reset, principalId, credential, mfaAt);
    });

    public static final Codec<StoredSessionCredential> SESSION_CREDENTIAL = Codecs.record(1, (w, c) -> {
        w.writeString(c.accessKeyId()).writeString(c.accountId()).writeString(c.userName()).writeString(c.userId())
                .writeString(c.sourceAccessKeyId()).writeInstant(c.issuedAt()).writeInstant(c.expiration());
        instant(w, c.mfaAuthenticatedAt());
        w.writeString(c.mfaSerial()).writeBytes(c.sealedSecret()).writeBytes(c.tokenSha256());
    }, r -> new StoredSessionCredential(r.readString(), r.readString(), r.readString(), r.readString(),
            r.readString(), r.readInstant(), r.readInstant(), instant(r), r.readString(), r.readBytes(),
            r.readBytes()));

    /**
     * Audit record, version 1: time, accountId, principal, accessKeyId, action, bucket, key, versionId,
     * deviceSerial, outcome, clientAddress, reason; then, appended (issue 18) and read only when present so that
     * records written before stay readable: via (the trusted proxies a request came through, nullable string).
     */
    public static final Codec<AuditRecord> AUDIT = Codecs.record(1, (w, a) -> {
        w.writeInstant(a.time()).writeString(a.accountId()).writeString(a.principal()).writeString(a.accessKeyId())
                .writeString(a.action()).writeString(a.bucket()).writeString(a.key()).writeString(a.versionId())
                .writeString(a.deviceSerial()).writeString(a.outcome()).writeString(a.clientAddress())
                .writeString(a.reason()).writeString(a.via());
    }, r -> new AuditRecord(r.readInstant(), r.readString(), r.readString(), r.readString(), r.readString(),
            r.readString(), r.readString(), r.readString(), r.readString(), r.readString(), r.readString(),
            r.readString(), r.hasRemaining() ? r.readString() : null));

    /** Empty value for index families. */
    public static final Codec<Boolean> PRESENT = new Codec<>() {
        @Override
        public byte[] encode(Boolean value) {
            return new byte[0];
        }

        @Override
        public Boolean decode(byte[] bytes) {
            return Boolean.TRUE;
        }
    };
}
