package dev.dualkey.compat.mfadelete;

import dev.dualkey.compat.AccessKey;
import dev.dualkey.compat.GatewayEndpoint;
import dev.dualkey.compat.GatewayExtension;
import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.TlsConfig;
import dev.dualkey.gateway.console.ConsoleBootstrap;
import dev.dualkey.gateway.console.ConsoleLauncher;
import dev.dualkey.gateway.console.ConsoleServer;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A gateway of its own for the MFA Delete tests, booted in the test JVM exactly as {@code dualkey serve} wires
 * it (storage engine, mfa identity store, IAM endpoint, MFA verifier and audit log), with the TOTP clock
 * injected.
 *
 * <p>Why not the shared harness gateway ({@code GatewayExtension}): these tests need the identity store itself
 * (the audit log and the operator's hardware-token import are not S3 or IAM calls), listeners other than plain
 * loopback HTTP, and buckets that stay MFA-protected, which the harness's {@code TestBuckets} cleanup cannot
 * empty. Everything a test creates lives in this server's temporary data directory, deleted on {@link #close()}.
 *
 * <p>Identities: the first account's root signs with {@link GatewayExtension#ROOT}'s keys; a second account
 * ("other") is created with generated root keys.
 */
public final class MfaDeleteServer implements AutoCloseable {
    /** Root's console password when the server runs its console ({@link #loopbackWithConsole()}). */
    public static final String ROOT_PASSWORD = "Correct-Horse-Battery-9";

    private final Path dataDir;
    private final StorageEngine engine;
    private final GatewayServer server;
    private final IdentityStore identity;
    private final TotpClock clock;
    private final GatewayEndpoint endpoint;
    private final String accountId;
    private final String otherAccountId;
    private final ConsoleServer console;
    private final dev.dualkey.storage.ObjectStore objects;
    /** Cluster mode: closed after this node, in order (the other gateways, the balancer, etcd clients, etcd). */
    private final List<AutoCloseable> cluster = new java.util.ArrayList<>();

    private MfaDeleteServer(Path dataDir, StorageEngine engine, GatewayServer server, IdentityStore identity,
                            TotpClock clock, GatewayEndpoint endpoint, String accountId, String otherAccountId,
                            ConsoleServer console, dev.dualkey.storage.ObjectStore objects) {
        this.console = console;
        this.objects = objects;
        this.dataDir = dataDir;
        this.engine = engine;
        this.server = server;
        this.identity = identity;
        this.clock = clock;
        this.endpoint = endpoint;
        this.accountId = accountId;
        this.otherAccountId = otherAccountId;
    }

    /** Plain HTTP on {@code 127.0.0.1}: a loopback-only listener, where {@code x-amz-mfa} is accepted. */
    public static MfaDeleteServer loopback() {
        return start(InetAddress.getLoopbackAddress(), false, false, false);
    }

    /**
     * {@link #loopback()} whose object store runs on {@code storeClock} (Object Lock tests move it past a
     * retain-until date; TOTP codes and signatures keep their own clocks).
     */
    public static MfaDeleteServer loopback(Clock storeClock) {
        return start(InetAddress.getLoopbackAddress(), false, false, false, storeClock);
    }

    /**
     * {@link #loopback()} plus the web console on another loopback port, over the same identity store, verifier
     * and object store as the S3 API (as {@code dualkey serve --console} wires it).
     */
    public static MfaDeleteServer loopbackWithConsole() {
        return start(InetAddress.getLoopbackAddress(), false, false, true);
    }

    /** {@link #loopback()} whose gateway reports to {@code metrics} (requests, usage, MFA checks, lockouts). */
    public static MfaDeleteServer loopbackWithMetrics(dev.dualkey.gateway.metrics.DualkeyMetrics metrics) {
        return start(InetAddress.getLoopbackAddress(), false, false, false, Clock.systemUTC(), IdentityStore.FAMILIES,
                null, metrics, b -> b);
    }

    /** {@link #loopbackWithConsole()} whose object store runs on {@code storeClock}. */
    public static MfaDeleteServer loopbackWithConsole(Clock storeClock) {
        return start(InetAddress.getLoopbackAddress(), false, false, true, storeClock);
    }

    /** The console's base URL, e.g. {@code http://127.0.0.1:PORT}; only for {@link #loopbackWithConsole()}. */
    public URI consoleUrl() {
        if (console == null) {
            throw new IllegalStateException("started without the console");
        }
        return URI.create("http://127.0.0.1:" + console.port());
    }

    /** HTTPS (self-signed certificate naming 127.0.0.1) on {@code 127.0.0.1}. */
    public static MfaDeleteServer https() {
        return start(InetAddress.getLoopbackAddress(), true, false, false);
    }

    /**
     * Plain HTTP bound to {@code address}, which is not a loopback address.
     *
     * @param allowMfaOverPlainHttp the operator's {@code --allow-mfa-over-http} (TLS ends at a trusted proxy)
     */
    static MfaDeleteServer plainHttpOn(InetAddress address, boolean allowMfaOverPlainHttp) {
        return start(address, false, allowMfaOverPlainHttp, false);
    }

    private static MfaDeleteServer start(InetAddress bind, boolean tls, boolean allowMfaOverPlainHttp,
                                         boolean withConsole) {
        return start(bind, tls, allowMfaOverPlainHttp, withConsole, Clock.systemUTC());
    }

    /**
     * {@link #loopback()} in upstream mode ({@code serve --upstream}): objects, versions and uploads live in the S3
     * service at {@code upstream} (moto in tests), the version index and bucket configuration in the data
     * directory's database ({@link dev.dualkey.storage.shared.RocksKv}); identity stays in the data directory.
     */
    public static MfaDeleteServer upstream(URI upstream) {
        List<dev.dualkey.storage.rocks.ColumnFamilySpec> families = new java.util.ArrayList<>(IdentityStore.FAMILIES);
        families.add(dev.dualkey.storage.shared.RocksKv.FAMILY);
        return start(InetAddress.getLoopbackAddress(), false, false, false, Clock.systemUTC(), families,
                engine -> dev.dualkey.gateway.upstream.UpstreamObjectStore.open(
                        dev.dualkey.gateway.upstream.UpstreamSettings.of(upstream, GatewayExtension.REGION, "test",
                                "test"), new dev.dualkey.storage.shared.RocksKv(engine.database()),
                        Clock.systemUTC()), null, b -> b);
    }

    /** The object store the gateway serves (the upstream store in {@link #upstream(URI)} mode). */
    public dev.dualkey.storage.ObjectStore objectStore() {
        return objects;
    }

    /**
     * {@link #loopbackWithConsole()} with {@code customize} applied to the server's builder before it starts (issue
     * 18: trusted proxies, the alert webhook).
     */
    public static MfaDeleteServer loopbackWithConsole(
            java.util.function.UnaryOperator<GatewayServer.Builder> customize) {
        return start(InetAddress.getLoopbackAddress(), false, false, true, Clock.systemUTC(), IdentityStore.FAMILIES,
                null, null, customize);
    }

    private static MfaDeleteServer start(InetAddress bind, boolean tls, boolean allowMfaOverPlainHttp,
                                         boolean withConsole, Clock storeClock) {
        return start(bind, tls, allowMfaOverPlainHttp, withConsole, storeClock, IdentityStore.FAMILIES, null, null,
                b -> b);
    }

    private static MfaDeleteServer start(InetAddress bind, boolean tls, boolean allowMfaOverPlainHttp,
                                         boolean withConsole, Clock storeClock,
                                         List<dev.dualkey.storage.rocks.ColumnFamilySpec> families,
                                         java.util.function.Function<StorageEngine, dev.dualkey.storage.ObjectStore>
                                                 storeOf,
                                         dev.dualkey.gateway.metrics.DualkeyMetrics metrics,
                                         java.util.function.UnaryOperator<GatewayServer.Builder> customize) {
        return start(bind, tls ? TlsConfig.selfSigned() : null, allowMfaOverPlainHttp, withConsole, storeClock,
                families, storeOf, metrics, customize, null, null, new TotpClock());
    }

    /**
     * Cluster mode ({@code serve --upstream URL --state etcd://...}) as the suite's server: {@code gateways} gateways
     * in this JVM over one etcd (started here; identity, MFA state and the upstream index) and one upstream (moto,
     * reset), sharing the master key, the TOTP clock and (for {@code tls}) one certificate, behind a
     * {@link dev.dualkey.compat.cluster.RoundRobinProxy}: the {@link #endpoint()} is the balancer's, so a client's
     * connections go to the gateways in turn. {@link #identity()}, {@link #engine()} and {@link #objectStore()} are
     * the first gateway's.
     */
    public static MfaDeleteServer cluster(boolean tls, int gateways) {
        List<AutoCloseable> opened = new java.util.ArrayList<>();
        try {
            Path etcdDir = Files.createTempDirectory("dualkey-cluster-etcd-");
            dev.dualkey.testkit.EtcdServer etcd = dev.dualkey.testkit.EtcdServer.start("MfaDeleteServer.cluster",
                    etcdDir);
            AutoCloseable etcdCloser = () -> {
                etcd.close();
                deleteRecursively(etcdDir);
            };
            opened.add(etcdCloser);
            dev.dualkey.testkit.MotoServer moto = dev.dualkey.testkit.MotoServer.shared("MfaDeleteServer.cluster");
            moto.reset();
            byte[] master = new byte[32];
            new java.security.SecureRandom().nextBytes(master);
            java.util.Map<String, String> env = java.util.Map.of(
                    dev.dualkey.mfa.secret.MasterKey.ENV, java.util.Base64.getEncoder().encodeToString(master),
                    IdentitySetup.ROOT_ACCESS_KEY_ENV, GatewayExtension.ROOT.accessKeyId(),
                    IdentitySetup.ROOT_SECRET_KEY_ENV, GatewayExtension.ROOT.secretKey());
            TotpClock clock = new TotpClock();
            TlsConfig certificate = tls ? TlsConfig.selfSigned() : null;
            List<MfaDeleteServer> nodes = new java.util.ArrayList<>();
            for (int g = 0; g < gateways; g++) {
                dev.dualkey.storage.kv.EtcdKvStore state = dev.dualkey.storage.kv.EtcdKvStore.connect(
                        dev.dualkey.storage.kv.EtcdKvStore.Settings.of(List.of(etcd.endpoint())));
                opened.add(state);
                for (int i = 0; i < 100 && !state.available(); i++) {
                    Thread.sleep(100); // the first call connects (slow on a loaded machine): bounded polling
                }
                MfaDeleteServer node = start(InetAddress.getLoopbackAddress(), certificate, false, false,
                        Clock.systemUTC(), IdentityStore.FAMILIES,
                        engine -> dev.dualkey.gateway.upstream.UpstreamObjectStore.open(
                                dev.dualkey.gateway.upstream.UpstreamSettings.of(moto.endpoint(),
                                        GatewayExtension.REGION, "test", "test"),
                                new dev.dualkey.storage.shared.KvSharedKv(state), Clock.systemUTC()),
                        null, b -> b, state, env, clock);
                nodes.add(node);
                opened.add(0, node); // nodes close before the etcd clients
            }
            dev.dualkey.compat.cluster.RoundRobinProxy proxy = dev.dualkey.compat.cluster.RoundRobinProxy.start(
                    nodes.stream().map(n -> new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            n.server.s3Port())).toList());
            opened.add(0, proxy);
            MfaDeleteServer first = nodes.get(0);
            MfaDeleteServer cluster = new MfaDeleteServer(first.dataDir, first.engine, first.server, first.identity,
                    clock, new GatewayEndpoint(proxy.uri(tls ? "https" : "http"), GatewayExtension.REGION,
                    GatewayExtension.ROOT, first.endpoint.otherAccount()), first.accountId, first.otherAccountId,
                    null, first.objects);
            opened.remove(first); // closed as the cluster's own node
            opened.remove(etcdCloser);
            opened.add(etcdCloser); // last: after every node and etcd client
            cluster.cluster.addAll(opened);
            return cluster;
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            closeAll(opened);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("mfadelete: closing the cluster: " + e);
            }
        }
    }

    private static MfaDeleteServer start(InetAddress bind, TlsConfig tlsConfig, boolean allowMfaOverPlainHttp,
                                         boolean withConsole, Clock storeClock,
                                         List<dev.dualkey.storage.rocks.ColumnFamilySpec> families,
                                         java.util.function.Function<StorageEngine, dev.dualkey.storage.ObjectStore>
                                                 storeOf,
                                         dev.dualkey.gateway.metrics.DualkeyMetrics metrics,
                                         java.util.function.UnaryOperator<GatewayServer.Builder> customize,
                                         dev.dualkey.storage.kv.KvStore sharedState,
                                         java.util.Map<String, String> env, TotpClock clock) {
        boolean tls = tlsConfig != null;
        Path dir;
        try {
            dir = Files.createTempDirectory("dualkey-mfadelete-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StorageEngine engine = StorageEngine.open(dir, families, storeClock,
                dev.dualkey.storage.rocks.RocksDatabase.Settings.defaults(),
                dev.dualkey.storage.rocks.RocksObjectStore.Settings.defaults());
        dev.dualkey.storage.ObjectStore objects = storeOf == null ? engine.objectStore() : storeOf.apply(engine);
        try {
            String[] accounts = new String[2];
            AccessKey[] other = new AccessKey[1];
            AccessKey root = GatewayExtension.ROOT;
            IdentitySetup.Wired wired = (env == null ? IdentitySetup.withRootKeys(root.accessKeyId(), root.secretKey())
                    : IdentitySetup.fromEnvironment(env)) // cluster mode: the shared master key
                    .totpClock(clock)
                    .rootPassword(ROOT_PASSWORD)
                    .passwordHashing(PasswordHasher.Params.forTests())
                    .onBootstrap(r -> accounts[0] = r.account().accountId())
                    .ensureAccount("mfadelete-other", c -> {
                        accounts[1] = c.account().accountId();
                        other[0] = new AccessKey(c.rootAccessKey().accessKeyId(),
                                c.rootAccessKey().secretAccessKey());
                    })
                    .encryptObjectData(storeOf == null) // upstream mode: the upstream encrypts at rest
                    .wire(sharedState == null ? dev.dualkey.storage.kv.RocksKvStore.over(engine.database())
                            : sharedState, dir, objects, Clock.systemUTC());
            GatewayServer.Builder builder = GatewayServer.builder()
                    .objectStore(objects)
                    .credentialProvider(wired.credentials())
                    .authorizer(wired.authorizer())
                    .endpoint(wired.iamEndpoint())
                    .endpoint(wired.stsEndpoint())
                    .mfa(wired.store().verifier(), wired.store().audit())
                    .kms(wired.store().kms(GatewayExtension.REGION, clock)) // SSE-KMS, on the tests' clock
                    .allowMfaOverPlainHttp(allowMfaOverPlainHttp)
                    .s3Address(new InetSocketAddress(bind, 0))
                    .region(GatewayExtension.REGION)
                    .policyClock(clock) // sessions are stamped on it: aws:MultiFactorAuthAge too
                    .ioThreads(4);
            if (tls) {
                builder.tls(tlsConfig);
            }
            if (metrics != null) {
                builder.metrics(metrics, 1000);
            }
            ConsoleServer[] console = new ConsoleServer[1];
            if (withConsole) {
                ConsoleLauncher launcher = ConsoleBootstrap.launcher(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), wired.store(), engine.database(),
                        clock, GatewayExtension.REGION);
                builder.accountAlerts(wired.store().accountSettings()); // as serve wires it (issue 18)
                builder.console((store, executor, ssl) -> {
                    AutoCloseable handle = launcher.start(store, executor, ssl);
                    console[0] = (ConsoleServer) handle;
                    return handle;
                });
            }
            GatewayServer server = customize.apply(builder).start();
            // A wildcard bind is reached through loopback; any other address through itself.
            String host = bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress();
            URI uri = URI.create((tls ? "https" : "http") + "://" + host + ":" + server.s3Port());
            GatewayEndpoint endpoint = new GatewayEndpoint(uri, GatewayExtension.REGION, root, other[0]);
            return new MfaDeleteServer(dir, engine, server, wired.store(), clock, endpoint, accounts[0],
                    accounts[1], console[0], objects);
        } catch (RuntimeException e) {
            if (objects != engine.objectStore()) {
                objects.close();
            }
            engine.close();
            deleteRecursively(dir);
            throw e;
        }
    }

    /** The console's base URI; null unless started by {@link #loopbackWithConsole()}. */
    public URI consoleUri() {
        return console == null ? null : consoleUrl();
    }

    public GatewayEndpoint endpoint() {
        return endpoint;
    }

    /** The running server (its alert webhook and audit retention: issue 18). */
    public GatewayServer server() {
        return server;
    }

    /** Delivers the server access log records waiting now (see {@code GatewayServer#flushAccessLogs}). */
    public void flushAccessLogs() {
        server.flushAccessLogs();
    }

    public TotpClock clock() {
        return clock;
    }

    /** The mfa identity store: devices (hardware-token import) and the audit log. */
    public IdentityStore identity() {
        return identity;
    }

    /** Account id of the bucket owner (the account {@link GatewayEndpoint#root()} belongs to). */
    public String accountId() {
        return accountId;
    }

    public String otherAccountId() {
        return otherAccountId;
    }

    /** The server's data directory (tests that scan or damage the raw files). */
    public Path dataDir() {
        return dataDir;
    }

    /** The storage engine the server runs on (tests flush it before scanning files). */
    public StorageEngine engine() {
        return engine;
    }

    /** Every audit record written so far, oldest first. */
    public List<AuditRecord> auditLog() {
        return identity.audit().read(Instant.EPOCH, Integer.MAX_VALUE);
    }

    @Override
    public void close() {
        server.close();
        if (objects != engine.objectStore()) {
            objects.close();
        }
        engine.close();
        deleteRecursively(dataDir);
        closeAll(cluster);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("mfadelete: could not delete " + dir + ": " + e);
        }
    }
}
