package dev.dualkey.gateway.protect;

import dev.dualkey.gateway.auth.Principal;
import dev.dualkey.gateway.identity.MutableClock;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.RocksObjectStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real object store and the real mfa layer in one database (as the gateway runs them): an account whose root
 * user has an enabled virtual MFA device, codes computed from its seed at a fixed, movable clock, and the
 * {@link ProtectedOperations} over both. For the service's tests and the console's.
 */
public final class ProtectedFixture implements AutoCloseable {
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T00:00:00Z"));
    public final StorageEngine engine;
    public final ObjectStore store;
    public final MfaServices mfa;
    public final ProtectedOperations protect;
    public final String owner;
    public final String serial;
    private final byte[] seed;
    private long lastStep;

    public ProtectedFixture(Path dir) {
        this(dir, List.of(), StorageEngine::objectStore);
    }

    /**
     * The same over another object store (e.g. the upstream store with its index in this database, as
     * {@code serve --upstream} wires it), the database opened with {@code extraFamilies} too.
     */
    public ProtectedFixture(Path dir, List<dev.dualkey.storage.rocks.ColumnFamilySpec> extraFamilies,
                            java.util.function.Function<StorageEngine, ObjectStore> stores) {
        List<dev.dualkey.storage.rocks.ColumnFamilySpec> families = new java.util.ArrayList<>(MfaSchema.FAMILIES);
        families.addAll(extraFamilies);
        engine = StorageEngine.open(dir, families, clock, RocksDatabase.Settings.defaults(),
                RocksObjectStore.Settings.defaults());
        store = stores.apply(engine);
        mfa = MfaServices.open(engine.database(), dir, MfaConfig.defaults(clock).withEnvironment(Map.of())
                .withPasswordParams(PasswordHasher.Params.forTests()));
        owner = mfa.identity().bootstrap(null, null, null).account().accountId();
        CreatedVirtualDevice d = mfa.devices().createVirtualDevice(Actor.operator(), owner, null, "root-mfa", null,
                null);
        serial = d.device().serialNumber();
        seed = Base32.decode(d.base32StringSeed());
        mfa.devices().enable(Actor.operator(), owner, "root", serial, codeAt(-1), codeAt(0));
        clock.advance(Duration.ofSeconds(30));
        lastStep = TotpGenerator.stepOf(clock.instant()) - 1;
        protect = new ProtectedOperations(store, mfa.verifier(), mfa.audit(), clock);
    }

    /** The code of the step {@code stepsFromNow} away from the clock's. */
    public String codeAt(int stepsFromNow) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(clock.instant()) + stepsFromNow);
    }

    /** A code never offered before: moves the clock one step on when the current step was already used. */
    public String freshCode() {
        long now = TotpGenerator.stepOf(clock.instant());
        if (now <= lastStep) {
            clock.advance(Duration.ofSeconds(30));
            now = TotpGenerator.stepOf(clock.instant());
        }
        lastStep = now;
        return TotpGenerator.code(seed, now);
    }

    /** {@code "SERIAL CODE"} with a fresh code. */
    public String header() {
        return serial + " " + freshCode();
    }

    public ProtectedRequest root(String header) {
        return new ProtectedRequest(Principal.root(owner), "AKIAROOT", header, true, "127.0.0.1");
    }

    public ProtectedRequest user(String name, String header) {
        return new ProtectedRequest(Principal.user(owner, name), "AKIAUSER", header, true, "127.0.0.1");
    }

    /** Audit records about {@code bucket}, oldest first. */
    public List<AuditRecord> audit(String bucket) {
        return mfa.audit().read(Instant.EPOCH, 10_000).stream().filter(r -> bucket.equals(r.bucket())).toList();
    }

    @Override
    public void close() {
        engine.close();
    }
}
