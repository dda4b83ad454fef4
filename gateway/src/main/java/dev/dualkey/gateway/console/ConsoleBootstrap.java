package dev.dualkey.gateway.console;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.identity.BootstrapResult;
import dev.dualkey.storage.rocks.StorageEngine;

/**
 * What {@code dualkey serve} needs for the console: the mfa layer over the server's database, the first-start
 * root account (root password from {@code DUALKEY_ROOT_PASSWORD}, or generated and printed once on the
 * terminal, never logged), and the launcher for {@code GatewayServer.Builder.console(...)}.
 */
public final class ConsoleBootstrap {
    private ConsoleBootstrap() {
    }

    /**
     * Opens mfa over {@code engine} (which must have been opened with {@code MfaSchema.FAMILIES}) and makes sure
     * the first account exists; prints how to sign in when it was just created.
     */
    public static MfaServices open(StorageEngine engine, Path dataDir, Map<String, String> env, Clock clock,
                                   PrintStream out) {
        MfaServices mfa = MfaServices.open(engine.database(), dataDir, clock);
        BootstrapResult r = mfa.identity().bootstrap(env.get("DUALKEY_ROOT_ACCESS_KEY"),
                env.get("DUALKEY_ROOT_SECRET_KEY"), env.get("DUALKEY_ROOT_PASSWORD"));
        if (r.created()) {
            out.println("Dualkey account created: " + r.account().accountId());
            r.generatedRootPassword().ifPresent(p -> out.println(
                    "Root user password (shown only now; set DUALKEY_ROOT_PASSWORD to choose it): " + p));
            r.generatedAccessKey().ifPresent(k -> out.println("Root access key (shown only now): "
                    + k.accessKeyId() + " / " + k.secretAccessKey()));
        }
        return mfa;
    }

    /** The console launcher for {@code address}; MFA codes may use plain HTTP only on a loopback address. */
    public static ConsoleLauncher launcher(InetSocketAddress address, MfaServices mfa, Clock clock, String region) {
        boolean loopback = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        return ConsoleServer.launcher(address, (store, secure) -> MfaConsole.app(store, mfa, clock, secure, loopback,
                region));
    }
}
