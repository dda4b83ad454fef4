package dev.dualkey.mfa.signin;

import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditContext;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.DeviceThrottle;
import dev.dualkey.mfa.device.MfaDevice;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.device.Purpose;
import dev.dualkey.mfa.device.VerifyOutcome;
import dev.dualkey.mfa.device.VerifyResult;
import dev.dualkey.mfa.error.IamException;
import dev.dualkey.mfa.identity.Account;
import dev.dualkey.mfa.identity.ConsoleCredential;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.identity.PasswordCheck;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.mfa.store.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Console sign-in, UI-free (the gateway's console calls it).
 *
 * <ol>
 *   <li>{@link #signInWithPassword}: root = account id or alias + root password; IAM user = account id or
 *   alias + user name + password. Without an enabled MFA device: signed in. With one: an MFA challenge token.</li>
 *   <li>{@link #signInWithCode}: the challenge token + a code, checked by {@link MfaVerifier} (so a code used
 *   here cannot be used again in an {@code x-amz-mfa} header, and vice versa). After
 *   {@value #RESYNC_AFTER_FAILURES} wrong codes the result suggests {@link #resync}.</li>
 * </ol>
 * Every failure returns the same {@link #GENERIC_FAILURE} text. Attempts are throttled per user and per client
 * address ({@link AttemptLimiter}); codes are additionally throttled per device by the verifier, in the device's
 * console lane ({@link DeviceThrottle.Lane#CONSOLE}): wrong API codes never lock a user out of the console.
 *
 * <p>Tokens (sessions and challenges) are 256-bit random values, base64url; only their SHA-256 is stored.
 * Sessions end after the idle timeout, the absolute lifetime, {@link #signOut} or {@link #revokeAll}.
 *
 * <p>Sessions and challenges are bound to the principal's immutable id and password generation
 * ({@link ConsoleCredential}), checked on every use: a password change (ChangePassword, UpdateLoginProfile,
 * the console's own form, {@code admin reset-root-password}), a deleted login profile or a deleted user ends
 * every session of that principal at once, and a user re-created under the same name (any case) never
 * inherits one. The console's own password change re-issues the current session ({@link #reissue}).
 */
public final class SignInService {
    /** The one message for every sign-in failure (AWS console wording). */
    public static final String GENERIC_FAILURE = "Your authentication information is incorrect. Please try again.";
    /** The message while throttled. */
    public static final String THROTTLED_MESSAGE = "Too many sign-in attempts. Wait a few minutes and try again.";
    /** Wrong codes on one challenge after which resync is offered. */
    public static final int RESYNC_AFTER_FAILURES = 3;
    /** Wrong codes after which a challenge is discarded (sign in with the password again). */
    public static final int MAX_CODE_FAILURES = 10;
    /** lastSeen is persisted at most this often per session. */
    private static final Duration TOUCH_GRANULARITY = Duration.ofSeconds(30);

    private final MfaStore store;
    private final IdentityService identity;
    private final MfaDeviceService devices;
    private final MfaVerifier verifier;
    private final AuditLog audit;
    private final Clock clock;
    private final MfaConfig config;
    private final SecureRandom random;
    private final AttemptLimiter perUser;
    private final AttemptLimiter perAddress;

    public SignInService(MfaStore store, IdentityService identity, MfaDeviceService devices, MfaVerifier verifier,
                         AuditLog audit, MfaConfig config, SecureRandom random) {
        this.store = store;
        this.identity = identity;
        this.devices = devices;
        this.verifier = verifier;
        this.audit = audit;
        this.clock = config.clock();
        this.config = config;
        this.random = random;
        this.perUser = new AttemptLimiter(clock, 5, Duration.ofMinutes(15), Duration.ofMinutes(1));
        this.perAddress = new AttemptLimiter(clock, 20, Duration.ofMinutes(15), Duration.ofMinutes(1));
    }

    /**
     * Step 1.
     *
     * @param accountIdOrAlias 12-digit account id or alias
     * @param userName         IAM user name, or null/blank for the root user
     * @param clientAddress    remote address (throttling key, audited); may be null
     */
    public SignInResult signInWithPassword(String accountIdOrAlias, String userName, String password,
                                           String clientAddress) {
        String user = userName == null || userName.isBlank() ? IamUser.ROOT : userName.strip();
        Optional<Account> account = identity.accountByIdOrAlias(accountIdOrAlias == null ? null
                : accountIdOrAlias.strip());
        String accountId = account.map(Account::accountId).orElse(null);
        String userKey = (accountId == null ? "?" + accountIdOrAlias : accountId) + "|" + MfaStore.lc(user);
        String addrKey = clientAddress == null ? "-" : clientAddress;
        if (perUser.blocked(userKey) || perAddress.blocked(addrKey)) {
            audit.append(record(accountId, user, "console:SignIn", "THROTTLED", clientAddress, null));
            return failed(SignInResult.Status.THROTTLED, null, false);
        }
        PasswordCheck check = identity.checkPassword(accountId, user, password);
        if (!check.matches()) {
            perUser.failure(userKey);
            perAddress.failure(addrKey);
            audit.append(record(accountId, user, "console:SignIn", "DENIED", clientAddress,
                    accountId == null ? "unknown account" : "wrong user name or password"));
            return failed(SignInResult.Status.FAILED, null, false);
        }
        perUser.success(userKey);
        IamUser u = identity.findUser(accountId, user).orElse(null);
        ConsoleCredential credential = identity.consoleCredential(accountId, user).orElse(null);
        if (u == null || credential == null) {
            // deleted or its password removed between the check and now
            return failed(SignInResult.Status.FAILED, null, false);
        }
        List<MfaDevice> mfa = devices.devicesOf(accountId, u.userName());
        if (mfa.isEmpty()) {
            identity.recordPasswordUse(accountId, u.userName());
            return newSession(accountId, u.userName(), credential, null, check.resetRequired(), clientAddress);
        }
        String token = newToken();
        Instant now = clock.instant();
        store.sessions().put(hash(token), new SessionRecord(true, accountId, u.userName(), now, now, false, 0,
                check.resetRequired(), credential.principalId(), credential.generation(), null));
        audit.append(record(accountId, u.userName(), "console:SignIn", "MFA_REQUIRED", clientAddress, null));
        List<String> serials = mfa.stream().map(MfaDevice::serialNumber).toList();
        return new SignInResult(SignInResult.Status.MFA_REQUIRED, token, null, serials, false, false, null);
    }

    /**
     * Step 2: the code for {@code serial} (or, when null, for any of the user's devices). On a wrong code the
     * challenge stays valid (the result carries it again) until {@value #MAX_CODE_FAILURES} failures.
     */
    public SignInResult signInWithCode(String challengeToken, String serial, String code, String clientAddress) {
        String addrKey = clientAddress == null ? "-" : clientAddress;
        if (perAddress.blocked(addrKey)) {
            return failed(SignInResult.Status.THROTTLED, null, false);
        }
        Optional<KvTable.Versioned<SessionRecord>> seen = challengeRead(challengeToken);
        if (seen.isEmpty()) {
            perAddress.failure(addrKey);
            return failed(SignInResult.Status.FAILED, null, false);
        }
        SessionRecord c = seen.get().value();
        Optional<ConsoleCredential> credential = boundCredential(c);
        if (credential.isEmpty()) {
            store.sessions().delete(hash(challengeToken));
            perAddress.failure(addrKey);
            return failed(SignInResult.Status.FAILED, null, false);
        }
        IamUser u = identity.findUser(c.accountId(), c.userName()).orElse(null);
        AuditContext ctx = new AuditContext(u == null ? c.userName() : u.arn(), null, "console:SignInMfa", null,
                null, null, clientAddress);
        VerifyResult r = serial == null || serial.isBlank()
                ? verifier.verifyAnyDevice(c.accountId(), c.userName(), code, Purpose.CONSOLE_SIGN_IN, ctx)
                : verifier.verify(c.accountId(), c.userName(), serial.strip(), code, Purpose.CONSOLE_SIGN_IN, ctx);
        if (r.accepted()) {
            // the challenge is consumed in the session's own transaction, conditional on it being unchanged: one
            // challenge yields at most one session, even when two gateways accept two codes for it at once
            Optional<SignInResult> signedIn = newSession(c.accountId(), c.userName(), credential.get(),
                    clock.instant(), c.passwordResetRequired(), clientAddress, hash(challengeToken), seen);
            if (signedIn.isEmpty()) {
                return failed(SignInResult.Status.FAILED, null, false);
            }
            identity.recordPasswordUse(c.accountId(), c.userName());
            return signedIn.get();
        }
        perAddress.failure(addrKey);
        SessionRecord failed = c.failed();
        boolean keep = failed.failedCodes() < MAX_CODE_FAILURES;
        // conditional: a challenge consumed or revoked meanwhile (another gateway) is not brought back
        boolean counted = replace(hash(challengeToken), seen, keep ? failed : null);
        keep &= counted;
        return failed(r.outcome() == VerifyOutcome.THROTTLED ? SignInResult.Status.THROTTLED
                : SignInResult.Status.FAILED, keep ? challengeToken : null,
                failed.failedCodes() >= RESYNC_AFTER_FAILURES);
    }

    /**
     * Resync from the sign-in page: two consecutive codes for one of the user's devices. On success the result
     * is MFA_REQUIRED with the same challenge: the user then signs in with the next fresh code.
     */
    public SignInResult resync(String challengeToken, String serial, String code1, String code2,
                               String clientAddress) {
        Optional<KvTable.Versioned<SessionRecord>> seen = challengeRead(challengeToken);
        if (seen.isEmpty()) {
            return failed(SignInResult.Status.FAILED, null, false);
        }
        SessionRecord c = seen.get().value();
        IamUser u = identity.findUser(c.accountId(), c.userName()).orElse(null);
        if (u == null || boundCredential(c).isEmpty()) {
            store.sessions().delete(hash(challengeToken));
            return failed(SignInResult.Status.FAILED, null, false);
        }
        try {
            devices.resync(new Actor(u.arn(), null, clientAddress), c.accountId(), c.userName(), serial, code1,
                    code2, DeviceThrottle.Lane.CONSOLE); // after the password: the console's own counters
        } catch (IamException e) {
            return failed(SignInResult.Status.FAILED, challengeToken, true);
        }
        if (!replace(hash(challengeToken), seen, new SessionRecord(true, c.accountId(), c.userName(),
                c.createdAt(), clock.instant(), false, 0, c.passwordResetRequired(), c.principalId(), c.credential(),
                null))) {
            return failed(SignInResult.Status.FAILED, null, false);
        }
        List<String> serials = devices.devicesOf(c.accountId(), c.userName()).stream()
                .map(MfaDevice::serialNumber).toList();
        return new SignInResult(SignInResult.Status.MFA_REQUIRED, challengeToken, null, serials, false, false,
                null);
    }

    /** The live session for {@code token}; empty when unknown, expired (idle or absolute) or revoked. */
    public Optional<Session> session(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        byte[] key = hash(token);
        Optional<KvTable.Versioned<SessionRecord>> seen = liveSession(key);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord s = seen.get().value();
        Instant now = clock.instant();
        Instant absoluteEnd = s.createdAt().plus(config.sessionAbsolute());
        if (!now.isBefore(absoluteEnd) || !now.isBefore(s.lastSeen().plus(config.sessionIdle()))
                || boundCredential(s).isEmpty()) {
            // expired, or the principal is gone, re-created, or its password changed meanwhile
            store.sessions().delete(key);
            return Optional.empty();
        }
        if (s.lastSeen().plus(TOUCH_GRANULARITY).isBefore(now)) {
            // conditional: a touch must never bring back a session revoked meanwhile (sign-out elsewhere)
            if (!replace(key, seen, s.touched(now))) {
                return store.sessions().get(key).filter(x -> !x.challenge()).map(x -> view(x, x.lastSeen()));
            }
        }
        return Optional.of(view(s, now));
    }

    private Session view(SessionRecord s, Instant lastSeen) {
        return new Session(s.accountId(), s.userName(), s.createdAt(), lastSeen, s.mfaPresent(),
                s.createdAt().plus(config.sessionAbsolute()), s.mfaAuthenticatedAt());
    }

    /**
     * The principal's current credential when {@code s} is still bound to it (same immutable id, same password
     * generation), else empty. Layout-1 records (no binding) never match.
     */
    private Optional<ConsoleCredential> boundCredential(SessionRecord s) {
        if (s.principalId() == null || s.credential() == null) {
            return Optional.empty();
        }
        return identity.consoleCredential(s.accountId(), s.userName())
                .filter(c -> c.principalId().equals(s.principalId())
                        && MessageDigest.isEqual(c.generation().getBytes(StandardCharsets.UTF_8),
                                s.credential().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * After the session's own password change (the console's form): replaces the session named by
     * {@code token} with a new token bound to the new password generation, keeping its creation time (so its
     * absolute lifetime) and MFA state; every other session of the principal stays ended. Returns the new
     * token, or empty when the token names no session of a still-existing principal with a password.
     *
     * <p>Only for a request that was authenticated with {@code token} just before the change: the old
     * generation is not checked here, the principal id is.
     */
    public Optional<String> reissue(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        byte[] key = hash(token);
        Optional<KvTable.Versioned<SessionRecord>> seen = liveSession(key);
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord s = seen.get().value();
        Optional<ConsoleCredential> now = identity.consoleCredential(s.accountId(), s.userName())
                .filter(c -> c.principalId().equals(s.principalId()));
        if (now.isEmpty() || !clock.instant().isBefore(s.createdAt().plus(config.sessionAbsolute()))) {
            store.sessions().delete(key);
            return Optional.empty();
        }
        String fresh = newToken();
        Instant t = clock.instant();
        KvTxn txn = new KvTxn();
        store.sessions().expect(txn, key, seen);
        store.sessions().delete(txn, key);
        store.sessions().put(txn, hash(fresh), new SessionRecord(false, s.accountId(), s.userName(), s.createdAt(),
                    t, s.mfaPresent(), 0, false, now.get().principalId(), now.get().generation(),
                    s.mfaAuthenticatedAt()));
        if (!store.kv().commit(txn)) {
            return Optional.empty(); // revoked or reissued meanwhile
        }
        return Optional.of(fresh);
    }

    /**
     * A fresh-code prompt inside a session (the console's pages that change root's devices): checks {@code code}
     * against the principal's enabled devices through {@link MfaVerifier} (so it is spent once, across the S3
     * API and sign-in alike) and, when accepted, records the proof time in the session. Returns whether the
     * code was accepted.
     */
    public boolean proveMfa(String token, String code, String clientAddress) {
        if (token == null || token.isEmpty() || token.length() > 100 || code == null) {
            return false;
        }
        byte[] key = hash(token);
        Optional<KvTable.Versioned<SessionRecord>> seen = liveSession(key);
        if (seen.isEmpty() || boundCredential(seen.get().value()).isEmpty()) {
            return false;
        }
        SessionRecord s = seen.get().value();
        IamUser u = identity.findUser(s.accountId(), s.userName()).orElse(null);
        if (u == null) {
            return false;
        }
        AuditContext ctx = new AuditContext(u.arn(), null, "console:ProveMfa", null, null, null, clientAddress);
        VerifyResult r = verifier.verifyAnyDevice(s.accountId(), s.userName(), code.strip(), Purpose.OTHER, ctx);
        if (!r.accepted()) {
            return false;
        }
        // conditional: proof is not recorded into a session revoked (or changed) meanwhile; re-read once for a
        // concurrent touch
        if (replace(key, seen, s.mfaProved(clock.instant()))) {
            return true;
        }
        Optional<KvTable.Versioned<SessionRecord>> again = liveSession(key);
        return again.isPresent() && replace(key, again, again.get().value().mfaProved(clock.instant()));
    }

    /** Server-side sign-out: the token stops working at once. */
    public void signOut(String token) {
        signOut(token, null);
    }

    /** As {@link #signOut(String)}, recording the browser's address (issue 18). */
    public void signOut(String token, String clientAddress) {
        if (token != null && !token.isEmpty()) {
            store.sessions().get(hash(token)).ifPresent(s -> audit.append(record(s.accountId(), s.userName(),
                    "console:SignOut", "OK", clientAddress, null)));
            store.sessions().delete(hash(token));
        }
    }

    /** Revokes every session and challenge of a user (password reset, deletion, lost device). */
    public int revokeAll(String accountId, String userName) {
        List<byte[]> doomed = new ArrayList<>();
        try (var it = store.sessions().scanRaw(null, null)) {
            while (it.hasNext()) {
                var e = it.next();
                if (e.value().accountId().equals(accountId)
                        && MfaStore.lc(e.value().userName()).equals(MfaStore.lc(userName))) {
                    doomed.add(e.key());
                }
            }
        }
        store.kv().write(b -> doomed.forEach(k -> store.sessions().delete(b, k)));
        return doomed.size();
    }

    private Optional<KvTable.Versioned<SessionRecord>> challengeRead(String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        byte[] key = hash(token);
        Optional<KvTable.Versioned<SessionRecord>> c = store.sessions().read(key).filter(v -> v.value().challenge());
        if (c.isPresent()
                && !clock.instant().isBefore(c.get().value().createdAt().plus(config.challengeLifetime()))) {
            store.sessions().delete(key);
            return Optional.empty();
        }
        return c;
    }

    /** The session (not a challenge) under {@code key}, with its stored bytes. */
    private Optional<KvTable.Versioned<SessionRecord>> liveSession(byte[] key) {
        return store.sessions().read(key).filter(v -> !v.value().challenge());
    }

    /**
     * Replaces (or deletes, {@code next == null}) the session record under {@code key} only if it is still
     * {@code seen}: false when it changed or vanished meanwhile (a revocation, another gateway), nothing written.
     */
    private boolean replace(byte[] key, Optional<KvTable.Versioned<SessionRecord>> seen, SessionRecord next) {
        KvTxn txn = new KvTxn();
        store.sessions().expect(txn, key, seen);
        if (next == null) {
            store.sessions().delete(txn, key);
        } else {
            store.sessions().put(txn, key, next);
        }
        return store.kv().commit(txn);
    }

    private SignInResult newSession(String accountId, String userName, ConsoleCredential credential,
                                    Instant mfaAt, boolean resetRequired, String clientAddress) {
        return newSession(accountId, userName, credential, mfaAt, resetRequired, clientAddress, null,
                Optional.empty()).orElseThrow();
    }

    /**
     * A new session; when {@code challengeKey} is given, the challenge is deleted in the same transaction, which
     * commits only if the challenge is still {@code challenge} (empty result: it was consumed or changed).
     */
    private Optional<SignInResult> newSession(String accountId, String userName, ConsoleCredential credential,
                                              Instant mfaAt, boolean resetRequired, String clientAddress,
                                              byte[] challengeKey,
                                              Optional<KvTable.Versioned<SessionRecord>> challenge) {
        String token = newToken();
        Instant now = clock.instant();
        boolean mfa = mfaAt != null;
        KvTxn b = new KvTxn();
        if (challengeKey != null) {
            store.sessions().expect(b, challengeKey, challenge);
            store.sessions().delete(b, challengeKey);
        }
        store.sessions().expectAbsent(b, hash(token));
        store.sessions().put(b, hash(token), new SessionRecord(false, accountId, userName, now, now, mfa, 0,
                resetRequired, credential.principalId(), credential.generation(), mfaAt));
        audit.append(b, record(accountId, userName, "console:SignIn", "OK", clientAddress,
                mfa ? "with MFA" : "password only"));
        if (!store.kv().commit(b)) {
            return Optional.empty();
        }
        Session s = new Session(accountId, userName, now, now, mfa, now.plus(config.sessionAbsolute()), mfaAt);
        return Optional.of(new SignInResult(SignInResult.Status.SIGNED_IN, token, s, List.of(), false,
                resetRequired, null));
    }

    private static SignInResult failed(SignInResult.Status status, String challengeToken, boolean resync) {
        return new SignInResult(status, challengeToken, null, List.of(), resync, false,
                status == SignInResult.Status.THROTTLED ? THROTTLED_MESSAGE : GENERIC_FAILURE);
    }

    private String newToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private AuditRecord record(String accountId, String userName, String action, String outcome, String client,
                               String reason) {
        return new AuditRecord(clock.instant(), accountId, userName, null, action, null, null, null, null, outcome,
                client, reason);
    }
}
