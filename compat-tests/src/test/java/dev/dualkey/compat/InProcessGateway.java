package dev.dualkey.compat;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.TlsConfig;
import dev.dualkey.gateway.auth.Credential;
import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.auth.Principal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Boots {@link GatewayServer} inside the test JVM on a free loopback port. The only class (with
 * {@link ChildGatewayMain}, which reuses it) that touches gateway types, so that attached runs
 * ({@code -Dcompat.endpoint}) never need them.
 */
final class InProcessGateway implements RunningGateway {

    private final GatewayServer server;
    private final Path dataDir;
    private final GatewayEndpoint endpoint;

    private InProcessGateway(GatewayServer server, Path dataDir, GatewayEndpoint endpoint) {
        this.server = server;
        this.dataDir = dataDir;
        this.endpoint = endpoint;
    }

    /**
     * Starts a gateway over {@code dataDir} that accepts exactly the given root keys, one account each.
     * The first key is {@link GatewayEndpoint#root()}, the second {@link GatewayEndpoint#otherAccount()}.
     */
    static InProcessGateway start(Path dataDir, boolean tls, List<AccessKey> accounts, String region) {
        var builder = GatewayServer.builder()
                .dataDir(dataDir)
                .credentialProvider(mapBacked(accounts))
                .s3Address(new InetSocketAddress("127.0.0.1", 0))
                .region(region);
        if (tls) {
            builder.tls(TlsConfig.selfSigned());
        }
        // IAM wiring: real identity (mfa store) with the first account's given root keys; the second account
        // is created by the store, so its root key is the generated one. TOTP runs on the tests' clock.
        AccessKey[] other = {accounts.get(1)};
        builder.identity(dev.dualkey.gateway.identity.IdentitySetup
                .withRootKeys(accounts.get(0).accessKeyId(), accounts.get(0).secretKey())
                .totpClock(dev.dualkey.compat.iam.IamTestClock.CLOCK)
                .passwordHashing(dev.dualkey.mfa.secret.PasswordHasher.Params.forTests())
                .ensureAccount("compat-other", c -> other[0] = new AccessKey(c.rootAccessKey().accessKeyId(),
                        c.rootAccessKey().secretAccessKey())));
        GatewayServer server = builder.start();
        URI uri = URI.create((tls ? "https" : "http") + "://127.0.0.1:" + server.s3Port());
        return new InProcessGateway(server, dataDir, new GatewayEndpoint(uri, region, accounts.get(0), other[0]));
    }

    private static CredentialProvider mapBacked(List<AccessKey> accounts) {
        Map<String, AccessKey> byId = accounts.stream()
                .collect(Collectors.toMap(AccessKey::accessKeyId, Function.identity()));
        return accessKeyId -> Optional.ofNullable(byId.get(accessKeyId))
                .map(key -> new Credential(key.accessKeyId(), key.secretKey(),
                        Principal.root(accountId(accounts.indexOf(key))), true));
    }

    /** Account ids 111111111111, 222222222222, ...: one 12-digit id per configured root key. */
    static String accountId(int index) {
        return Integer.toString(index + 1).repeat(12);
    }

    @Override
    public GatewayEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.close();
        TempDirs.deleteRecursively(dataDir);
    }
}
