package dev.dualkey.mfa.session;

import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.mfa.identity.AccessKeyStatus;
import dev.dualkey.mfa.identity.Caller;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.store.DeviceRecord;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.store.StoredAccessKey;
import dev.dualkey.mfa.store.StoredSessionCredential;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Issues and resolves temporary credentials (STS GetSessionToken), protocol-neutral: the gateway's STS endpoint
 * calls {@link #getSessionToken}, its SigV4 credential provider calls {@link #find}.
 *
 * <p>An MFA code given to GetSessionToken is checked and spent by the same {@link MfaVerifier} as every other code
 * (purpose {@link Purpose#STS_SESSION}), so it is accepted once across S3, console and STS, counts toward the
 * device's throttle, and is audited (never with the code) whatever its outcome.
 *
 * <p>No lock: each session is one new record written in one batch with its expiry index entry and its audit
 * record; the checks at {@link #find} (user id, source key) make a concurrent user or key deletion win.
 */
public final class SessionCredentialService {
    /** Shortest session STS issues (DurationSeconds minimum). */
    public static final Duration MIN_DURATION = Duration.ofSeconds(900);
    /** Longest session of an IAM user (DurationSeconds maximum, 36 hours). */
    public static final Duration MAX_DURATION = Duration.ofSeconds(129_600);
    /** DurationSeconds when the caller gives none (12 hours). */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(43_200);
    /** Root's sessions last at most one hour, as on AWS; a longer request is shortened, not refused. */
    public static final Duration ROOT_MAX_DURATION = Duration.ofSeconds(3_600);
    /** Prefix of temporary access key ids ({@code AKIA} is for long-term keys). */
    public static final String ACCESS_KEY_PREFIX = "ASIA";
    /**
     * How long an expired record stays so that its holder is told ExpiredToken rather than an unknown key; it
     * can sign nothing in that time (refused as expired) and its secret stays sealed.
     */
    static final Duration SWEEP_GRACE = Duration.ofDays(1);
    /** Expired records removed per sweep (each issue sweeps once), bounding the work of one request. */
    static final int SWEEP_BATCH = 256;
    /** Random bytes in a session token (the token is their base64, 128 characters). */
    static final int TOKEN_BYTES = 96;

    private static final String ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final MfaStore store;
    private final SecretBox box;
    private final MfaVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public SessionCredentialService(MfaStore store, SecretBox box, MfaVerifier verifier, AuditLog audit, Clock clock,
                                    SecureRandom random) {
        this.store = Objects.requireNonNull(store, "store");
        this.box = Objects.requireNonNull(box, "box");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * GetSessionToken: temporary credentials for the owner of {@code sourceAccessKeyId}, an active long-term key
     * (the caller has verified the request's signature with it).
     *
     * @param duration requested lifetime, {@link #MIN_DURATION} to {@link #MAX_DURATION}; root's is shortened to
     *                 {@link #ROOT_MAX_DURATION}
     * @param serial   MFA device serial, or null for a session without MFA; given together with {@code code}
     * @param ctx      who asks, for the audit records (the action is {@code sts:GetSessionToken})
     * @throws SessionMfaException the code was not accepted; nothing was issued
     * @throws IllegalArgumentException a duration out of range, serial without code (or the reverse), or a source
     *                 key that is not an active long-term key (session credentials cannot make sessions)
     */
    public SessionCredentials getSessionToken(String sourceAccessKeyId, Duration duration, String serial,
                                              String code, AuditContext ctx) {
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(MIN_DURATION) < 0 || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be 900 to 129600 seconds");
        }
        if ((serial == null) != (code == null)) {
            throw new IllegalArgumentException("serial and code go together");
        }
        StoredAccessKey source = sourceAccessKeyId == null ? null
                : store.accessKeys().get(sourceAccessKeyId).orElse(null);
        if (source == null || source.status() != AccessKeyStatus.Active) {
            throw new IllegalArgumentException("sessions are made with an active long-term access key");
        }
        IamUser user = store.users().get(Keys.of(source.accountId(), MfaStore.lc(source.userName())))
                .orElseThrow(() -> new IllegalArgumentException("the key's user no longer exists"));
        AuditContext audited = withAction(ctx);
        Instant mfaAt = null;
        if (serial != null) {
            VerifyResult r = verifier.verify(user.accountId(), user.userName(), serial, code, Purpose.STS_SESSION,
                    audited);
            if (!r.accepted()) {
                throw new SessionMfaException(isEnabledDeviceOf(user, serial)
                        ? SessionMfaException.Reason.INVALID_CODE : SessionMfaException.Reason.UNKNOWN_SERIAL);
            }
            mfaAt = clock.instant();
        }
        Instant issued = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Duration lifetime = user.isRoot() && duration.compareTo(ROOT_MAX_DURATION) > 0 ? ROOT_MAX_DURATION
                : duration;
        Instant expiration = issued.plus(lifetime);
        String id = newAccessKeyId();
        String secret = pick(SECRET_CHARS, 40);
        byte[] tokenBytes = new byte[TOKEN_BYTES];
        random.nextBytes(tokenBytes);
        String token = Base64.getEncoder().encodeToString(tokenBytes);
        StoredSessionCredential rec = new StoredSessionCredential(id, user.accountId(), user.userName(),
                user.userId(), source.accessKeyId(), issued, expiration, mfaAt, mfaAt == null ? null : serial,
                box.seal(secret.getBytes(StandardCharsets.UTF_8), StoredSessionCredential.aad(id)),
                sha256(token.getBytes(StandardCharsets.UTF_8)));
        AuditRecord issuedRecord = new AuditRecord(issued, user.accountId(), audited.principal(),
                audited.accessKeyId(), audited.action(), null, null, null, rec.mfaSerial(), "OK",
                audited.clientAddress(), "issued " + id + " until " + expiration
                        + (mfaAt == null ? " without MFA" : " with MFA"));
        store.kv().write(b -> {
            store.sessionCredentials().expectAbsent(b, id);
            store.sessionCredentials().put(b, id, rec);
            store.sessionExpiry().put(b, StoredSessionCredential.expiryKey(expiration, id), Boolean.TRUE);
            audit.append(b, issuedRecord);
        });
        sweepExpired(SWEEP_BATCH);
        return new SessionCredentials(id, secret, token, expiration, mfaAt);
    }

    /**
     * Audits a GetSessionToken with MFA input that was refused before its code could be checked (malformed
     * input, session credentials as caller), so that every such request is in the log, never with the code.
     *
     * @param serial the serial when it is well-formed, else null
     */
    public void auditRefused(String accountId, String serial, String reason, AuditContext ctx) {
        AuditContext c = withAction(ctx);
        audit.append(new AuditRecord(clock.instant(), accountId, c.principal(), c.accessKeyId(), c.action(), null,
                null, null, serial, "INVALID", c.clientAddress(), reason));
    }

    /**
     * SigV4 lookup of temporary credentials. Empty when the id is not a session's, or when the session no longer
     * stands for anyone: its user was deleted (or re-created: another user id), or the long-term key that made it
     * was deleted, deactivated or moved. An expired session is returned with {@code expired} set (the gateway
     * answers ExpiredToken) until it is swept.
     */
    public Optional<ResolvedSession> find(String accessKeyId) {
        if (accessKeyId == null || !accessKeyId.startsWith(ACCESS_KEY_PREFIX) || accessKeyId.length() > 128) {
            return Optional.empty();
        }
        Optional<StoredSessionCredential> found = store.sessionCredentials().get(accessKeyId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        StoredSessionCredential s = found.get();
        Optional<IamUser> user = store.users().get(Keys.of(s.accountId(), MfaStore.lc(s.userName())))
                .filter(u -> u.userId().equals(s.userId()));
        boolean sourceStands = store.accessKeys().get(s.sourceAccessKeyId())
                .filter(k -> k.status() == AccessKeyStatus.Active && k.accountId().equals(s.accountId())
                        && MfaStore.lc(k.userName()).equals(MfaStore.lc(s.userName())))
                .isPresent();
        if (user.isEmpty() || !sourceStands) {
            return Optional.empty();
        }
        String secret = new String(box.open(s.sealedSecret(), StoredSessionCredential.aad(accessKeyId)),
                StandardCharsets.UTF_8);
        boolean expired = !clock.instant().isBefore(s.expiration());
        return Optional.of(new ResolvedSession(Caller.of(user.get()), accessKeyId, secret, s.tokenSha256(),
                s.expiration(), s.mfaAuthenticatedAt(), expired));
    }

    /**
     * Removes up to {@code limit} records that expired more than {@link #SWEEP_GRACE} ago, oldest first.
     *
     * @return how many were removed
     */
    public int sweepExpired(int limit) {
        byte[] upper = StoredSessionCredential.expiryKey(clock.instant().minus(SWEEP_GRACE), "");
        List<byte[]> keys = new ArrayList<>();
        try (KvIterator<byte[], Boolean> it = store.sessionExpiry().scanRaw(null, upper)) {
            while (keys.size() < limit && it.hasNext()) {
                KvEntry<byte[], Boolean> e = it.next();
                keys.add(e.key());
            }
        }
        if (keys.isEmpty()) {
            return 0;
        }
        store.kv().write(b -> {
            for (byte[] k : keys) {
                String id = new String(k, 8, k.length - 8, StandardCharsets.UTF_8);
                store.sessionCredentials().delete(b, id);
                store.sessionExpiry().delete(b, k);
            }
        });
        return keys.size();
    }

    private boolean isEnabledDeviceOf(IamUser user, String serial) {
        if (serial.isEmpty() || serial.length() > 256 || serial.indexOf('\0') >= 0) {
            return false;
        }
        Optional<DeviceRecord> d = store.devices().get(serial);
        return d.isPresent() && d.get().assigned() && user.accountId().equals(d.get().accountId())
                && MfaStore.lc(user.userName()).equals(MfaStore.lc(d.get().userName()));
    }

    private static AuditContext withAction(AuditContext c) {
        AuditContext ctx = c == null ? AuditContext.none() : c;
        return new AuditContext(ctx.principal(), ctx.accessKeyId(), Purpose.STS_SESSION.auditAction(), null, null,
                null, ctx.clientAddress());
    }

    private String newAccessKeyId() {
        String id;
        do {
            id = ACCESS_KEY_PREFIX + pick(ID_CHARS, 16);
        } while (store.sessionCredentials().get(id).isPresent());
        return id;
    }

    private String pick(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
