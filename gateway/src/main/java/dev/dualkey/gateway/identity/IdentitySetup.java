package dev.dualkey.gateway.identity;

import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.iam.IamQueryHandler;
import dev.dualkey.gateway.iam.action.IamActions;
import dev.dualkey.gateway.iam.http.IamEndpoint;
import dev.dualkey.gateway.sts.StsQueryHandler;
import dev.dualkey.gateway.sts.http.StsEndpoint;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.identity.AccountCreated;
import dev.dualkey.mfa.identity.BootstrapResult;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Real identity for {@code GatewayServer}: the mfa store in the data directory, bootstrapped with the first
 * account on first start, serving SigV4 credentials, policy authorization and the IAM Query API.
 *
 * <pre>
 * GatewayServer.builder().dataDir(dir)
 *     .identity(IdentitySetup.fromEnvironment(System.getenv()).onBootstrap(printOnce))
 *     .start();
 * // tests: IdentitySetup.withRootKeys(id, secret).totpClock(testClock).passwordHashing(Params.forTests())
 * </pre>
 *
 * TOTP checks, STS sessions (issue, expiry, the MFA proof's stamp) and the IAM policy times measured against a
 * session ({@code aws:MultiFactorAuthAge}, the 15-minute rule for root's devices) use {@link #totpClock}: a proof's
 * age is measured on the clock that stamped it. SigV4 keeps the server's own clock.
 */
public final class IdentitySetup {
    /** Root access key id of the first account, given instead of generated. */
    public static final String ROOT_ACCESS_KEY_ENV = "DUALKEY_ROOT_ACCESS_KEY";
    /** Its secret; required with {@link #ROOT_ACCESS_KEY_ENV}. */
    public static final String ROOT_SECRET_KEY_ENV = "DUALKEY_ROOT_SECRET_KEY";
    /** Root console password of the first account, given instead of generated. */
    public static final String ROOT_PASSWORD_ENV = "DUALKEY_ROOT_PASSWORD";

    private final String rootAccessKeyId;
    private final String rootSecretKey;
    private String rootPassword;
    private Map<String, String> env = Map.of();
    private Clock totpClock = Clock.systemUTC();
    private PasswordHasher.Params hashing = PasswordHasher.Params.standard();
    private Consumer<BootstrapResult> onBootstrap = r -> { };
    private final Map<String, Consumer<AccountCreated>> extraAccounts = new LinkedHashMap<>();
    private boolean encryptObjectData = true;

    private IdentitySetup(String rootAccessKeyId, String rootSecretKey) {
        if ((rootAccessKeyId == null) != (rootSecretKey == null)) {
            throw new IllegalArgumentException(ROOT_ACCESS_KEY_ENV + " and " + ROOT_SECRET_KEY_ENV
                    + " must be given together");
        }
        this.rootAccessKeyId = rootAccessKeyId;
        this.rootSecretKey = rootSecretKey;
    }

    /**
     * Whether new object data is encrypted at rest (default true). False exists for one purpose: measuring the
     * cost of encryption ({@code serve --encryption off}, the benchmark's {@code dualkey-noenc} server). Data
     * encrypted earlier then cannot be read.
     */
    public IdentitySetup encryptObjectData(boolean on) {
        this.encryptObjectData = on;
        return this;
    }

    /** Root keys and password from {@code DUALKEY_ROOT_*} when set, generated otherwise; master key from env. */
    public static IdentitySetup fromEnvironment(Map<String, String> env) {
        IdentitySetup s = new IdentitySetup(blankToNull(env.get(ROOT_ACCESS_KEY_ENV)),
                blankToNull(env.get(ROOT_SECRET_KEY_ENV)));
        s.rootPassword = blankToNull(env.get(ROOT_PASSWORD_ENV));
        s.env = Map.copyOf(env);
        return s;
    }

    /** The first account's root keys are these (used on first start only). */
    public static IdentitySetup withRootKeys(String accessKeyId, String secretKey) {
        return new IdentitySetup(Objects.requireNonNull(accessKeyId), Objects.requireNonNull(secretKey));
    }

    public IdentitySetup rootPassword(String password) {
        this.rootPassword = password;
        return this;
    }

    /** The clock TOTP codes are checked against (tests move it instead of sleeping). */
    public IdentitySetup totpClock(Clock clock) {
        this.totpClock = Objects.requireNonNull(clock);
        return this;
    }

    /** Argon2id cost; {@code Params.forTests()} keeps test suites fast. */
    public IdentitySetup passwordHashing(PasswordHasher.Params params) {
        this.hashing = Objects.requireNonNull(params);
        return this;
    }

    /** Called once after bootstrap; on first start it carries the generated root secrets to print once. */
    public IdentitySetup onBootstrap(Consumer<BootstrapResult> callback) {
        this.onBootstrap = Objects.requireNonNull(callback);
        return this;
    }

    /**
     * Makes sure an account with this alias exists after bootstrap, creating it (with generated root secrets,
     * handed to {@code onCreate} once) when it does not. Test harnesses use it for a second account.
     */
    public IdentitySetup ensureAccount(String alias, Consumer<AccountCreated> onCreate) {
        extraAccounts.put(Objects.requireNonNull(alias), Objects.requireNonNull(onCreate));
        return this;
    }

    /** The column families the storage engine must open. */
    public List<ColumnFamilySpec> families() {
        return IdentityStore.FAMILIES;
    }

    /**
     * Opens the identity store over {@code db}, bootstraps the first account, and builds what the server
     * plugs in.
     *
     * @param sigV4Clock the clock request signatures are checked against
     */
    public Wired wire(RocksDatabase db, Path dataDir, ObjectStore objects, Clock sigV4Clock) {
        return wire(dev.dualkey.storage.kv.RocksKvStore.over(db), dataDir, objects, sigV4Clock);
    }

    /**
     * {@link #wire(RocksDatabase, Path, ObjectStore, Clock)} with the identity state in {@code state} (etcd for
     * {@code serve --state}); the first gateway to start bootstraps, the others find its account.
     */
    public Wired wire(dev.dualkey.storage.kv.KvStore state, Path dataDir, ObjectStore objects, Clock sigV4Clock) {
        IdentityStore store = IdentityStore.open(state, dataDir, env, totpClock, hashing);
        if (encryptObjectData) {
            objects.encryptAtRest(store.dataKeys()); // object data encrypted at rest with the master key (SSE-S3)
        }
        onBootstrap.accept(store.identity().bootstrap(rootAccessKeyId, rootSecretKey, rootPassword));
        extraAccounts.forEach((alias, onCreate) -> {
            if (store.identity().accountByIdOrAlias(alias).isEmpty()) {
                onCreate.accept(store.identity().createAccount(Actor.operator(), alias));
            }
        });
        CredentialProvider credentials = new MfaCredentialProvider(store.identity(), store.sessions());
        MfaAuthorizer authorizer = new MfaAuthorizer(store.identity(), objects, totpClock);
        IamQueryHandler iam = new IamQueryHandler(
                IamActions.over(new MfaIamDirectory(store.identity(), store.devices())), authorizer,
                new MfaErrorTranslator(), totpClock);
        IamEndpoint endpoint = new IamEndpoint(new SigV4Verifier(credentials, sigV4Clock, "iam"), iam);
        StsEndpoint sts = new StsEndpoint(new SigV4Verifier(credentials, sigV4Clock, "sts"),
                new StsQueryHandler(store.sessions(), store.identity()));
        return new Wired(store, credentials, authorizer, iam, endpoint, sts);
    }

    /**
     * What {@link #wire} built.
     *
     * @param stsEndpoint the STS Query API (GetSessionToken, GetCallerIdentity); plug it in beside the IAM one
     */
    public record Wired(IdentityStore store, CredentialProvider credentials, MfaAuthorizer authorizer,
                        IamQueryHandler iam, IamEndpoint iamEndpoint, StsEndpoint stsEndpoint) {
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
