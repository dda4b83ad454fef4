package dev.dualkey.gateway.cli.admin;

import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.signin.SignInService;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;

/**
 * A data directory opened by an operator command while no server runs on it. RocksDB's directory lock makes
 * a running server and an admin command mutually exclusive; the command then refuses clearly instead of
 * waiting or touching a live database.
 */
final class OfflineDataDir implements AutoCloseable {
    private final StorageEngine engine;
    private final IdentityStore store;

    private OfflineDataDir(StorageEngine engine, IdentityStore store) {
        this.engine = engine;
        this.store = store;
    }

    /**
     * @throws AdminException (exit 2) when the directory is missing or held by a running server
     */
    static OfflineDataDir open(Path dataDir, Map<String, String> env) {
        if (!Files.isDirectory(dataDir)) {
            throw new AdminException(2, "no data directory at " + dataDir);
        }
        StorageEngine engine;
        try {
            engine = StorageEngine.open(dataDir, IdentityStore.FAMILIES);
        } catch (RuntimeException e) {
            if (mentionsLock(e)) {
                throw new AdminException(2, "the data directory " + dataDir
                        + " is in use (a running server holds its lock); stop the server first");
            }
            throw new AdminException(2, "cannot open the data directory " + dataDir + ": " + e.getMessage());
        }
        try {
            return new OfflineDataDir(engine, IdentityStore.open(engine.database(), dataDir, env, Clock.systemUTC(),
                    PasswordHasher.Params.standard()));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    private static boolean mentionsLock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains("lock")) {
                return true;
            }
        }
        return false;
    }

    IdentityStore identity() {
        return store;
    }

    /** The opened storage engine (master key rotation re-wraps its data keys). */
    dev.dualkey.storage.rocks.StorageEngine engine() {
        return engine;
    }

    /** Console sign-in over the same database, for commands that end console sessions. */
    SignInService signIn() {
        return new SignInService(new MfaStore(engine.database()), store.identity(), store.devices(),
                store.verifier(), store.audit(), MfaConfig.defaults(Clock.systemUTC()), new SecureRandom());
    }

    @Override
    public void close() {
        engine.close();
    }
}
