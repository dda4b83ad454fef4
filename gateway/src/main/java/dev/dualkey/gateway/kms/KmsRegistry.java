package dev.dualkey.gateway.kms;

import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.KvTable;
import dev.dualkey.storage.kv.KvTxn;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The local KMS key registry: keys and aliases of every account, their state, and their material sealed under the
 * master key. Thread-safe; changes are serialised on this object (they are rare operator actions), lookups are
 * lock-free reads of the state store.
 *
 * <p>Over any {@link KvStore}: the data directory's RocksDB (embedded; the spaces are the {@link KmsSchema} column
 * families, so registries written before the KvStore existed are read as they are) or etcd shared by the gateways
 * of a cluster ({@code serve --state}). In a cluster every change is a conditional write that expects the record
 * as read (a key's state, an alias's absence), so two gateways never both win: the loser reads again and decides
 * again (disabling a key another gateway just scheduled for deletion is refused as on one gateway). No gateway
 * caches a key: every use reads it (a linearizable read in etcd), so a key disabled or scheduled for deletion
 * through one gateway is refused by every other at its next request.
 *
 * <p>Scheduled deletion: a key in PendingDeletion keeps its material until its deletion date; the first lookup or
 * listing at or after that date (on the registry's clock) removes the record and its aliases, which destroys the
 * material: every object encrypted under the key is then unreadable for good. The waiting period is 7 to 30 days,
 * as AWS KMS, and cannot be shortened; {@code cancel-key-deletion} before the date leaves the key Disabled.
 */
public final class KmsRegistry {
    /** AWS KMS's bounds of {@code PendingWindowInDays}. */
    public static final int MIN_WINDOW_DAYS = 7;
    public static final int MAX_WINDOW_DAYS = 30;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Conditional writes lost to another gateway before giving up (each retry reads and decides again). */
    private static final int MAX_ATTEMPTS = 20;
    private final KvStore kv;
    private final KvTable<String, byte[]> keys;
    private final KvTable<String, String> aliases;
    private final KvTable<String, byte[]> meta;
    private final String region;
    private final Clock clock;
    private final AuditLog audit;
    private volatile SecretBox box;
    private volatile SecretBox previousBox;

    /**
     * @param db     opened with {@link KmsSchema#FAMILIES}
     * @param box    seals key material under the master key
     * @param region the region of new keys' ARNs
     * @param audit  where key changes are recorded (null: not recorded, tests)
     */
    public KmsRegistry(RocksDatabase db, SecretBox box, String region, Clock clock, AuditLog audit) {
        this(RocksKvStore.over(Objects.requireNonNull(db, "db")), box, region, clock, audit);
    }

    /**
     * @param kv     the state store: RocksDB (opened with {@link KmsSchema#FAMILIES}) or etcd (cluster mode)
     * @param box    seals key material under the master key (every gateway of a cluster holds the same)
     * @param region the region of new keys' ARNs
     * @param audit  where key changes are recorded (null: not recorded, tests)
     */
    public KmsRegistry(KvStore kv, SecretBox box, String region, Clock clock, AuditLog audit) {
        this.kv = Objects.requireNonNull(kv, "kv");
        this.keys = new KvTable<>(kv, KmsSchema.KEYS, Codecs.UTF8, Codecs.BYTES);
        this.aliases = new KvTable<>(kv, KmsSchema.ALIASES, Codecs.UTF8, Codecs.UTF8);
        this.meta = new KvTable<>(kv, KmsSchema.META, Codecs.UTF8, Codecs.BYTES);
        this.box = Objects.requireNonNull(box, "box");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = audit;
    }

    /** The region of new keys. */
    public String region() {
        return region;
    }

    // ---- management (operator commands) ---------------------------------------------------------------

    /** CreateKey: a new Enabled customer managed key with fresh material. */
    public synchronized KmsKey createKey(String accountId, String description) {
        if (description != null && description.length() > 8192) {
            throw new KmsException("ValidationException", "1 validation error detected: Value at 'description' "
                    + "failed to satisfy constraint: Member must have length less than or equal to 8192");
        }
        KmsKey k = newKey(accountId, description, false);
        record(accountId, "kms:CreateKey", k.keyId());
        return k;
    }

    private KmsKey newKey(String accountId, String description, boolean managed) {
        String id = java.util.UUID.randomUUID().toString();
        byte[] material = new byte[32];
        RANDOM.nextBytes(material);
        byte[] sealed = box.seal(material, aad(id));
        Arrays.fill(material, (byte) 0);
        KmsKey k = new KmsKey(id, accountId, region, description, managed, KeyState.ENABLED,
                clock.instant(), null, sealed);
        KvTxn txn = new KvTxn();
        keys.expectAbsent(txn, id);
        keys.put(txn, id, KmsSchema.encode(k));
        if (!kv.commit(txn)) {
            throw new IllegalStateException("key id " + id + " exists already");
        }
        return k;
    }

    /** The keys of {@code accountId} (all accounts when null), by key id; due deletions are carried out first. */
    public synchronized List<KmsKey> listKeys(String accountId) {
        List<KmsKey> out = new ArrayList<>();
        List<KmsKey> due = new ArrayList<>();
        try (KvIterator<String, byte[]> it = keys.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                KvEntry<String, byte[]> e = it.next();
                KmsKey k = KmsSchema.decode(e.key(), e.value());
                if (isDue(k)) {
                    due.add(k);
                } else if (accountId == null || k.accountId().equals(accountId)) {
                    out.add(k);
                }
            }
        }
        due.forEach(this::destroy);
        return out;
    }

    /** Alias names (with {@code alias/}) pointing at {@code k}. */
    public List<String> aliasesOf(KmsKey k) {
        List<String> out = new ArrayList<>();
        String prefix = k.accountId() + "\0";
        try (KvIterator<String, String> it = aliases.scanPrefix(prefix.getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                KvEntry<String, String> e = it.next();
                if (e.value().equals(k.keyId())) {
                    out.add("alias/" + e.key().substring(prefix.length()));
                }
            }
        }
        return out;
    }

    /** DescribeKey: the key {@code spec} names in {@code accountId} (any state). */
    public KmsKey describe(String accountId, String spec) {
        return resolve(accountId, spec, false);
    }

    /** CreateAlias: {@code alias/NAME} for the key {@code target} names; names under {@code alias/aws/} are AWS's. */
    public synchronized void createAlias(String accountId, String aliasName, String target) {
        KmsArns a = aliasName == null ? null : KmsArns.parse(aliasName);
        if (a == null || a.alias() == null || a.account() != null) {
            throw new KmsException("ValidationException", "1 validation error detected: Value '" + aliasName
                    + "' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression "
                    + "pattern: ^alias/[a-zA-Z0-9/_-]+$");
        }
        if (a.alias().startsWith("aws/")) {
            throw new KmsException("NotAuthorizedException", "Cannot create alias with prefix 'alias/aws/'");
        }
        KmsKey k = resolve(accountId, target, false);
        if (!k.accountId().equals(accountId)) {
            throw notFound(target, accountId);
        }
        String row = KmsSchema.aliasRow(accountId, a.alias());
        KvTxn txn = new KvTxn();
        aliases.expectAbsent(txn, row); // another gateway's CreateAlias of the same name loses here
        Optional<KvTable.Versioned<byte[]>> seenKey = keys.read(k.keyId());
        if (seenKey.isEmpty()) {
            throw notFound(target, accountId);
        }
        keys.expect(txn, k.keyId(), seenKey); // and a key destroyed meanwhile gets no alias
        aliases.put(txn, row, k.keyId());
        if (aliases.get(row).isPresent() || !kv.commit(txn)) {
            throw new KmsException("AlreadyExistsException", "An alias with the name "
                    + KmsArns.aliasArn(region, accountId, a.alias()) + " already exists");
        }
        record(accountId, "kms:CreateAlias", k.keyId());
    }

    /** EnableKey (a key pending deletion must have its deletion cancelled first). */
    public synchronized KmsKey enable(String accountId, String spec) {
        return update(accountId, spec, "enabled", "kms:EnableKey", k -> {
            if (k.state() == KeyState.PENDING_DELETION) {
                throw pendingDeletion(k);
            }
            return k.withState(KeyState.ENABLED, null);
        });
    }

    /** DisableKey: objects under the key become unreadable (KMS.DisabledException) until it is enabled again. */
    public synchronized KmsKey disable(String accountId, String spec) {
        return update(accountId, spec, "disabled", "kms:DisableKey", k -> {
            if (k.state() == KeyState.PENDING_DELETION) {
                throw pendingDeletion(k);
            }
            return k.withState(KeyState.DISABLED, null);
        });
    }

    /**
     * ScheduleKeyDeletion: after {@code days} (7..30) the material is destroyed. Until then the key is unusable and
     * the deletion can be cancelled.
     */
    public synchronized KmsKey scheduleDeletion(String accountId, String spec, int days) {
        if (days < MIN_WINDOW_DAYS || days > MAX_WINDOW_DAYS) {
            throw new KmsException("ValidationException", "1 validation error detected: Value '" + days
                    + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between "
                    + MIN_WINDOW_DAYS + " and " + MAX_WINDOW_DAYS);
        }
        return update(accountId, spec, "deleted", "kms:ScheduleKeyDeletion", k -> {
            if (k.state() == KeyState.PENDING_DELETION) {
                throw pendingDeletion(k);
            }
            return k.withState(KeyState.PENDING_DELETION, clock.instant().plus(Duration.ofDays(days)));
        });
    }

    /** CancelKeyDeletion: the key is kept, Disabled (as AWS). */
    public synchronized KmsKey cancelDeletion(String accountId, String spec) {
        return update(accountId, spec, "deleted", "kms:CancelKeyDeletion", k -> {
            if (k.state() != KeyState.PENDING_DELETION) {
                throw new KmsException("KMSInvalidStateException", k.arn() + " is not pending deletion.");
            }
            return k.withState(KeyState.DISABLED, null);
        });
    }

    /**
     * Reads the customer key {@code spec} names, lets {@code decide} check its state and return the changed key, and
     * writes it only if the record is still the one read (another gateway may have changed it: then read and decide
     * again).
     */
    private KmsKey update(String accountId, String spec, String verb, String action,
                         java.util.function.UnaryOperator<KmsKey> decide) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            KmsKey k = customerKey(accountId, spec, verb);
            Optional<KvTable.Versioned<byte[]>> seen = keys.read(k.keyId());
            if (seen.isEmpty()) {
                throw notFound(spec, accountId);
            }
            k = KmsSchema.decode(k.keyId(), seen.get().value());
            KmsKey n = decide.apply(k);
            KvTxn txn = new KvTxn();
            keys.expect(txn, k.keyId(), seen);
            keys.put(txn, n.keyId(), KmsSchema.encode(n));
            if (kv.commit(txn)) {
                record(k.accountId(), action, k.keyId());
                return n;
            }
        }
        throw new KmsException("KMSInternalException", "the key kept changing; try again");
    }

    private KmsKey customerKey(String accountId, String spec, String verb) {
        KmsKey k = resolve(accountId, spec, false);
        if (!k.accountId().equals(accountId)) {
            throw notFound(spec, accountId);
        }
        if (k.awsManaged()) {
            throw new KmsException("UnsupportedOperationException", k.arn() + " is an AWS managed key; it cannot "
                    + "be " + verb + ".");
        }
        return k;
    }


    // ---- use (S3) ---------------------------------------------------------------------------------------

    /**
     * The key {@code spec} names, looked up in {@code accountId} for the forms that name no account (key id, alias
     * name); {@code alias/aws/s3} is created on first use when {@code createManaged}. Any state.
     *
     * @throws KmsException NotFoundException for an unknown, deleted or malformed key
     */
    public KmsKey resolve(String accountId, String spec, boolean createManaged) {
        KmsArns n = KmsArns.parse(spec);
        if (n == null) {
            throw new KmsException("NotFoundException", "Invalid keyId " + spec);
        }
        if (n.region() != null && n.alias() != null && !n.region().equals(region)) {
            throw notFound(spec, accountId);
        }
        String keyId = n.keyId();
        if (keyId == null) {
            String account = n.account() != null ? n.account() : accountId;
            Optional<String> target = aliases.get(KmsSchema.aliasRow(account, n.alias()));
            if (target.isEmpty() && createManaged && n.alias().equals(KmsArns.AWS_S3)
                    && account.equals(accountId)) {
                return awsManagedKey(accountId);
            }
            keyId = target.orElseThrow(() -> new KmsException("NotFoundException", "Alias "
                    + KmsArns.aliasArn(region, account, n.alias()) + " is not found."));
        }
        KmsKey k = byId(keyId).orElseThrow(() -> notFound(spec, accountId));
        if (n.account() != null ? !n.account().equals(k.accountId())
                || n.region() != null && n.alias() == null && !n.region().equals(k.region())
                : n.alias() == null && !k.accountId().equals(accountId)) {
            throw notFound(spec, accountId);
        }
        return k;
    }

    /**
     * The account's AWS managed key for S3 ({@code alias/aws/s3}), created on first use. Two gateways creating it at
     * once: the alias is written only if absent, so one key wins and the other gateway's key is removed unused.
     */
    public synchronized KmsKey awsManagedKey(String accountId) {
        String row = KmsSchema.aliasRow(accountId, KmsArns.AWS_S3);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            // One read for both the decision and the transaction's compare: a compare against a second read
            // would accept another gateway's alias written in between and overwrite it (two aws/s3 keys).
            Optional<KvTable.Versioned<String>> seen = aliases.read(row);
            Optional<KmsKey> existing = seen.map(KvTable.Versioned::value).flatMap(this::byId);
            if (existing.isPresent()) {
                return existing.get();
            }
            KmsKey k = newKey(accountId, "Default key that protects my S3 objects when no other key is defined",
                    true);
            KvTxn txn = new KvTxn();
            aliases.expect(txn, row, seen);
            aliases.put(txn, row, k.keyId());
            if (kv.commit(txn)) {
                record(accountId, "kms:CreateKey", k.keyId() + " (aws/s3)");
                return k;
            }
            keys.delete(k.keyId()); // lost the race: never used, never aliased
        }
        throw new KmsException("KMSInternalException", "alias/aws/s3 kept changing; try again");
    }

    /** The key with this id, unless it is gone (a due deletion is carried out now). */
    public Optional<KmsKey> byId(String keyId) {
        Optional<KmsKey> k = keys.get(keyId).map(b -> KmsSchema.decode(keyId, b));
        if (k.isPresent() && isDue(k.get())) {
            synchronized (this) {
                destroy(k.get());
            }
            return Optional.empty();
        }
        return k;
    }

    /**
     * The key a stored key ARN names, or empty when it no longer exists (deleted: its objects are unreadable).
     */
    public Optional<KmsKey> byArn(String arn) {
        KmsArns n = KmsArns.parse(arn);
        if (n == null || n.keyId() == null) {
            return Optional.empty();
        }
        return byId(n.keyId()).filter(k -> k.arn().equals(arn));
    }

    /** The key's 32 bytes of material (the caller zeroes them after use). */
    public byte[] material(KmsKey k) {
        SecretBox prev = previousBox;
        try {
            return box.open(k.sealedMaterial(), aad(k.keyId()));
        } catch (dev.dualkey.mfa.secret.SecretBoxException e) {
            if (prev == null) {
                throw e;
            }
            return prev.open(k.sealedMaterial(), aad(k.keyId())); // sealed before a master key rotation finished
        }
    }

    /** Throws unless {@code k} may encrypt or decrypt now: Enabled. */
    public static void requireUsable(KmsKey k) {
        switch (k.state()) {
            case ENABLED -> {
            }
            case DISABLED -> throw new KmsException("DisabledException", k.arn() + " is disabled.");
            case PENDING_DELETION -> throw pendingDeletion(k);
            default -> throw new IllegalStateException();
        }
    }

    // ---- master key rotation ---------------------------------------------------------------------------

    /**
     * Re-seals every key's material under {@code next} (master key rotation); material sealed under the current
     * box stays readable while this runs. Idempotent: a key already sealed under {@code next} is left as it is.
     *
     * @return how many keys were re-sealed
     */
    public synchronized int reseal(SecretBox next) {
        if (box != next) {
            this.previousBox = box;
            this.box = next;
        }
        int n = 0;
        List<KmsKey> all = new ArrayList<>();
        try (KvIterator<String, byte[]> it = keys.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                KvEntry<String, byte[]> e = it.next();
                all.add(KmsSchema.decode(e.key(), e.value()));
            }
        }
        for (KmsKey k : all) {
            try {
                byte[] m = next.open(k.sealedMaterial(), aad(k.keyId()));
                Arrays.fill(m, (byte) 0);
                continue; // already under the new key
            } catch (dev.dualkey.mfa.secret.SecretBoxException notYet) {
                // sealed under the old key: re-seal below
            }
            byte[] m = previousBox.open(k.sealedMaterial(), aad(k.keyId()));
            keys.put(k.keyId(), KmsSchema.encode(k.withSealedMaterial(next.seal(m, aad(k.keyId())))));
            Arrays.fill(m, (byte) 0);
            n++;
        }
        return n;
    }

    /**
     * Re-seals, under the box's current master key, the material of every key sealed under a previous one (the box
     * holds both during {@code admin rotate-master-key}). Each key is one conditional change: a key changed or
     * destroyed meanwhile is read again. Idempotent.
     *
     * @return how many keys were re-sealed
     */
    public synchronized int resealUnderCurrentKey() {
        SecretBox b = box;
        int n = 0;
        List<KmsKey> all = new ArrayList<>();
        try (KvIterator<String, byte[]> it = keys.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                KvEntry<String, byte[]> e = it.next();
                all.add(KmsSchema.decode(e.key(), e.value()));
            }
        }
        for (KmsKey listed : all) {
            for (int attempt = 0; ; attempt++) {
                Optional<KvTable.Versioned<byte[]>> seen = keys.read(listed.keyId());
                if (seen.isEmpty()) {
                    break; // destroyed meanwhile
                }
                KmsKey k = KmsSchema.decode(listed.keyId(), seen.get().value());
                if (b.sealedUnderCurrent(k.sealedMaterial())) {
                    break;
                }
                KvTxn txn = new KvTxn();
                keys.expect(txn, k.keyId(), seen); // never undoes another gateway's state change
                keys.put(txn, k.keyId(), KmsSchema.encode(k.withSealedMaterial(b.reseal(k.sealedMaterial(),
                        aad(k.keyId())))));
                if (kv.commit(txn)) {
                    n++;
                    break;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("KMS key " + k.keyId() + " kept changing during the rotation");
                }
            }
        }
        return n;
    }

    /** How many keys' material is not sealed under the current master key (0: a rotation is done here). */
    public int sealedUnderPreviousKey() {
        int n = 0;
        try (KvIterator<String, byte[]> it = keys.scanPrefix(new byte[0])) {
            while (it.hasNext()) {
                KvEntry<String, byte[]> e = it.next();
                if (!box.sealedUnderCurrent(KmsSchema.decode(e.key(), e.value()).sealedMaterial())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** After a rotation finished: only the new master key opens material. */
    public void forgetPreviousMasterKey() {
        previousBox = null;
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private boolean isDue(KmsKey k) {
        return k.state() == KeyState.PENDING_DELETION && k.deletionDate() != null
                && !clock.instant().isBefore(k.deletionDate());
    }

    /** Removes a due key and its aliases: its material is gone. */
    private void destroy(KmsKey k) {
        List<String> rows = new ArrayList<>();
        String prefix = k.accountId() + "\0";
        try (KvIterator<String, String> it = aliases.scanPrefix(prefix.getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                KvEntry<String, String> e = it.next();
                if (e.value().equals(k.keyId())) {
                    rows.add(e.key());
                }
            }
        }
        KvTxn txn = new KvTxn();
        keys.expect(txn, k.keyId(), keys.read(k.keyId()).filter(v -> isDue(KmsSchema.decode(k.keyId(), v.value()))));
        keys.delete(txn, k.keyId());
        rows.forEach(r -> aliases.delete(txn, r));
        if (!kv.commit(txn)) {
            return; // destroyed by another gateway meanwhile, or no longer due (never happens: a due key stays due)
        }
        record(k.accountId(), "kms:DeleteKey", k.keyId());
    }

    private KmsException notFound(String spec, String accountId) {
        KmsArns n = KmsArns.parse(spec);
        String arn = n != null && n.keyId() != null && n.account() == null
                ? KmsArns.keyArn(region, accountId, n.keyId()) : spec;
        return new KmsException("NotFoundException", "Key '" + arn + "' does not exist");
    }

    private static KmsException pendingDeletion(KmsKey k) {
        return new KmsException("KMSInvalidStateException", k.arn() + " is pending deletion.");
    }

    private static String aad(String keyId) {
        return "kms:" + keyId;
    }

    private void record(String accountId, String action, String keyId) {
        if (audit != null) {
            audit.append(AuditRecord.of(clock.instant(), accountId, "operator", action, "OK")
                    .withReason("key " + keyId));
        }
    }

    /** The registry's meta table (reserved for a master key rotation's cursor). */
    KvTable<String, byte[]> meta() {
        return meta;
    }

    /** Every alias row of an account, name -> key id (tests and listings). */
    public java.util.SortedMap<String, String> aliasTable(String accountId) {
        java.util.SortedMap<String, String> out = new TreeMap<>();
        String prefix = accountId + "\0";
        try (KvIterator<String, String> it = aliases.scanPrefix(prefix.getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
                KvEntry<String, String> e = it.next();
                out.put("alias/" + e.key().substring(prefix.length()), e.value());
            }
        }
        return out;
    }
}
