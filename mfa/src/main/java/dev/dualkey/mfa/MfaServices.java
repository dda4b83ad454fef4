package dev.dualkey.mfa;

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
import dev.dualkey.mfa.signin.SignInService;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.lock.KeyLocks;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * Entry point of the mfa layer: wires every service over one {@link RocksDatabase} that was opened with
 * {@link dev.dualkey.mfa.store.MfaSchema#FAMILIES} among its families. Thread-safe; create once per process.
 * Closing the database is the caller's job.
 *
 * <pre>{@code
 * List<ColumnFamilySpec> families = new ArrayList<>(storageFamilies);
 * families.addAll(MfaSchema.FAMILIES);
 * RocksDatabase db = RocksDatabase.open(dataDir.resolve("db"), families);
 * MfaServices mfa = MfaServices.open(db, dataDir, Clock.systemUTC());
 * mfa.identity().bootstrap(env("DUALKEY_ROOT_ACCESS_KEY"), env("DUALKEY_ROOT_SECRET_KEY"), env("DUALKEY_ROOT_PASSWORD"));
 * }</pre>
 */
public final class MfaServices {
    private final MfaStore store;
    private final AuditLog audit;
    private final IdentityService identity;
    private final MfaDeviceService devices;
    private final MfaVerifier verifier;
    private final SignInService signIn;
    private final OperatorService operator;
    private final SessionCredentialService sessions;

    private MfaServices(RocksDatabase db, Path keyDir, MfaConfig config) {
        this(new MfaStore(db), keyDir, config);
    }

    private MfaServices(MfaStore mfaStore, Path keyDir, MfaConfig config) {
        SecureRandom random = new SecureRandom();
        byte[] master = MasterKey.load(keyDir, config.environment());
        SecretBox box = new SecretBox(master);
        Arrays.fill(master, (byte) 0);
        Clock clock = config.clock();
        store = mfaStore;
        audit = new AuditLog(store);
        KeyLocks accountLocks = new KeyLocks(256);
        KeyLocks deviceLocks = new KeyLocks(1024);
        PasswordHasher hasher = new PasswordHasher(config.passwordParams());
        identity = new IdentityService(store, box, hasher, audit, clock, new CredentialFactory(random),
                accountLocks);
        devices = new MfaDeviceService(store, identity, box, new SeedGenerator(random), audit, clock, deviceLocks);
        verifier = new MfaVerifier(store, box, audit, clock, deviceLocks);
        signIn = new SignInService(store, identity, devices, verifier, audit, config, random);
        operator = new OperatorService(identity, devices, signIn, audit, clock);
        sessions = new SessionCredentialService(store, box, verifier, audit, clock, random);
    }

    /**
     * Opens the layer with production defaults; the master key comes from {@code DUALKEY_MASTER_KEY} or the key
     * file {@code master.key} in {@code keyDir} (created with mode 0600).
     */
    public static MfaServices open(RocksDatabase db, Path keyDir, Clock clock) {
        return new MfaServices(db, keyDir, MfaConfig.defaults(clock));
    }

    /** Opens with explicit settings (tests: cheap Argon2 parameters, a fixed environment). */
    public static MfaServices open(RocksDatabase db, Path keyDir, MfaConfig config) {
        return new MfaServices(db, keyDir, config);
    }

    /**
     * Opens the layer over any state store: {@code KvStore} in etcd shared by several gateways (each gateway
     * opens its own; the master key must be the same everywhere, from {@code DUALKEY_MASTER_KEY} or a copied key
     * file in {@code keyDir}).
     */
    public static MfaServices open(KvStore kv, Path keyDir, MfaConfig config) {
        return new MfaServices(new MfaStore(kv), keyDir, config);
    }

    /** Accounts, users, access keys, passwords, inline policies, authorization. */
    public IdentityService identity() {
        return identity;
    }

    /** IAM MFA device operations. */
    public MfaDeviceService devices() {
        return devices;
    }

    /** One-time code checks (S3 {@code x-amz-mfa}, console). */
    public MfaVerifier verifier() {
        return verifier;
    }

    /** Console sign-in and sessions. */
    public SignInService signIn() {
        return signIn;
    }

    /** Temporary credentials (STS GetSessionToken) and their SigV4 lookup. */
    public SessionCredentialService sessions() {
        return sessions;
    }

    /** Audit log. */
    public AuditLog audit() {
        return audit;
    }

    /** Offline operator commands. */
    public OperatorService operator() {
        return operator;
    }

    /** Typed tables (for tests and diagnostics). */
    public MfaStore store() {
        return store;
    }
}
