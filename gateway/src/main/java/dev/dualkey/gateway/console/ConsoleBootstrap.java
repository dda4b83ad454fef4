package dev.dualkey.gateway.console;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;

import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.signin.SignInService;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.rocks.RocksDatabase;

/**
 * What {@code dualkey serve} needs for the console: a launcher for {@code GatewayServer.Builder.console(...)}
 * over the server's own {@link IdentityStore} (same identity, device and verifier instances as the S3 and IAM
 * APIs) plus a {@link SignInService} on the same database.
 */
public final class ConsoleBootstrap {
    private ConsoleBootstrap() {
    }

    /** The console launcher for {@code address}; MFA codes may use plain HTTP only on a loopback address. */
    public static ConsoleLauncher launcher(InetSocketAddress address, IdentityStore identity, RocksDatabase db,
                                           Clock clock, String region) {
        return launcher(address, identity, db, clock, region, dev.dualkey.gateway.audit.TrustedProxies.NONE,
                java.util.function.UnaryOperator.identity());
    }

    /**
     * As above, believing {@code X-Forwarded-For} from {@code trustedProxies} (issue 18), with {@code around}
     * wrapping the console's pages (metrics: {@code /metrics} in front of them, {@code MetricsHttp.onConsole}).
     */
    public static ConsoleLauncher launcher(InetSocketAddress address, IdentityStore identity, RocksDatabase db,
                                           Clock clock, String region,
                                           dev.dualkey.gateway.audit.TrustedProxies trustedProxies,
                                           java.util.function.UnaryOperator<dev.dualkey.gateway.console.web.ConsoleApp>
                                                   around) {
        boolean loopback = address.getAddress() != null && address.getAddress().isLoopbackAddress();
        SignInService signIn = new SignInService(identity.mfaStore(), identity.identity(), identity.devices(),
                identity.verifier(), identity.audit(), MfaConfig.defaults(clock), new SecureRandom());
        return ConsoleServer.launcher(address, trustedProxies, (store, secure) -> around.apply(MfaConsole.app(store,
                identity.identity(), identity.devices(), identity.verifier(), identity.audit(), signIn, clock, secure,
                loopback, region, new dev.dualkey.gateway.usagehistory.UsageHistory(identity.stateStore()),
                identity.accountSettings()))); // issue 18: Settings page
    }
}
