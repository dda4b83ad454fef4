package dev.dualkey.gateway.cli;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.TlsConfig;
import dev.dualkey.gateway.identity.IdentitySetup;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dualkey serve}: opens the data directory, starts the S3 listener and runs until SIGTERM/SIGINT, then
 * stops gracefully (in-flight requests finish, RocksDB closes).
 *
 * <p>Identity seam: {@link #wireIdentity(StorageEngine)} opens the mfa identity store in the same database
 * (credentials, policy authorization, the IAM Query API) and bootstraps the first account.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Dualkey server.")
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", description = "Data directory (default: ${DEFAULT-VALUE}).", defaultValue = "./data")
    Path dataDir;

    @Option(names = "--address", description = "S3 listener HOST:PORT (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1:9000")
    String address;

    @Option(names = "--console-address", description = "Console listener HOST:PORT (default: ${DEFAULT-VALUE}).",
            defaultValue = "127.0.0.1:9001")
    String consoleAddress;

    @Option(names = "--encryption", hidden = true, defaultValue = "on", description = "on (default): object data is "
            + "encrypted at rest (SSE-S3). off: for benchmarking the cost only; encrypted objects become unreadable.")
    String encryption;

    @Option(names = "--tls-cert", description = "PEM certificate chain for HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM private key for HTTPS.")
    Path tlsKey;

    @Option(names = "--tls-self-signed", description = "Serve HTTPS with a generated self-signed certificate.")
    boolean tlsSelfSigned;

    @Option(names = "--domain", description = "Domain for virtual-hosted-style requests (bucket.DOMAIN).")
    String domain;

    @Option(names = "--allow-mfa-over-http", description = "Accept x-amz-mfa over plain HTTP on a non-loopback "
            + "listener (only behind a TLS-terminating proxy you trust).")
    boolean allowMfaOverHttp;

    @Option(names = "--sigv2", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Accept AWS Signature Version 2 for S3 (header and presigned-URL auth, as `aws s3 presign`"
                    + " and older SDKs use; HMAC-SHA1). On by default, as on Amazon S3; --no-sigv2 answers such"
                    + " requests 400 InvalidRequest.")
    boolean sigV2;

    @Option(names = "--loop-reads", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Answer GetObject/HeadObject of small objects on the network threads when every read they"
                    + " need is in memory (else on the storage threads). On by default; --no-loop-reads runs every"
                    + " request on the storage threads.")
    boolean loopReads;

    @Option(names = "--region", description = "Region reported for buckets (default: ${DEFAULT-VALUE}).",
            defaultValue = "us-east-1")
    String region;

    @Option(names = "--request-head-timeout", paramLabel = "SECONDS", description = "A request head must arrive "
            + "whole within this time; also the keep-alive idle bound (default: ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int requestHeadTimeoutSeconds;

    @Option(names = "--body-idle-timeout", paramLabel = "SECONDS", description = "A request body may not stall "
            + "longer than this while the server waits for it (400 RequestTimeout); the same bound applies to a "
            + "response the client stops reading (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int bodyIdleTimeoutSeconds;

    @Option(names = "--max-unauthenticated-connections", paramLabel = "N", description = "Connections open at once "
            + "that have not carried an authenticated request; more are closed on accept (default: 1024, fewer "
            + "on a heap under 320 MiB: a quarter of the heap holds their heads).")
    Integer maxUnauthenticatedConnections;

    @Option(names = "--max-held-body-bytes", paramLabel = "BYTES", description = "Request-body bytes held in memory "
            + "at once over all connections before requests are answered 503 SlowDown (default: 64 MiB or an "
            + "eighth of the maximum heap, whichever is smaller).")
    Long maxHeldBodyBytes;

    @Option(names = "--lifecycle-interval", paramLabel = "SECONDS", description = "Pause between two lifecycle "
            + "passes over all buckets; 0 turns the lifecycle worker off (default: ${DEFAULT-VALUE}).",
            defaultValue = "3600")
    long lifecycleIntervalSeconds;

    @Option(names = "--lifecycle-rate", paramLabel = "VERSIONS/S", description = "Versions the lifecycle worker "
            + "examines per second; 0 = unlimited (default: ${DEFAULT-VALUE}).", defaultValue = "2000")
    double lifecycleRate;

    @Option(names = "--lifecycle-delete-rate", paramLabel = "DELETES/S", description = "Deletions (markers, "
            + "versions, aborted uploads) the lifecycle worker makes per second; 0 = unlimited "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "200")
    double lifecycleDeleteRate;

    @Option(names = "--lifecycle-page-size", paramLabel = "N", description = "Versions the lifecycle worker lists "
            + "per page; its cursor is saved after every page (1..1000, default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int lifecyclePageSize;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", description = "Serve Prometheus /metrics on "
            + "this listener of its own instead of the console listener (recommended when the console is reachable "
            + "beyond this machine: bind it to the network your Prometheus scrapes from).")
    String metricsAddress;

    @Option(names = "--metrics-token-file", paramLabel = "FILE", description = "File whose first line is a bearer "
            + "token (16+ characters) every /metrics scrape must send (Authorization: Bearer ...). Without it, "
            + "/metrics is protected by its listener's address only, and not served on a non-loopback console "
            + "listener.")
    Path metricsTokenFile;

    @Option(names = "--metrics-bucket-limit", paramLabel = "N", description = "Buckets that get per-bucket usage "
            + "series (the first N by name; totals count all); 0 = none (default: ${DEFAULT-VALUE}).",
            defaultValue = "1000")
    int metricsBucketLimit;
    @Option(names = "--trusted-proxy", paramLabel = "CIDR", split = ",", description = "A reverse proxy (address "
            + "or CIDR range; repeatable) whose X-Forwarded-For names the client: audit records, aws:SourceIp and "
            + "access logs then show that client, with the proxies as 'via'. Without it X-Forwarded-For is ignored.")
    List<String> trustedProxies = new java.util.ArrayList<>();

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", description = "Audit records older than this "
            + "are deleted by a background task; nothing deletes them earlier (default: ${DEFAULT-VALUE}).",
            defaultValue = "365")
    int auditRetentionDays;

    @Option(names = "--alert-webhook", paramLabel = "URL", description = "POST a JSON event to this URL for each "
            + "security event (MFA lockouts and refusals, MFA Delete changes, versions deleted with MFA, root "
            + "sign-ins, access keys created, MFA device changes); retried with backoff from a bounded queue.")
    java.net.URI alertWebhook;

    @Option(names = "--alert-webhook-secret-file", paramLabel = "FILE", description = "Sign each alert with "
            + "HMAC-SHA256 under the key in this file (header X-Dualkey-Signature-256: sha256=HEX); the "
            + "environment variable DUALKEY_ALERT_WEBHOOK_SECRET does the same.")
    Path alertWebhookSecretFile;
    @Option(names = "--state", paramLabel = "URL", description = "Cluster mode (issue 20): keep accounts, users, "
            + "keys, MFA devices, sessions, throttle counters and audit records in etcd, shared by every gateway "
            + "started with the same URL: etcd://host:port[,host:port...] (etcds:// for TLS). Every gateway needs "
            + "the same DUALKEY_MASTER_KEY; etcd user and password come from DUALKEY_STATE_USER and "
            + "DUALKEY_STATE_PASSWORD. Default: the data directory's RocksDB.")
    String state;

    @Option(names = "--state-ca", paramLabel = "FILE", description = "PEM CA bundle that signed etcd's certificate.")
    Path stateCa;

    @Option(names = "--state-cert", paramLabel = "FILE", description = "PEM client certificate for etcd.")
    Path stateCert;

    @Option(names = "--state-key", paramLabel = "FILE", description = "PEM private key of --state-cert.")
    Path stateKey;

    @Option(names = "--warm-up", paramLabel = "DURATION", defaultValue = "30s", description = "Before the S3 "
            + "port is bound, drive a throw-away copy of the server (loopback, a temporary directory and random keys, "
            + "all removed) until the JIT has compiled its hot paths, at most this long, so that the first clients "
            + "meet compiled code (issue 19): 0 turns it off, up to 120s (default: ${DEFAULT-VALUE}).")
    String warmUpText;

    /** Test seam: evaluates lifecycle rules this far in the future (e.g. P3D). Hidden: not for production. */
    @Option(names = "--lifecycle-clock-offset", hidden = true, paramLabel = "DURATION", defaultValue = "PT0S")
    java.time.Duration lifecycleClockOffset;

    private dev.dualkey.gateway.upstream.UpstreamSettings upstreamStore;

    @Option(names = "--orphan-grace", paramLabel = "DURATION", defaultValue = "1h", description = "Upstream mode: "
            + "an upstream version or upload no index entry references is removed once unreferenced this long "
            + "(30m, 1h, 2h30m...; at least 30m; default: ${DEFAULT-VALUE}); also: dualkey admin sweep-orphans.")
    String orphanGraceText;
    private java.time.Duration orphanGrace;

    @Option(names = "--upstream", paramLabel = "URL", description = "Upstream mode (issue 20): store buckets, "
            + "objects and versions in this S3 service (Ceph RGW, MinIO, Amazon S3), one versioned upstream bucket "
            + "per bucket; credentials from DUALKEY_UPSTREAM_ACCESS_KEY / DUALKEY_UPSTREAM_SECRET_KEY. The version "
            + "index and bucket configuration stay in the data directory, or in etcd with --state (cluster mode: "
            + "every gateway sees the same buckets and versions). Without it nothing changes.")
    java.net.URI upstream;

    @Option(names = "--upstream-region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "Region the upstream requests are signed for (default: ${DEFAULT-VALUE}).")
    String upstreamRegion;

    @Option(names = "--upstream-ca", paramLabel = "FILE", description = "PEM CA certificates to trust for an HTTPS "
            + "upstream (default: the JVM's trust store).")
    Path upstreamCa;

    @Option(names = "--upstream-bucket-prefix", paramLabel = "PREFIX", defaultValue = "",
            description = "Prefix of the upstream bucket names (the upstream bucket of b is PREFIX + b).")
    String upstreamBucketPrefix;

    /** The upstream store's settings, or null without --upstream; credentials from the environment. */
    dev.dualkey.gateway.upstream.UpstreamSettings upstreamSettings(java.util.Map<String, String> env) {
        if (upstream == null) {
            return null;
        }
        String scheme = upstream.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || upstream.getHost() == null) {
            throw new IllegalArgumentException("--upstream must be an http:// or https:// URL");
        }
        String ak = env.get("DUALKEY_UPSTREAM_ACCESS_KEY");
        String sk = env.get("DUALKEY_UPSTREAM_SECRET_KEY");
        if (ak == null || ak.isEmpty() || sk == null || sk.isEmpty()) {
            throw new IllegalArgumentException("--upstream needs DUALKEY_UPSTREAM_ACCESS_KEY and "
                    + "DUALKEY_UPSTREAM_SECRET_KEY in the environment");
        }
        if (upstreamCa != null && !Files.isReadable(upstreamCa)) {
            throw new IllegalArgumentException("--upstream-ca: cannot read " + upstreamCa);
        }
        return dev.dualkey.gateway.upstream.UpstreamSettings.of(upstream, upstreamRegion, ak, sk)
                .withCaFile(upstreamCa).withBucketPrefix(upstreamBucketPrefix);
    }
    private dev.dualkey.storage.kv.EtcdKvStore.Settings stateSettings;

    @Override
    public Integer call() {
        // An OutOfMemoryError ends the process so that a supervisor restarts it (issue 12 F); also start the JVM
        // with -XX:+ExitOnOutOfMemoryError (README), which covers errors caught inside libraries.
        dev.dualkey.gateway.http.FatalErrors.install();
        PrintWriter err = spec.commandLine().getErr();
        InetSocketAddress s3Address;
        InetSocketAddress consoleSocket;
        TlsConfig tls;
        dev.dualkey.gateway.http.TransportLimits limits;
        InetSocketAddress metricsSocket; // metrics
        dev.dualkey.gateway.metrics.MetricsAccess metricsAccess;
        dev.dualkey.gateway.audit.TrustedProxies proxies;
        dev.dualkey.gateway.alert.AlertSettings alerts;
        try {
            metricsSocket = metricsAddress == null ? null : parseAddress(metricsAddress, "--metrics-address");
            metricsAccess = metricsTokenFile == null ? dev.dualkey.gateway.metrics.MetricsAccess.open()
                    : dev.dualkey.gateway.metrics.MetricsAccess.bearerFromFile(metricsTokenFile);
            if (metricsBucketLimit < 0) {
                throw new IllegalArgumentException("--metrics-bucket-limit must not be negative");
            }
            proxies = dev.dualkey.gateway.audit.TrustedProxies.parse(trustedProxies); // issue 18
            alerts = alertSettings();
            if (auditRetentionDays < 1) {
                throw new IllegalArgumentException("--audit-retention-days must be at least 1");
            }
            s3Address = parseAddress(address, "--address");
            consoleSocket = parseAddress(consoleAddress, "--console-address");
            tls = tlsConfig();
            limits = transportLimits();
            if (lifecyclePageSize < 1 || lifecyclePageSize > 1000) {
                throw new IllegalArgumentException("--lifecycle-page-size must be 1..1000");
            }
            if (lifecycleIntervalSeconds < 0 || lifecycleRate < 0 || lifecycleDeleteRate < 0) {
                throw new IllegalArgumentException("--lifecycle-interval and the lifecycle rates must not be "
                        + "negative");
            }
            prepareDataDir(dataDir);
            orphanGrace = dev.dualkey.gateway.upstream.OrphanSweeper.parseGrace(orphanGraceText); // issue 20
            upstreamStore = upstreamSettings(System.getenv());
            stateSettings = state == null ? null : dev.dualkey.gateway.cluster.StateUrl.parse(state, stateCa,
                    stateCert, stateKey, System.getenv());
            if (stateSettings != null && (System.getenv(dev.dualkey.mfa.secret.MasterKey.ENV) == null
                    || System.getenv(dev.dualkey.mfa.secret.MasterKey.ENV).isBlank())
                    && !Files.exists(dataDir.resolve(dev.dualkey.mfa.secret.MasterKey.FILE_NAME))) {
                // a generated key per gateway would make every secret sealed by one unreadable to the others
                throw new IllegalArgumentException("--state needs the same master key on every gateway: set "
                        + dev.dualkey.mfa.secret.MasterKey.ENV + " (or copy " + dev.dualkey.mfa.secret.MasterKey
                        .FILE_NAME + " into the data directory)");
            }
        } catch (IllegalArgumentException e) {
            err.println("dualkey: " + e.getMessage());
            err.flush();
            return DualkeyCli.EXIT_USAGE;
        }
        Duration warmUpBudget;
        try {
            warmUpBudget = parseWarmUp(warmUpText);
        } catch (IllegalArgumentException e) {
            err.println("dualkey: " + e.getMessage());
            err.flush();
            return DualkeyCli.EXIT_USAGE;
        }
        StorageEngine engine;
        try {
            engine = StorageEngine.open(dataDir, upstreamStore == null ? IdentityStore.FAMILIES // IAM wiring
                    : concat(IdentityStore.FAMILIES, dev.dualkey.storage.shared.RocksKv.FAMILY)); // upstream mode
        } catch (RuntimeException e) {
            err.println("dualkey: cannot open data directory " + dataDir + ": " + e.getMessage());
            err.flush();
            return DualkeyCli.EXIT_USAGE;
        }
        // after the data directory is held (a second server on it fails at once), before anything reads it or any
        // port is bound
        warmUp(warmUpBudget, limits, err);
        GatewayServer server;
        IdentitySetup.Wired identity;
        dev.dualkey.storage.ObjectStore objects = engine.objectStore();
        dev.dualkey.gateway.metrics.DualkeyMetrics metrics = new dev.dualkey.gateway.metrics.DualkeyMetrics();
        metrics.bindDatabase(engine.database()); // metrics: RocksDB figures
        boolean consoleLoopback = consoleSocket.getAddress() != null && consoleSocket.getAddress().isLoopbackAddress();
        if (metricsSocket == null && !consoleLoopback && !metricsAccess.requiresToken()) {
            err.println("dualkey: /metrics is not served on the console listener " + consoleAddress
                    + " (not loopback): give --metrics-address, or --metrics-token-file");
            err.flush();
        }
        dev.dualkey.storage.kv.KvStore stateStore = null;
        try {
            stateStore = stateSettings == null ? dev.dualkey.storage.kv.RocksKvStore.over(engine.database())
                    : dev.dualkey.storage.kv.EtcdKvStore.connect(stateSettings);
            // the first calls connect; allow a slow start (a loaded machine, an election) before giving up
            for (int i = 0; stateSettings != null && i < 5 && !stateStore.available(); i++) {
                err.println("dualkey: waiting for etcd at " + stateStore.describe());
                err.flush();
            }
            if (stateSettings != null && !stateStore.available()) {
                throw new IllegalStateException("etcd does not answer at " + stateStore.describe());
            }
            if (stateStore instanceof dev.dualkey.storage.kv.CommitOutcomes outcomes) { // cluster mode: AC2/AC3
                metrics.bindCommitOutcomes(outcomes);
            }
            if (upstreamStore != null) { // upstream mode (issue 20)
                objects = dev.dualkey.gateway.upstream.UpstreamObjectStore.open(upstreamStore, stateSettings == null
                        ? new dev.dualkey.storage.shared.RocksKv(engine.database()) // one gateway
                        : new dev.dualkey.storage.shared.KvSharedKv(stateStore), Clock.systemUTC()); // cluster mode
            }
            if (objects instanceof dev.dualkey.gateway.upstream.UpstreamObjectStore up) { // orphan sweeper (issue 20)
                up.startOrphanSweeper(orphanGrace, dev.dualkey.gateway.upstream.OrphanSweeper.interval(orphanGrace));
            }
            identity = wireIdentity(engine, stateStore, objects);
            GatewayServer.Builder builder = GatewayServer.builder();
            if (metricsSocket != null) {
                builder.metricsListener(metricsSocket, metricsAccess);
            }
            server = builder
                    .metrics(metrics, metricsBucketLimit)
                    .objectStore(objects)
                    .credentialProvider(identity.credentials())
                    .authorizer(identity.authorizer())
                    .endpoint(identity.iamEndpoint())
                    .endpoint(identity.stsEndpoint())
                    .endpoint(new dev.dualkey.gateway.health.HealthEndpoint(stateStore::available)) // issue 20
                    .mfa(identity.store().verifier(), identity.store().audit())
                    .kms(identity.store().kms(region, Clock.systemUTC())) // SSE-KMS key registry (kms branch)
                    .allowMfaOverPlainHttp(allowMfaOverHttp)
                    .sigV2(sigV2)
                    .loopReads(loopReads)
                    .s3Address(s3Address)
                    .transportLimits(limits)
                    .console(dev.dualkey.gateway.console.ConsoleBootstrap.launcher(consoleSocket, identity.store(),
                            engine.database(), Clock.systemUTC(), region, proxies,
                            app -> dev.dualkey.gateway.metrics.MetricsHttp.onConsole(app, metrics, metricsAccess,
                                    consoleLoopback, metricsSocket == null))) // console hook; metrics on it
                    .tls(tls)
                    .trustedProxies(proxies) // issue 18
                    .alerts(alerts)
                    .accountAlerts(identity.store().accountSettings()) // issue 18: receivers set in the console
                    .auditRetention(java.time.Duration.ofDays(auditRetentionDays), Clock.systemUTC())
                    .domain(domain)
                    .region(region)
                    .lifecycle(lifecycleIntervalSeconds == 0 ? null : dev.dualkey.gateway.lifecycle.LifecycleSettings
                            .defaults().withInterval(java.time.Duration.ofSeconds(lifecycleIntervalSeconds))
                            .withRates(lifecycleRate, lifecycleDeleteRate).withPageSize(lifecyclePageSize)
                            .withClock(Clock.offset(Clock.systemUTC(), lifecycleClockOffset)))
                    .start();
        } catch (RuntimeException e) {
            if (objects != engine.objectStore()) {
                objects.close();
            }
            if (stateStore != null) {
                stateStore.close();
            }
            engine.close();
            err.println("dualkey: cannot start: " + e.getMessage());
            err.flush();
            return DualkeyCli.EXIT_USAGE;
        }
        dev.dualkey.gateway.admin.AdminSocket admin = null; // admin channel: online backup and scrub (issue 17)
        IdentityStore identityStore = identity.store();
        var identityCommands = new dev.dualkey.gateway.admin.IdentityCommands(identityStore, // issue 18
                () -> dev.dualkey.gateway.admin.IdentityCommands.signInService(engine.database(), identityStore,
                        Clock.systemUTC()), Clock.systemUTC());
        try {
            dev.dualkey.gateway.admin.AdminRegistry commands = identityCommands.registerOn(
                    dev.dualkey.gateway.admin.AdminCommands.standard(engine, dataDir));
            dev.dualkey.gateway.kms.KmsRegistry kmsKeys = identityStore.kms(region, Clock.systemUTC());
            if (kmsKeys != null) { // SSE-KMS keys (none in cluster mode)
                commands = new dev.dualkey.gateway.kms.KmsCommands(kmsKeys, identityStore.identity())
                        .registerOn(commands);
            }
            commands.register("rotate-master-key", new dev.dualkey.gateway.rotate.MasterKeyRotation(dataDir,
                    System.getenv(), identityStore, kmsKeys, objects).handler()); // issue 16: key rotation
            if (objects instanceof dev.dualkey.gateway.upstream.UpstreamObjectStore up) { // issue 20: orphans
                commands.register("sweep-orphans", dev.dualkey.gateway.admin.SweepOrphansJob.handler(up));
            }
            admin = dev.dualkey.gateway.admin.AdminSocket.start(dataDir, commands);
        } catch (java.io.IOException | RuntimeException e) {
            // Not fatal: S3 serving does not need it (a socket path is limited to 107 bytes, for one); online
            // backup and scrub do, and the CLI then says the directory is held.
            err.println("dualkey: no admin channel in " + dataDir + " (online backup and scrub unavailable): "
                    + e.getMessage());
            err.flush();
        }
        dev.dualkey.gateway.admin.AdminSocket adminChannel = admin;
        dev.dualkey.storage.ObjectStore servedObjects = objects;
        // usage over time for the console dashboard's growth chart (issue 18): hourly, 30 days kept
        dev.dualkey.gateway.usagehistory.UsageSampler usageSampler = dev.dualkey.gateway.usagehistory.UsageSampler
                .defaults(objects, new dev.dualkey.gateway.usagehistory.UsageHistory(identityStore.stateStore()),
                        Clock.systemUTC()).start();
        dev.dualkey.storage.kv.KvStore openedState = stateStore;
        System.out.println("Dualkey S3 endpoint: " + server.s3Endpoint());
        System.out.println("Dualkey console: " + (tls != null ? "https" : "http") + "://" + consoleAddress); // console hook
        server.metricsAddress().ifPresent(a -> System.out.println("Dualkey metrics: " + (tls != null ? "https"
                : "http") + "://" + a.getHostString() + ":" + a.getPort() + "/metrics")); // metrics
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (adminChannel != null) {
                adminChannel.close();
            }
            identityCommands.close(); // ends audit --follow before the database closes
            usageSampler.close(); // issue 18: before the stores close
            server.close();
            if (servedObjects != engine.objectStore()) {
                servedObjects.close(); // upstream mode: the S3 client
            }
            openedState.close(); // etcd client (cluster mode); nothing for RocksDB, which the engine closes
            engine.close();
            stopped.countDown();
        }, "dualkey-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * The identity seam (IAM wiring): the mfa identity store over {@code engine.database()}. On first start it
     * creates the first account with root keys from {@code DUALKEY_ROOT_ACCESS_KEY}/{@code DUALKEY_ROOT_SECRET_KEY}
     * and the root password from {@code DUALKEY_ROOT_PASSWORD}, generating what is not given and printing it
     * once.
     */
    IdentitySetup.Wired wireIdentity(StorageEngine engine) {
        return wireIdentity(engine, dev.dualkey.storage.kv.RocksKvStore.over(engine.database()), engine.objectStore());
    }

    /**
     * {@link #wireIdentity(StorageEngine)} with the identity state in {@code stateStore} (etcd: cluster mode), serving
     * {@code objects} (the upstream store in upstream mode).
     */
    IdentitySetup.Wired wireIdentity(StorageEngine engine, dev.dualkey.storage.kv.KvStore stateStore,
                                     dev.dualkey.storage.ObjectStore objects) {
        PrintWriter out = spec.commandLine().getOut();
        if (!encryption.equals("on") && !encryption.equals("off")) {
            throw new IllegalArgumentException("--encryption must be on or off");
        }
        return IdentitySetup.fromEnvironment(System.getenv())
                // upstream mode: object data is the upstream's to encrypt at rest (package upstream's Javadoc)
                .encryptObjectData(encryption.equals("on") && objects == engine.objectStore())
                .onBootstrap(r -> {
                    if (r.created()) {
                        out.println("Created account " + r.account().accountId());
                        r.generatedAccessKey().ifPresent(k -> out.println("Root access key: " + k.accessKeyId()
                                + "\nRoot secret key: " + k.secretAccessKey()));
                        r.generatedRootPassword().ifPresent(p -> out.println("Root password:   " + p));
                        out.println("Generated secrets are shown only now.");
                        out.flush();
                    }
                })
                .wire(stateStore, dataDir, objects, Clock.systemUTC());
    }

    private static List<dev.dualkey.storage.rocks.ColumnFamilySpec> concat(
            List<dev.dualkey.storage.rocks.ColumnFamilySpec> a, dev.dualkey.storage.rocks.ColumnFamilySpec b) {
        List<dev.dualkey.storage.rocks.ColumnFamilySpec> out = new java.util.ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** The alert webhook's settings, or null without {@code --alert-webhook}. */
    private dev.dualkey.gateway.alert.AlertSettings alertSettings() {
        if (alertWebhook == null) {
            if (alertWebhookSecretFile != null) {
                throw new IllegalArgumentException("--alert-webhook-secret-file needs --alert-webhook");
            }
            return null;
        }
        byte[] secret = null;
        if (alertWebhookSecretFile != null) {
            try {
                secret = Files.readString(alertWebhookSecretFile).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read --alert-webhook-secret-file: " + e.getMessage());
            }
        } else if (System.getenv("DUALKEY_ALERT_WEBHOOK_SECRET") != null) {
            secret = System.getenv("DUALKEY_ALERT_WEBHOOK_SECRET").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        if (secret != null && secret.length == 0) {
            throw new IllegalArgumentException("the alert webhook secret is empty");
        }
        return dev.dualkey.gateway.alert.AlertSettings.of(alertWebhook, secret);
    }

    private dev.dualkey.gateway.http.TransportLimits transportLimits() {
        if (requestHeadTimeoutSeconds < 1 || bodyIdleTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--request-head-timeout and --body-idle-timeout must be at least 1");
        }
        if (maxUnauthenticatedConnections != null && maxUnauthenticatedConnections < 1) {
            throw new IllegalArgumentException("--max-unauthenticated-connections must be at least 1");
        }
        if (maxHeldBodyBytes != null && maxHeldBodyBytes < 1024 * 1024) {
            throw new IllegalArgumentException("--max-held-body-bytes must be at least 1048576");
        }
        return new dev.dualkey.gateway.http.TransportLimits(
                java.time.Duration.ofSeconds(requestHeadTimeoutSeconds),
                java.time.Duration.ofSeconds(bodyIdleTimeoutSeconds), maxUnauthenticatedConnections != null
                        ? maxUnauthenticatedConnections
                        : dev.dualkey.gateway.http.TransportLimits.defaultMaxUnauthenticatedConnections(),
                maxHeldBodyBytes != null ? maxHeldBodyBytes
                        : dev.dualkey.gateway.http.TransportLimits.defaultHeldBodyBytes());
    }

    private TlsConfig tlsConfig() {
        if (tlsSelfSigned) {
            if (tlsCert != null || tlsKey != null) {
                throw new IllegalArgumentException("--tls-self-signed cannot be combined with --tls-cert/--tls-key");
            }
            return TlsConfig.selfSigned(domain == null ? List.of() : List.of(domain, "*." + domain));
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key must be given together");
        }
        return tlsCert == null ? null : TlsConfig.pem(tlsCert, tlsKey);
    }

    static InetSocketAddress parseAddress(String hostPort, String flag) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException(flag + " must be HOST:PORT, got '" + hostPort + "'");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " has a bad port in '" + hostPort + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " port out of range in '" + hostPort + "'");
        }
        return new InetSocketAddress(host, port);
    }

    /**
     * Runs the warm-up (package {@code dev.dualkey.gateway.warmup}) before anything of the real server serves: the
     * data directory is opened (and so held) but not read, no account is bootstrapped and no port is bound; the
     * warm-up has a directory, store and listener of its own.
     */
    private void warmUp(Duration budget, dev.dualkey.gateway.http.TransportLimits limits, PrintWriter err) {
        if (budget.isZero()) {
            return;
        }
        dev.dualkey.gateway.warmup.WarmUp.Result r = dev.dualkey.gateway.warmup.WarmUp.run(
                dev.dualkey.gateway.warmup.WarmUp.Settings.of(budget, limits, sigV2, region), Clock.systemUTC());
        err.println(String.format(java.util.Locale.ROOT, "dualkey: warmed up in %.1f s (%d requests, %d of them "
                + "MFA deletes%s%s); --warm-up 0 skips this", r.took().toMillis() / 1000.0, r.requests(),
                r.mfaDeletes(), r.jitQuiet() ? ", JIT quiet" : ", time limit",
                r.failures() == 0 ? "" : ", " + r.failures() + " failed: " + r.firstFailure()));
        err.flush();
    }

    /** {@code --warm-up}: {@code 0}, {@code Ns}, {@code Nms} or plain seconds; at most 120 s. */
    static Duration parseWarmUp(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        Duration d;
        try {
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(t.endsWith("s") ? t.substring(0, t.length() - 1) : t));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--warm-up must be a duration such as 8s, 500ms or 0, got '" + text
                    + "'");
        }
        if (d.isNegative() || d.compareTo(dev.dualkey.gateway.warmup.WarmUp.MAX_BUDGET) > 0) {
            throw new IllegalArgumentException("--warm-up must be 0..120s, got '" + text + "'");
        }
        return d;
    }

    static void prepareDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (Exception e) {
            throw new IllegalArgumentException("data directory " + dir + " is not usable: " + e.getMessage());
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IllegalArgumentException("data directory " + dir + " is not a writable directory");
        }
    }
}
