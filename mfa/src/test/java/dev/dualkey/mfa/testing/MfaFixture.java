package dev.dualkey.mfa.testing;

import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Opens the mfa layer over a fresh RocksDB in a temp directory, with a hand-moved clock and cheap Argon2. */
public final class MfaFixture implements AutoCloseable {
    /** A time well inside a 30 s step (step boundary + 10 s), so +/-1 step arithmetic is easy to read. */
    public static final Instant START = Instant.ofEpochSecond(1_800_000_010L);
    public static final Actor ACTOR = new Actor("arn:aws:iam::000000000000:root", "AKIATEST", "127.0.0.1");
    public final Path dataDir;
    public final MutableClock clock = new MutableClock(START);
    public final RocksDatabase db;
    public final MfaServices mfa;

    public MfaFixture(Path dataDir) {
        this(dataDir, Map.of());
    }

    public MfaFixture(Path dataDir, Map<String, String> env) {
        this(dataDir, env, null);
    }

    /** The layer over {@code wrap} applied to the database's store (a test's fault injection around it). */
    public MfaFixture(Path dataDir, UnaryOperator<KvStore> wrap) {
        this(dataDir, Map.of(), wrap);
    }

    private MfaFixture(Path dataDir, Map<String, String> env, UnaryOperator<KvStore> wrap) {
        this.dataDir = dataDir;
        this.db = RocksDatabase.open(dataDir.resolve("db"), MfaSchema.FAMILIES,
                new RocksDatabase.Settings(0, Duration.ofSeconds(5), 8L << 20, 0));
        this.mfa = wrap == null ? MfaServices.open(db, dataDir, config(env))
                : MfaServices.open(wrap.apply(RocksKvStore.over(db)), dataDir, config(env));
    }

    /** The settings every fixture's layer opens with; another "gateway" over the same state opens with them too. */
    public MfaConfig config(Map<String, String> env) {
        return MfaConfig.defaults(clock).withEnvironment(env).withPasswordParams(PasswordHasher.Params.forTests());
    }

    /** The code of {@code seed} at the clock's current step plus {@code offset} steps. */
    public String code(byte[] seed, int offset) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(clock.instant()) + offset);
    }

    /**
     * A well-formed code that is the code of none of the steps within 25 of now (so it is wrong for every
     * window, the pair search included, and never a replay): a guess that misses.
     */
    public String wrongCode(byte[] seed) {
        long now = TotpGenerator.stepOf(clock.instant());
        java.util.Set<String> near = new java.util.HashSet<>();
        for (long s = now - 25; s <= now + 25; s++) {
            near.add(TotpGenerator.code(seed, s));
        }
        for (int i = 0; ; i++) {
            String c = String.format("%06d", (i * 7919) % 1_000_000);
            if (!near.contains(c)) {
                return c;
            }
        }
    }

    public static byte[] seedOf(CreatedVirtualDevice d) {
        return Base32.decode(d.base32StringSeed());
    }

    /** Advances the clock by whole steps. */
    public void steps(int n) {
        clock.advance(Duration.ofSeconds(30L * n));
    }

    @Override
    public void close() {
        db.close();
    }
}
