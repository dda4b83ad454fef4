package dev.dualkey.gateway.identity;

import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.device.MfaDeviceService;
import dev.dualkey.mfa.device.MfaVerifier;
import dev.dualkey.mfa.identity.CredentialFactory;
import dev.dualkey.mfa.identity.IdentityService;
import dev.dualkey.mfa.secret.MasterKey;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.secret.SeedGenerator;
import dev.dualkey.mfa.session.SessionCredentialService;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.lock.KeyLocks;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The mfa module's services opened over the data directory's shared {@link RocksDatabase}: identities,
 * MFA devices, code verification and the audit log. The master key that encrypts secrets at rest comes
 * from {@code DUALKEY_MASTER_KEY} or the key file in the data directory (created on first use).
 *
 * <p>Lock order (from the mfa module): account lock, then device lock.
 */
public final class IdentityStore {
    /** The column families the storage engine must open for this store. */
    public static final List<ColumnFamilySpec> FAMILIES = java.util.stream.Stream.concat(
            java.util.stream.Stream.concat(MfaSchema.FAMILIES.stream(),
                    dev.dualkey.gateway.kms.KmsSchema.FAMILIES.stream()), // + SSE-KMS
            java.util.stream.Stream.of(dev.dualkey.gateway.usagehistory.UsageHistory.FAMILY, // + usage history
                    dev.dualkey.gateway.settings.AccountSettings.FAMILY)) // + account settings (issue 18)
            .toList();

    private static final int LOCK_STRIPES = 256;

    private final IdentityService identity;
    private final MfaDeviceService devices;
    private final MfaVerifier verifier;
    private final AuditLog audit;
    private final SessionCredentialService sessions;
    private final dev.dualkey.storage.crypto.KeyWrapper dataKeys;
    /**
     * SSE-KMS (kms branch): the database and sealing box of the key registry, built once on demand; the database is
     * null in cluster mode (state in etcd), where the registry is not available yet.
     */
    private RocksDatabase db;
    private SecretBox box;
    private dev.dualkey.gateway.kms.KmsRegistry kms;
    private MfaStore mfaStore;
    /** Issue 18: the accounts' settings (alert receiver), built once on demand; the clock of their records. */
    private dev.dualkey.gateway.settings.AccountSettings accountSettings;
    private Clock clock;

    private IdentityStore(IdentityService identity, MfaDeviceService devices, MfaVerifier verifier, AuditLog audit,
                          SessionCredentialService sessions, dev.dualkey.storage.crypto.KeyWrapper dataKeys) {
        this.dataKeys = dataKeys;
        this.identity = identity;
        this.devices = devices;
        this.verifier = verifier;
        this.audit = audit;
        this.sessions = sessions;
    }

    /**
     * @param db the database opened with {@link #FAMILIES}
     * @param keyDir where the master key file lives (the data directory)
     * @param env the environment ({@code DUALKEY_MASTER_KEY})
     * @param clock the clock of TOTP checks, audit records and creation dates
     * @param hashing Argon2id cost ({@link PasswordHasher.Params#standard()} in production)
     */
    public static IdentityStore open(RocksDatabase db, Path keyDir, Map<String, String> env, Clock clock,
                                     PasswordHasher.Params hashing) {
        return open(RocksKvStore.over(db), keyDir, env, clock, hashing);
    }

    /**
     * Over any state store: the data directory's RocksDB ({@link #open(RocksDatabase, Path, Map, Clock,
     * PasswordHasher.Params)}) or etcd shared by the gateways of a cluster ({@code serve --state}), where every
     * gateway must use the same master key ({@code DUALKEY_MASTER_KEY}, or the same key file).
     */
    public static IdentityStore open(KvStore kv, Path keyDir, Map<String, String> env, Clock clock,
                                     PasswordHasher.Params hashing) {
        MfaStore store = new MfaStore(kv);
        // the current master key, and the previous ones while a rotation is configured (admin rotate-master-key)
        MasterKey.Ring ring = MasterKey.loadRing(keyDir, env);
        byte[] master = ring.current();
        SecretBox box;
        dev.dualkey.storage.crypto.MasterKeyWrapper dataKeys;
        try {
            box = new SecretBox(master, ring.previous());
            // object data at rest (SSE-S3): data keys wrapped by a KEK derived (HKDF) from the same master key
            dataKeys = dev.dualkey.storage.crypto.MasterKeyWrapper.fromMasterKeys(master, ring.previous());
        } finally {
            Arrays.fill(master, (byte) 0);
            ring.previous().forEach(p -> Arrays.fill(p, (byte) 0));
        }
        SecureRandom random = new SecureRandom();
        AuditLog audit = new AuditLog(store);
        KeyLocks deviceLocks = new KeyLocks(LOCK_STRIPES);
        IdentityService identity = new IdentityService(store, box, new PasswordHasher(hashing), audit, clock,
                new CredentialFactory(random), new KeyLocks(LOCK_STRIPES));
        MfaDeviceService devices = new MfaDeviceService(store, identity, box, new SeedGenerator(random), audit, clock,
                deviceLocks);
        MfaVerifier verifier = new MfaVerifier(store, box, audit, clock, deviceLocks);
        SessionCredentialService sessions = new SessionCredentialService(store, box, verifier, audit, clock, random);
        IdentityStore opened = new IdentityStore(identity, devices, verifier, audit, sessions, dataKeys);
        opened.mfaStore = store;
        opened.db = kv instanceof RocksKvStore rocks ? rocks.database() : null;
        opened.box = box;
        opened.clock = clock;
        return opened;
    }

    /**
     * The SSE-KMS key registry over this store's state, its material sealed under the master key; one per store
     * (the server and its admin commands share it). The first call fixes region and clock. Embedded: the data
     * directory's database (the registry's column families); cluster mode (state in etcd): etcd, shared by every
     * gateway, so a key created, disabled or scheduled for deletion through one gateway is seen by all.
     */
    public synchronized dev.dualkey.gateway.kms.KmsRegistry kms(String region, Clock clock) {
        if (kms == null) {
            kms = new dev.dualkey.gateway.kms.KmsRegistry(mfaStore.kv(), box, region, clock, audit);
        }
        return kms;
    }

    /**
     * The accounts' settings (issue 18: the alert receiver root sets on the console's Settings page), in the state
     * store (RocksDB or etcd), secrets sealed under the master key; one per store, shared by the console and the
     * alert webhook's delivery thread.
     */
    public synchronized dev.dualkey.gateway.settings.AccountSettings accountSettings() {
        if (accountSettings == null) {
            accountSettings = new dev.dualkey.gateway.settings.AccountSettings(stateStore(), box, audit, clock);
        }
        return accountSettings;
    }

    /** The typed tables the services run over (console sign-in and admin commands open theirs on it). */
    public MfaStore mfaStore() {
        return mfaStore;
    }

    /** The state store: RocksDB (embedded) or etcd (cluster); its {@code available()} is readiness. */
    public KvStore stateStore() {
        return mfaStore.kv();
    }

    /** The master key wrapper of object data keys (current and previous keys), for a master key rotation. */
    public dev.dualkey.storage.crypto.MasterKeyWrapper masterKeys() {
        return (dev.dualkey.storage.crypto.MasterKeyWrapper) dataKeys;
    }

    /** Seals secrets under the master key (and opens those sealed under a previous one during a rotation). */
    public SecretBox secretBox() {
        return box;
    }

    /** Wraps object data keys with a key-encryption key derived from the master key (encryption at rest). */
    public dev.dualkey.storage.crypto.KeyWrapper dataKeys() {
        return dataKeys;
    }

    public IdentityService identity() {
        return identity;
    }

    public MfaDeviceService devices() {
        return devices;
    }

    /** One-time-code checks (S3 {@code x-amz-mfa}, console sign-in). */
    public MfaVerifier verifier() {
        return verifier;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Temporary credentials (STS GetSessionToken) and their SigV4 lookup. */
    public SessionCredentialService sessions() {
        return sessions;
    }
}
