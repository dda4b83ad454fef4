package dev.dualkey.mfa.identity;

import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.error.DeleteConflictException;
import dev.dualkey.mfa.error.EntityAlreadyExistsException;
import dev.dualkey.mfa.error.InvalidInputException;
import dev.dualkey.mfa.error.LimitExceededException;
import dev.dualkey.mfa.error.MalformedPolicyDocumentException;
import dev.dualkey.mfa.error.NoSuchEntityException;
import dev.dualkey.mfa.error.ValidationException;
import dev.dualkey.mfa.policy.Decision;
import dev.dualkey.mfa.policy.Policy;
import dev.dualkey.mfa.policy.PolicyCache;
import dev.dualkey.mfa.policy.PolicyEvaluator;
import dev.dualkey.mfa.policy.PolicyParser;
import dev.dualkey.mfa.policy.RequestContext;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.store.Keys;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.mfa.store.StoredAccessKey;
import dev.dualkey.mfa.store.StoredLoginProfile;
import dev.dualkey.mfa.validate.Page;
import dev.dualkey.mfa.validate.Validate;
import dev.dualkey.storage.lock.KeyLocks;
import dev.dualkey.storage.kv.KvConflictException;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.rocks.KvEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Accounts, the root user, IAM users, access keys, login profiles and inline user policies, plus identity-policy
 * authorization. Every change is validated with IAM's constraints, written in one atomic batch together with its
 * audit record, and serialized per account.
 *
 * <p>Lock order: {@code accountLocks(accountId)} (this class; also taken by the device service before its device
 * lock) -> device lock. Account creation takes {@code accountLocks("#accounts")} alone.
 */
public final class IdentityService {
    /** Access keys per user (IAM quota). */
    public static final int MAX_ACCESS_KEYS = 2;
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern ALIAS = Pattern.compile("^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$");
    private static final String BOOTSTRAP_KEY = "bootstrap.account";
    private static final String ACCOUNTS_LOCK = "#accounts";
    /** Last-used dates are written at most this often per key, so signing is not a synced write per request. */
    private static final Duration LAST_USED_GRANULARITY = Duration.ofMinutes(1);

    private final MfaStore store;
    private final SecretBox box;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final CredentialFactory credentials;
    private final KeyLocks accountLocks;
    /** A hash with the real parameters, verified against when the user is unknown (equal timing). */
    private final String dummyHash;
    /** Decrypted secrets of keys in use, checked against the stored record on every lookup. */
    private final OpenedSecretCache openedSecrets;
    /** Resolved keys while their records are unchanged: no store read per signed request (issue 19). */
    private final ResolvedKeyCache resolvedKeys;
    /** Parsed inline policies by content: parsed once, not on every request. */
    private final PolicyCache policies = new PolicyCache(PolicyCache.DEFAULT_CAPACITY);

    public IdentityService(MfaStore store, SecretBox box, PasswordHasher hasher, AuditLog audit, Clock clock,
                           CredentialFactory credentials, KeyLocks accountLocks) {
        this.store = store;
        this.box = box;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.credentials = credentials;
        this.accountLocks = accountLocks;
        this.dummyHash = hasher.hash(credentials.password());
        this.openedSecrets = new OpenedSecretCache(box, OpenedSecretCache.DEFAULT_CAPACITY);
        this.resolvedKeys = new ResolvedKeyCache(store.kv(), store.accessKeys().name(), store.users().name());
    }

    // ------------------------------------------------------------------ accounts

    /**
     * First start: creates the first account, its root access key (the given id/secret, or generated) and root
     * password (given or generated). Idempotent: later calls change nothing and return {@code created=false}.
     *
     * @param accessKeyId     {@code DUALKEY_ROOT_ACCESS_KEY} or null to generate
     * @param secretAccessKey {@code DUALKEY_ROOT_SECRET_KEY}; required iff {@code accessKeyId} is given
     * @param rootPassword    {@code DUALKEY_ROOT_PASSWORD} or null to generate
     */
    public BootstrapResult bootstrap(String accessKeyId, String secretAccessKey, String rootPassword) {
        return accountLocks.withLock(ACCOUNTS_LOCK, () -> {
            Optional<byte[]> done = store.meta().get(BOOTSTRAP_KEY);
            if (done.isPresent()) {
                String id = new String(done.get(), StandardCharsets.UTF_8);
                Account a = store.accounts().get(id).orElseThrow(() -> new IllegalStateException(
                        "bootstrap account " + id + " is missing"));
                return new BootstrapResult(a, false, Optional.empty(), Optional.empty());
            }
            AccountCreated c;
            try {
                c = createAccountLocked(Actor.operator(), null, accessKeyId, secretAccessKey, rootPassword, true);
            } catch (KvConflictException e) {
                // another gateway sharing the state bootstrapped first: its account is the first account
                String id = new String(store.meta().get(BOOTSTRAP_KEY).orElseThrow(() -> e), StandardCharsets.UTF_8);
                Account a = store.accounts().get(id).orElseThrow(() -> new IllegalStateException(
                        "bootstrap account " + id + " is missing"));
                return new BootstrapResult(a, false, Optional.empty(), Optional.empty());
            }
            return new BootstrapResult(c.account(), true,
                    accessKeyId == null ? Optional.of(c.rootAccessKey()) : Optional.empty(),
                    Optional.ofNullable(c.rootPassword()));
        });
    }

    /** The account created by {@link #bootstrap}, if bootstrapped. */
    public Optional<Account> bootstrapAccount() {
        return store.meta().get(BOOTSTRAP_KEY)
                .flatMap(b -> store.accounts().get(new String(b, StandardCharsets.UTF_8)));
    }

    /**
     * Operator command: a new account with optional alias, a generated root access key and root password
     * (returned once).
     */
    public AccountCreated createAccount(Actor actor, String alias) {
        return accountLocks.withLock(ACCOUNTS_LOCK,
                () -> createAccountLocked(actor, alias, null, null, null, false));
    }

    /**
     * @param bootstrap also records the account as the bootstrap account, in the same transaction, only if none
     *                  is recorded yet ({@code KvConflictException} otherwise: another gateway bootstrapped)
     */
    private AccountCreated createAccountLocked(Actor actor, String alias, String givenKeyId, String givenSecret,
                                               String givenPassword, boolean bootstrap) {
        if (alias != null) {
            checkAlias(alias);
            if (store.aliases().get(alias).isPresent()) {
                throw new EntityAlreadyExistsException("The account alias " + alias + " already exists.");
            }
        }
        if ((givenKeyId == null) != (givenSecret == null)) {
            throw new InvalidInputException("Both the root access key id and the secret key must be given.");
        }
        if (givenKeyId != null) {
            Validate.accessKeyId(givenKeyId);
            if (givenSecret.length() < 16 || givenSecret.length() > 128 || givenSecret.chars().anyMatch(
                    ch -> ch <= 0x20 || ch >= 0x7f)) {
                throw new InvalidInputException("The root secret key must be 16-128 printable characters.");
            }
            if (store.accessKeys().get(givenKeyId).isPresent()) {
                throw new EntityAlreadyExistsException("The access key " + givenKeyId + " already exists.");
            }
        }
        if (givenPassword != null) {
            Validate.password("password", givenPassword);
            PasswordPolicy.check(givenPassword, IamUser.ROOT);
        }
        String id;
        do {
            id = credentials.accountId();
        } while (store.accounts().get(id).isPresent());
        Instant now = now();
        Account account = new Account(id, alias, now);
        IamUser root = new IamUser(id, "/", IamUser.ROOT, id, now, Map.of(), null);
        String keyId = givenKeyId != null ? givenKeyId : newAccessKeyId();
        String secret = givenSecret != null ? givenSecret : credentials.secretAccessKey();
        String password = givenPassword != null ? givenPassword : credentials.password();
        StoredAccessKey key = new StoredAccessKey(keyId, id, IamUser.ROOT, AccessKeyStatus.Active, now,
                box.seal(secret.getBytes(StandardCharsets.UTF_8), StoredAccessKey.aad(keyId)), null);
        StoredLoginProfile profile = new StoredLoginProfile(id, IamUser.ROOT, hasher.hash(password), false, now);
        String accountId = id;
        store.kv().write(b -> {
            // conditional: ids, alias and key id are unique across gateways too
            store.accounts().expectAbsent(b, accountId);
            store.accessKeys().expectAbsent(b, keyId);
            if (bootstrap) {
                store.meta().expectAbsent(b, BOOTSTRAP_KEY);
                store.meta().put(b, BOOTSTRAP_KEY, accountId.getBytes(StandardCharsets.UTF_8));
            }
            store.accounts().put(b, accountId, account);
            if (alias != null) {
                store.aliases().expectAbsent(b, alias);
                store.aliases().put(b, alias, accountId);
            }
            store.users().put(b, userKey(accountId, IamUser.ROOT), root);
            store.accessKeys().put(b, keyId, key);
            store.userAccessKeys().put(b, Keys.of(accountId, IamUser.ROOT, keyId), true);
            store.loginProfiles().put(b, userKey(accountId, IamUser.ROOT), profile);
            audit.append(b, record(actor, accountId, "admin:CreateAccount", "OK"));
        });
        return new AccountCreated(account, new NewAccessKey(IamUser.ROOT, keyId, AccessKeyStatus.Active,
                secret, now), givenPassword == null ? password : null);
    }

    public Optional<Account> account(String accountId) {
        return accountId == null ? Optional.empty() : store.accounts().get(accountId);
    }

    /** Looks an account up by 12-digit id or by alias (console sign-in, account-specific URLs). */
    public Optional<Account> accountByIdOrAlias(String idOrAlias) {
        if (idOrAlias == null || idOrAlias.isEmpty() || idOrAlias.length() > 63) {
            return Optional.empty();
        }
        if (ACCOUNT_ID.matcher(idOrAlias).matches()) {
            return store.accounts().get(idOrAlias);
        }
        return store.aliases().get(idOrAlias).flatMap(store.accounts()::get);
    }

    /** All accounts, in id order (operator listing). */
    public List<Account> listAccounts() {
        List<Account> out = new ArrayList<>();
        try (var it = store.accounts().scanRaw(null, null)) {
            it.forEachRemaining(e -> out.add(e.value()));
        }
        return out;
    }

    /**
     * Operator command: sets the root password to {@code newPassword}, or to a generated one when null; returns
     * the password to print (null when it was given). Revoking sessions is the caller's (sign-in) business.
     */
    public String resetRootPassword(Actor actor, String accountId, String newPassword) {
        requireAccount(accountId);
        if (newPassword != null) {
            Validate.password("password", newPassword);
            PasswordPolicy.check(newPassword, IamUser.ROOT);
        }
        String password = newPassword != null ? newPassword : credentials.password();
        String hash = hasher.hash(password);
        accountLocks.withLock(accountId, () -> store.kv().write(b -> {
            store.loginProfiles().put(b, userKey(accountId, IamUser.ROOT),
                    new StoredLoginProfile(accountId, IamUser.ROOT, hash, false, now()));
            audit.append(b, record(actor, accountId, "admin:ResetRootPassword", "OK"));
        }));
        return newPassword == null ? password : null;
    }

    // ------------------------------------------------------------------ users

    public IamUser createUser(Actor actor, String accountId, String path, String userName, Map<String, String> tags) {
        Validate.newUserName("userName", userName);
        String p = Validate.path("path", path);
        Map<String, String> t = Validate.tags(tags);
        requireAccount(accountId);
        if (userName.equalsIgnoreCase(IamUser.ROOT)) {
            throw new InvalidInputException("The user name " + userName + " is reserved.");
        }
        return accountLocks.withLock(accountId, () -> {
            if (store.users().get(userKey(accountId, userName)).isPresent()) {
                throw new EntityAlreadyExistsException("User with name " + userName + " already exists.");
            }
            IamUser u = new IamUser(accountId, p, userName, credentials.userId(), now(), new LinkedHashMap<>(t),
                    null);
            store.kv().write(b -> {
                store.users().put(b, userKey(accountId, userName), u);
                audit.append(b, record(actor, accountId, "iam:CreateUser", "OK").withReason("user " + userName));
            });
            return u;
        });
    }

    /** The user (or root, for {@code root}); NoSuchEntity when absent. */
    public IamUser getUser(String accountId, String userName) {
        Validate.existingUserName("userName", userName);
        return store.users().get(userKey(accountId, userName)).orElseThrow(() -> noSuchUser(userName));
    }

    /** Like {@link #getUser} but empty instead of an exception (and no validation). */
    public Optional<IamUser> findUser(String accountId, String userName) {
        if (accountId == null || userName == null || !Validate.NAME.matcher(userName).matches()) {
            return Optional.empty();
        }
        return store.users().get(userKey(accountId, userName));
    }

    /** IAM users of the account (never root) whose path starts with {@code pathPrefix}, by name. */
    public Page<IamUser> listUsers(String accountId, String pathPrefix, String marker, Integer maxItems) {
        String prefix = Validate.pathPrefix(pathPrefix);
        int max = Validate.maxItems(maxItems);
        List<IamUser> all = new ArrayList<>();
        try (var it = store.users().scanPrefix(Keys.prefix(accountId))) {
            while (it.hasNext()) {
                IamUser u = it.next().value();
                if (!u.isRoot() && u.path().startsWith(prefix)) {
                    all.add(u);
                }
            }
        }
        return Page.of(all, u -> MfaStore.lc(u.userName()), marker, max);
    }

    /** Refused with DeleteConflict while the user has access keys, a login profile, policies or MFA devices. */
    public void deleteUser(Actor actor, String accountId, String userName) {
        Validate.existingUserName("userName", userName);
        if (userName.equalsIgnoreCase(IamUser.ROOT)) {
            throw new InvalidInputException("The root user cannot be deleted.");
        }
        accountLocks.withLock(accountId, () -> {
            getUser(accountId, userName);
            byte[] prefix = Keys.prefix(accountId, MfaStore.lc(userName));
            if (!store.userAccessKeys().scanPrefix(prefix, 1).isEmpty()
                    || store.loginProfiles().get(userKey(accountId, userName)).isPresent()
                    || !store.userPolicies().scanPrefix(prefix, 1).isEmpty()
                    || !store.userDevices().scanPrefix(prefix, 1).isEmpty()) {
                throw new DeleteConflictException("Cannot delete entity, must delete access keys, login profile,"
                        + " policies and MFA devices first.");
            }
            store.kv().write(b -> {
                store.users().delete(b, userKey(accountId, userName));
                audit.append(b, record(actor, accountId, "iam:DeleteUser", "OK").withReason("user " + userName));
            });
        });
    }

    // ------------------------------------------------------------------ access keys

    public NewAccessKey createAccessKey(Actor actor, String accountId, String userName) {
        Validate.existingUserName("userName", userName);
        return accountLocks.withLock(accountId, () -> {
            IamUser u = getUser(accountId, userName);
            if (keyIdsOf(accountId, u.userName()).size() >= MAX_ACCESS_KEYS) {
                throw new LimitExceededException("Cannot exceed quota for AccessKeysPerUser: " + MAX_ACCESS_KEYS);
            }
            String keyId = newAccessKeyId();
            String secret = credentials.secretAccessKey();
            Instant now = now();
            StoredAccessKey k = new StoredAccessKey(keyId, accountId, u.userName(), AccessKeyStatus.Active, now,
                    box.seal(secret.getBytes(StandardCharsets.UTF_8), StoredAccessKey.aad(keyId)), null);
            store.kv().write(b -> {
                store.accessKeys().expectAbsent(b, keyId);
                store.accessKeys().put(b, keyId, k);
                store.userAccessKeys().put(b, Keys.of(accountId, MfaStore.lc(u.userName()), keyId), true);
                audit.append(b, record(actor, accountId, "iam:CreateAccessKey", "OK")
                        .withReason("user " + u.userName() + " key " + keyId));
            });
            return new NewAccessKey(u.userName(), keyId, AccessKeyStatus.Active, secret, now);
        });
    }

    public Page<AccessKeyMetadata> listAccessKeys(String accountId, String userName, String marker,
                                                  Integer maxItems) {
        int max = Validate.maxItems(maxItems);
        IamUser u = getUser(accountId, userName);
        List<AccessKeyMetadata> out = new ArrayList<>();
        for (String id : keyIdsOf(accountId, u.userName())) {
            store.accessKeys().get(id).ifPresent(k -> out.add(new AccessKeyMetadata(u.userName(), id, k.status(),
                    k.createDate(), k.lastUsedDate())));
        }
        return Page.of(out, AccessKeyMetadata::accessKeyId, marker, max);
    }

    public void updateAccessKey(Actor actor, String accountId, String userName, String accessKeyId,
                                AccessKeyStatus status) {
        Validate.accessKeyId(accessKeyId);
        if (status == null) {
            throw ValidationException.of("status", null, "Member must not be null");
        }
        accountLocks.withLock(accountId, () -> {
            var seen = ownedKey(accountId, userName, accessKeyId);
            StoredAccessKey k = seen.value();
            store.kv().write(b -> {
                // conditional on the record read: another gateway's change in between is a conflict, not lost
                store.accessKeys().expect(b, accessKeyId, Optional.of(seen));
                store.accessKeys().put(b, accessKeyId, k.withStatus(status));
                audit.append(b, record(actor, accountId, "iam:UpdateAccessKey", "OK")
                        .withReason("key " + accessKeyId + " " + status));
            });
        });
    }

    public void deleteAccessKey(Actor actor, String accountId, String userName, String accessKeyId) {
        Validate.accessKeyId(accessKeyId);
        accountLocks.withLock(accountId, () -> {
            var seen = ownedKey(accountId, userName, accessKeyId);
            StoredAccessKey k = seen.value();
            store.kv().write(b -> {
                store.accessKeys().expect(b, accessKeyId, Optional.of(seen));
                store.accessKeys().delete(b, accessKeyId);
                openedSecrets.forget(accessKeyId);
                store.userAccessKeys().delete(b, Keys.of(accountId, MfaStore.lc(k.userName()), accessKeyId));
                audit.append(b, record(actor, accountId, "iam:DeleteAccessKey", "OK").withReason("key "
                        + accessKeyId));
            });
        });
    }

    /**
     * SigV4 lookup: the key's owner, status and decrypted secret; empty for an unknown id (the gateway answers
     * {@code InvalidAccessKeyId} / {@code InvalidClientTokenId}). Inactive keys are returned with their status so
     * the gateway can answer as AWS does. Answered from {@link ResolvedKeyCache} while neither the access keys nor
     * the users were written since the key was last read (a single-process store only).
     */
    public Optional<ResolvedAccessKey> findAccessKey(String accessKeyId) {
        if (accessKeyId == null || accessKeyId.isEmpty() || accessKeyId.length() > 128) {
            return Optional.empty();
        }
        long stamp = resolvedKeys.stamp(); // before the reads: a write after it makes the entry never match
        Optional<ResolvedAccessKey> kept = resolvedKeys.get(accessKeyId, stamp);
        if (kept.isPresent()) {
            return kept;
        }
        Optional<ResolvedAccessKey> found = store.accessKeys().get(accessKeyId).flatMap(k -> store.users()
                .get(userKey(k.accountId(), k.userName()))
                .map(u -> new ResolvedAccessKey(Caller.of(u), k.accessKeyId(), k.status(),
                        openedSecrets.open(k.accessKeyId(), k.sealedSecret(),
                                StoredAccessKey.aad(k.accessKeyId())))));
        found.ifPresent(k -> resolvedKeys.put(accessKeyId, stamp, k));
        return found;
    }

    /**
     * Records that a request was authenticated with the key (LastUsedDate), at most once a minute per key. The
     * write is conditional on the record this read: it rewrites the whole record, so an unconditional one could
     * bring back the status (or the very key) that an UpdateAccessKey or DeleteAccessKey changed in between,
     * on this gateway or another. Best effort: a lost race records nothing.
     */
    public void recordAccessKeyUse(String accessKeyId) {
        Instant now = now();
        store.accessKeys().read(accessKeyId).ifPresent(seen -> {
            StoredAccessKey k = seen.value();
            if (k.lastUsedDate() == null || k.lastUsedDate().plus(LAST_USED_GRANULARITY).isBefore(now)) {
                KvTxn txn = new KvTxn();
                store.accessKeys().expect(txn, accessKeyId, Optional.of(seen));
                store.accessKeys().put(txn, accessKeyId, k.withLastUsed(now));
                store.kv().commit(txn);
            }
        });
    }

    // ------------------------------------------------------------------ login profiles and passwords

    public LoginProfile createLoginProfile(Actor actor, String accountId, String userName, String password,
                                           boolean passwordResetRequired) {
        Validate.newUserName("userName", userName);
        Validate.password("password", password);
        PasswordPolicy.check(password, userName);
        String hash = hasher.hash(password);
        return accountLocks.withLock(accountId, () -> {
            IamUser u = getUser(accountId, userName);
            if (store.loginProfiles().get(userKey(accountId, userName)).isPresent()) {
                throw new EntityAlreadyExistsException("Login Profile for user " + userName + " already exists.");
            }
            Instant now = now();
            store.kv().write(b -> {
                store.loginProfiles().put(b, userKey(accountId, userName), new StoredLoginProfile(accountId,
                        u.userName(), hash, passwordResetRequired, now));
                audit.append(b, record(actor, accountId, "iam:CreateLoginProfile", "OK").withReason("user "
                        + u.userName()));
            });
            return new LoginProfile(u.userName(), now, passwordResetRequired);
        });
    }

    public LoginProfile getLoginProfile(String accountId, String userName) {
        IamUser u = getUser(accountId, userName);
        StoredLoginProfile p = store.loginProfiles().get(userKey(accountId, userName)).orElseThrow(() ->
                new NoSuchEntityException("Login Profile for User " + u.userName() + " cannot be found."));
        return new LoginProfile(u.userName(), p.createDate(), p.resetRequired());
    }

    /** Sets a new password and/or the reset flag (either may be null = unchanged). */
    public void updateLoginProfile(Actor actor, String accountId, String userName, String password,
                                   Boolean passwordResetRequired) {
        Validate.existingUserName("userName", userName);
        if (password != null) {
            Validate.password("password", password);
            PasswordPolicy.check(password, userName);
        }
        String hash = password == null ? null : hasher.hash(password);
        accountLocks.withLock(accountId, () -> {
            IamUser u = getUser(accountId, userName);
            StoredLoginProfile p = store.loginProfiles().get(userKey(accountId, userName)).orElseThrow(() ->
                    new NoSuchEntityException("Login Profile for User " + u.userName() + " cannot be found."));
            store.kv().write(b -> {
                store.loginProfiles().put(b, userKey(accountId, userName), new StoredLoginProfile(accountId,
                        p.userName(), hash != null ? hash : p.passwordHash(),
                        passwordResetRequired != null ? passwordResetRequired : p.resetRequired(), p.createDate()));
                audit.append(b, record(actor, accountId, "iam:UpdateLoginProfile", "OK").withReason("user "
                        + u.userName()));
            });
        });
    }

    public void deleteLoginProfile(Actor actor, String accountId, String userName) {
        Validate.existingUserName("userName", userName);
        if (userName.equalsIgnoreCase(IamUser.ROOT)) {
            throw new InvalidInputException("The root user's password cannot be deleted.");
        }
        accountLocks.withLock(accountId, () -> {
            IamUser u = getUser(accountId, userName);
            if (store.loginProfiles().get(userKey(accountId, userName)).isEmpty()) {
                throw new NoSuchEntityException("Login Profile for User " + u.userName() + " cannot be found.");
            }
            store.kv().write(b -> {
                store.loginProfiles().delete(b, userKey(accountId, userName));
                audit.append(b, record(actor, accountId, "iam:DeleteLoginProfile", "OK").withReason("user "
                        + u.userName()));
            });
        });
    }

    /**
     * The caller's own password change (console and IAM ChangePassword). A wrong old password is
     * {@code InvalidInput}, like IAM's "The old password was incorrect"; clears the reset flag.
     */
    public void changePassword(Actor actor, String accountId, String userName, String oldPassword,
                               String newPassword) {
        Validate.password("oldPassword", oldPassword);
        Validate.password("newPassword", newPassword);
        StoredLoginProfile p = store.loginProfiles().get(userKey(accountId, userName)).orElseThrow(() ->
                new NoSuchEntityException("Login Profile for User " + userName + " cannot be found."));
        if (!hasher.verify(oldPassword, p.passwordHash())) {
            audit.append(record(actor, accountId, "iam:ChangePassword", "DENIED").withReason("wrong old password"));
            throw new InvalidInputException("The old password was incorrect.");
        }
        PasswordPolicy.check(newPassword, userName);
        String hash = hasher.hash(newPassword);
        accountLocks.withLock(accountId, () -> store.kv().write(b -> {
            store.loginProfiles().put(b, userKey(accountId, userName), new StoredLoginProfile(accountId,
                    p.userName(), hash, false, p.createDate()));
            audit.append(b, record(actor, accountId, "iam:ChangePassword", "OK").withReason("user " + userName));
        }));
    }

    /** Checks a console password in constant time; a user without a login profile never matches. */
    public PasswordCheck checkPassword(String accountId, String userName, String password) {
        Optional<StoredLoginProfile> p = findUser(accountId, userName).flatMap(u ->
                store.loginProfiles().get(userKey(accountId, userName)));
        if (p.isEmpty() || password == null) {
            // hash anyway so a missing user costs as long as a wrong password (no user enumeration by timing)
            hasher.verify(password == null ? "" : password, dummyHash);
            return new PasswordCheck(false, false);
        }
        return new PasswordCheck(hasher.verify(password, p.get().passwordHash()), p.get().resetRequired());
    }

    /**
     * The principal id and password generation a console session of {@code userName} is bound to; empty when
     * the user does not exist or has no console password (then no session of it is valid).
     */
    public Optional<ConsoleCredential> consoleCredential(String accountId, String userName) {
        return findUser(accountId, userName).flatMap(u -> store.loginProfiles().get(userKey(accountId,
                u.userName())).map(p -> new ConsoleCredential(u.isRoot() ? accountId : u.userId(),
                generation(p.passwordHash()))));
    }

    private static String generation(String passwordHash) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update("dualkey console session binding\0".getBytes(StandardCharsets.UTF_8));
            byte[] d = sha.digest(passwordHash.getBytes(StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets PasswordLastUsed after a successful console sign-in. */
    public void recordPasswordUse(String accountId, String userName) {
        if (accountId == null || userName == null || !Validate.NAME.matcher(userName).matches()) {
            return;
        }
        // conditional on the record read (best effort): rewriting the whole user must not bring back a user that
        // another gateway deleted meanwhile, nor undo its other changes
        store.users().read(userKey(accountId, userName)).ifPresent(seen -> {
            KvTxn txn = new KvTxn();
            store.users().expect(txn, userKey(accountId, userName), Optional.of(seen));
            store.users().put(txn, userKey(accountId, userName), seen.value().withPasswordLastUsed(now()));
            store.kv().commit(txn);
        });
    }

    // ------------------------------------------------------------------ inline policies

    public void putUserPolicy(Actor actor, String accountId, String userName, String policyName, String document) {
        Validate.existingUserName("userName", userName);
        Validate.policyName(policyName);
        if (document == null) {
            throw ValidationException.of("policyDocument", null, "Member must not be null");
        }
        policies.parse(document);
        accountLocks.withLock(accountId, () -> {
            IamUser u = getUser(accountId, userName);
            checkInlinePolicyQuota(accountId, u, policyName, document);
            store.kv().write(b -> {
                store.userPolicies().put(b, Keys.of(accountId, MfaStore.lc(u.userName()), policyName), document);
                audit.append(b, record(actor, accountId, "iam:PutUserPolicy", "OK").withReason("user "
                        + u.userName() + " policy " + policyName));
            });
        });
    }

    public String getUserPolicy(String accountId, String userName, String policyName) {
        Validate.policyName(policyName);
        IamUser u = getUser(accountId, userName);
        return store.userPolicies().get(Keys.of(accountId, MfaStore.lc(u.userName()), policyName)).orElseThrow(() ->
                new NoSuchEntityException("The user policy with name " + policyName + " cannot be found."));
    }

    public Page<String> listUserPolicies(String accountId, String userName, String marker, Integer maxItems) {
        int max = Validate.maxItems(maxItems);
        IamUser u = getUser(accountId, userName);
        List<String> names = new ArrayList<>();
        for (KvEntry<List<String>, String> e : store.userPolicies().scanPrefix(Keys.prefix(accountId,
                MfaStore.lc(u.userName())), 10_000)) {
            names.add(e.key().get(2));
        }
        return Page.of(names, n -> n, marker, max);
    }

    public void deleteUserPolicy(Actor actor, String accountId, String userName, String policyName) {
        Validate.policyName(policyName);
        accountLocks.withLock(accountId, () -> {
            getUserPolicy(accountId, userName, policyName);
            store.kv().write(b -> {
                store.userPolicies().delete(b, Keys.of(accountId, MfaStore.lc(userName), policyName));
                audit.append(b, record(actor, accountId, "iam:DeleteUserPolicy", "OK").withReason("user " + userName
                        + " policy " + policyName));
            });
        });
    }

    // ------------------------------------------------------------------ authorization

    /**
     * Identity-policy authorization: root may do anything in its own account; an IAM user only what its inline
     * policies allow (explicit Deny wins, default deny). The context gets {@code aws:username},
     * {@code aws:userid}, {@code aws:PrincipalAccount}, {@code aws:PrincipalArn} plus {@code extraKeys} (e.g.
     * {@code aws:MultiFactorAuthPresent}, {@code aws:SecureTransport}). A key not in {@code extraKeys} is absent,
     * as on AWS: {@code aws:MultiFactorAuthPresent} is left out for long-term access keys, so
     * {@code Bool false} does not match them and {@code BoolIfExists false} does.
     *
     * @param action   e.g. {@code iam:CreateVirtualMFADevice}, {@code s3:DeleteObjectVersion}
     * @param resource resource ARN, e.g. {@code arn:aws:iam::123456789012:user/alice}
     */
    public Decision authorize(Caller caller, String action, String resource, Map<String, String> extraKeys) {
        return authorize(caller, action, resource, extraKeys, Map.of());
    }

    /**
     * {@link #authorize(Caller, String, String, Map)} with multivalued condition keys as well (e.g.
     * {@code aws:TagKeys}), for the {@code ForAnyValue:} / {@code ForAllValues:} qualifiers.
     */
    public Decision authorize(Caller caller, String action, String resource, Map<String, String> extraKeys,
                              Map<String, List<String>> multiValuedKeys) {
        if (caller.root()) {
            return Decision.ALLOW;
        }
        Map<String, String> keys = new HashMap<>(extraKeys);
        keys.put(RequestContext.USERNAME, caller.userName());
        keys.put("aws:userid", caller.userId());
        keys.put("aws:PrincipalAccount", caller.accountId());
        keys.put("aws:PrincipalArn", caller.arn());
        return evaluateUserPolicies(caller, new RequestContext(action, resource, keys, multiValuedKeys));
    }

    /**
     * Every inline policy of the caller, each parsed once ({@link PolicyCache}), none skipped or truncated. A
     * stored policy that no longer parses (written before today's validation) denies everything: dropping it
     * could drop a Deny.
     */
    private Decision evaluateUserPolicies(Caller caller, RequestContext request) {
        List<Policy> userPolicies = new ArrayList<>();
        try (var it = store.userPolicies().scanPrefix(Keys.prefix(caller.accountId(),
                MfaStore.lc(caller.userName())))) {
            while (it.hasNext()) {
                try {
                    userPolicies.add(policies.parse(it.next().value()));
                } catch (MalformedPolicyDocumentException e) {
                    return Decision.EXPLICIT_DENY;
                }
            }
        }
        return PolicyEvaluator.evaluate(userPolicies, request);
    }

    /**
     * IAM's quota on a user's inline policies together: {@value PolicyParser#USER_INLINE_POLICIES_QUOTA}
     * characters without whitespace, counting {@code document} in place of a policy of the same name.
     */
    private void checkInlinePolicyQuota(String accountId, IamUser u, String policyName, String document) {
        long total = PolicyParser.quotaSize(document);
        try (var it = store.userPolicies().scanPrefix(Keys.prefix(accountId, MfaStore.lc(u.userName())))) {
            while (it.hasNext()) {
                KvEntry<List<String>, String> e = it.next();
                if (!e.key().get(2).equals(policyName)) {
                    total += PolicyParser.quotaSize(e.value());
                }
            }
        }
        if (total > PolicyParser.USER_INLINE_POLICIES_QUOTA) {
            throw new LimitExceededException("Maximum policy size of " + PolicyParser.USER_INLINE_POLICIES_QUOTA
                    + " bytes exceeded for user " + u.userName());
        }
    }

    /**
     * {@link #authorize(Caller, String, String, Map)} for a principal known by account and user name (the
     * gateway's {@code Principal}); {@code root} is the root user; an unknown user is denied.
     */
    public Decision authorize(String accountId, String userName, String action, String resource,
                              Map<String, String> extraKeys) {
        return findUser(accountId, userName).map(u -> authorize(Caller.of(u), action, resource, extraKeys))
                .orElse(Decision.IMPLICIT_DENY);
    }

    /** The ARN of {@code userName} in the account (with its path), for authorization resources. */
    public String userArn(String accountId, String userName) {
        return findUser(accountId, userName).map(IamUser::arn)
                .orElse("arn:aws:iam::" + accountId + ":user/" + userName);
    }

    // ------------------------------------------------------------------ summary

    /** GetAccountSummary's SummaryMap (the entries this product has). */
    public Map<String, Integer> accountSummary(String accountId) {
        requireAccount(accountId);
        int users = 0;
        int policies = 0;
        try (var it = store.users().scanPrefix(Keys.prefix(accountId))) {
            while (it.hasNext()) {
                if (!it.next().value().isRoot()) {
                    users++;
                }
            }
        }
        try (var it = store.userPolicies().scanPrefix(Keys.prefix(accountId))) {
            while (it.hasNext()) {
                it.next();
                policies++;
            }
        }
        int inUse = 0;
        boolean rootMfa = false;
        try (var it = store.userDevices().scanPrefix(Keys.prefix(accountId))) {
            while (it.hasNext()) {
                List<String> k = it.next().key();
                inUse++;
                rootMfa |= k.get(1).equals(IamUser.ROOT);
            }
        }
        int virtual = 0;
        try (var it = store.devices().scanPrefix(("arn:aws:iam::" + accountId + ":mfa/")
                .getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                it.next();
                virtual++;
            }
        }
        int hardwareInUse = 0;
        try (var it = store.userDevices().scanPrefix(Keys.prefix(accountId))) {
            while (it.hasNext()) {
                if (!it.next().key().get(2).startsWith("arn:")) {
                    hardwareInUse++;
                }
            }
        }
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("Users", users);
        m.put("UsersQuota", 5000);
        m.put("AccessKeysPerUserQuota", MAX_ACCESS_KEYS);
        m.put("UserPolicySizeQuota", PolicyParser.USER_INLINE_POLICIES_QUOTA);
        m.put("Policies", policies);
        m.put("MFADevices", virtual + hardwareInUse);
        m.put("MFADevicesInUse", inUse);
        m.put("AccountMFAEnabled", rootMfa ? 1 : 0);
        m.put("AccountAccessKeysPresent", keyIdsOf(accountId, IamUser.ROOT).isEmpty() ? 0 : 1);
        return m;
    }

    // ------------------------------------------------------------------ helpers

    /** The account lock striping shared with the device service (lock order: account -> device). */
    public KeyLocks accountLocks() {
        return accountLocks;
    }

    private void requireAccount(String accountId) {
        if (accountId == null || store.accounts().get(accountId).isEmpty()) {
            throw new NoSuchEntityException("The account " + accountId + " cannot be found.");
        }
    }

    private List<String> keyIdsOf(String accountId, String userName) {
        List<String> ids = new ArrayList<>();
        for (KvEntry<List<String>, Boolean> e : store.userAccessKeys().scanPrefix(Keys.prefix(accountId,
                MfaStore.lc(userName)), 100)) {
            ids.add(e.key().get(2));
        }
        return ids;
    }

    private KvTable.Versioned<StoredAccessKey> ownedKey(String accountId, String userName, String accessKeyId) {
        IamUser u = getUser(accountId, userName);
        return store.accessKeys().read(accessKeyId)
                .filter(v -> v.value().accountId().equals(accountId)
                        && MfaStore.lc(v.value().userName()).equals(MfaStore.lc(u.userName())))
                .orElseThrow(() -> new NoSuchEntityException("The Access Key with id " + accessKeyId
                        + " cannot be found."));
    }

    private String newAccessKeyId() {
        String id;
        do {
            id = credentials.accessKeyId();
        } while (store.accessKeys().get(id).isPresent());
        return id;
    }

    private static void checkAlias(String alias) {
        if (alias.length() < 3 || alias.length() > 63 || !ALIAS.matcher(alias).matches()
                || alias.chars().allMatch(Character::isDigit)) {
            throw ValidationException.of("accountAlias", alias,
                    "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$"
                            + " and must not be all digits");
        }
    }

    static List<String> userKey(String accountId, String userName) {
        return Keys.of(accountId, MfaStore.lc(userName));
    }

    static NoSuchEntityException noSuchUser(String userName) {
        return new NoSuchEntityException("The user with name " + userName + " cannot be found.");
    }

    private AuditRecord record(Actor actor, String accountId, String action, String outcome) {
        return new AuditRecord(now(), accountId, actor.principal(), actor.accessKeyId(), action, null, null, null,
                null, outcome, actor.clientAddress(), null);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
