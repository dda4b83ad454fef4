package dev.dualkey.gateway;

import dev.dualkey.gateway.auth.CredentialProvider;
import dev.dualkey.gateway.authz.AccessAuthorizer;
import dev.dualkey.gateway.authz.AccountAuthorizer;
import dev.dualkey.gateway.auth.SigV4Verifier;
import dev.dualkey.gateway.exec.StorageExecutor;
import dev.dualkey.gateway.http.Endpoint;
import dev.dualkey.gateway.http.FrontDoorHandler;
import dev.dualkey.gateway.http.GatewayChannelInitializer;
import dev.dualkey.gateway.s3.OperationHandler;
import dev.dualkey.gateway.s3.S3Endpoint;
import dev.dualkey.gateway.s3.S3Operation;
import dev.dualkey.gateway.s3.bucket.BucketOperations;
import dev.dualkey.gateway.protect.ProtectedOperations;
import dev.dualkey.gateway.s3.multipart.MultipartOperations;
import dev.dualkey.gateway.s3.object.ListOperations;
import dev.dualkey.gateway.s3.object.ObjectOperations;
import dev.dualkey.storage.ObjectStore;
import dev.dualkey.storage.error.NoSuchBucketException;
import dev.dualkey.storage.rocks.StorageEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dualkey server: binds the S3 (+ later IAM) listener, wires SigV4, routing and the S3 operations over an
 * {@link ObjectStore}, and shuts down gracefully.
 *
 * <pre>
 * GatewayServer server = GatewayServer.builder()
 *     .objectStore(store)            // or .dataDir(path): the server opens (and closes) the storage engine
 *     .credentialProvider(keys)
 *     .s3Address(new InetSocketAddress("127.0.0.1", 0))
 *     .start();
 * URI endpoint = server.s3Endpoint();
 * server.close();                     // stop accepting, finish in-flight requests, release everything
 * </pre>
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final long GRACE_MILLIS = 30_000;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final StorageExecutor executor;
    private final Channel s3Channel;
    private final boolean tls;
    private final TlsConfig tlsConfig;
    private final StorageEngine ownedEngine;
    private final AtomicInteger inFlight;
    private volatile boolean closed;
    private AutoCloseable consoleServer; // console hook (console branch): the console's own listener, closed first
    private dev.dualkey.gateway.lifecycle.LifecycleWorker lifecycleWorker; // lifecycle: closed before storage
    /** Server access logging's deliverer: flushed and stopped before the store closes. */
    private dev.dualkey.gateway.s3.logging.AccessLogDeliverer accessLogDeliverer;
    /** metrics: the dedicated {@code --metrics-address} listener, when one was asked for. */
    private dev.dualkey.gateway.console.ConsoleServer metricsServer;
    /** Issue 18: the alert webhook (listening to the audit log) and audit retention; stopped before storage. */
    private dev.dualkey.gateway.alert.WebhookAlerts alerts;
    private dev.dualkey.mfa.audit.AuditLog alertedLog;
    private dev.dualkey.mfa.audit.AuditRetention auditRetention;
    /** GET/HEAD tried on the event loop and their fallbacks (issue 19); shared by every connection. */
    private dev.dualkey.gateway.http.LoopReads loopReads = new dev.dualkey.gateway.http.LoopReads();

    private GatewayServer(EventLoopGroup boss, EventLoopGroup workers, StorageExecutor executor, Channel s3Channel,
                          TlsConfig tlsConfig, StorageEngine ownedEngine, AtomicInteger inFlight) {
        this.boss = boss;
        this.workers = workers;
        this.executor = executor;
        this.s3Channel = s3Channel;
        this.tls = tlsConfig != null;
        this.tlsConfig = tlsConfig;
        this.ownedEngine = ownedEngine;
        this.inFlight = inFlight;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The bound S3 port (useful with port 0). */
    public int s3Port() {
        return ((InetSocketAddress) s3Channel.localAddress()).getPort();
    }

    /** {@code http(s)://host:port} of the S3 listener. */
    public URI s3Endpoint() {
        return uriOf(s3Channel);
    }

    private URI uriOf(Channel ch) {
        InetSocketAddress a = (InetSocketAddress) ch.localAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls ? "https" : "http") + "://" + host + ":" + a.getPort());
    }

    /** metrics: the bound address of the dedicated metrics listener, when {@link Builder#metricsListener} set one. */
    /** Counts of GET/HEAD requests tried on the event loop and of those that fell back (issue 19). */
    public dev.dualkey.gateway.http.LoopReads loopReads() {
        return loopReads;
    }

    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metricsServer).map(dev.dualkey.gateway.console.ConsoleServer::boundAddress);
    }

    /** Delivers the server access log records waiting now, and waits for the delivery (tests, operators). */
    public void flushAccessLogs() {
        if (accessLogDeliverer != null) {
            accessLogDeliverer.flush();
        }
    }

    /** The TLS identity, when TLS is on. */
    public Optional<TlsConfig> tlsConfig() {
        return Optional.ofNullable(tlsConfig);
    }

    /**
     * Graceful stop: stops accepting connections, waits (up to 30 s) for in-flight requests to finish, closes
     * the connections and event loops, then the storage executor, then the storage engine if this server opened
     * it. Idempotent.
     */
    // console hook (console branch): stops the console listener before the S3 listener.
    private void closeConsoleServer() {
        if (consoleServer != null) {
            try {
                consoleServer.close();
            } catch (Exception e) {
                LOG.warn("closing the console failed", e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeConsoleServer(); // console hook (console branch)
        if (metricsServer != null) { // metrics
            metricsServer.close();
        }
        s3Channel.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        while (inFlight.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // Bounded waits: a stuck connection must not keep the process (and RocksDB) from closing.
        if (!workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.warn("event loops did not stop within 10 s");
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        if (lifecycleWorker != null) { // lifecycle: stops at its next key, before storage closes
            lifecycleWorker.close();
        }
        if (accessLogDeliverer != null) {
            accessLogDeliverer.close(); // the last records, while the store is still open
        }
        closeAuditServices(); // issue 18
        executor.close();
        if (ownedEngine != null) {
            ownedEngine.close();
        }
        LOG.info("Dualkey gateway stopped");
    }

    private void closeAuditServices() {
        if (auditRetention != null) {
            auditRetention.close();
        }
        if (alerts != null) {
            alertedLog.removeListener(alerts);
            alerts.close();
        }
    }

    /** The alert webhook's sender, when {@link Builder#alerts} configured one (its counters: tests, metrics). */
    public Optional<dev.dualkey.gateway.alert.WebhookAlerts> alerts() {
        return Optional.ofNullable(alerts);
    }

    /** The audit retention task, when the server has an audit log. */
    public Optional<dev.dualkey.mfa.audit.AuditRetention> auditRetention() {
        return Optional.ofNullable(auditRetention);
    }

    /** The lifecycle worker, when {@link Builder#lifecycle} started one. */
    public Optional<dev.dualkey.gateway.lifecycle.LifecycleWorker> lifecycleWorker() {
        return Optional.ofNullable(lifecycleWorker);
    }

    /** Typed, validated settings; {@link #start()} binds. */
    public static final class Builder {
        private ObjectStore objectStore;
        private Path dataDir;
        private CredentialProvider credentialProvider;
        private AccessAuthorizer authorizer;
        private InetSocketAddress s3Address = new InetSocketAddress("127.0.0.1", 9000);
        private TlsConfig tls;
        private String domain;
        private String region = "us-east-1";
        private Clock clock = Clock.systemUTC();
        private java.time.Duration accessLogFlushInterval = java.time.Duration.ofSeconds(60);
        private Clock policyClock;
        private boolean mfaOverPlainHttpAllowed;
        private dev.dualkey.mfa.device.MfaVerifier mfaVerifierSetting;
        private dev.dualkey.mfa.audit.AuditLog mfaAuditSetting;
        private final List<Endpoint> extraEndpoints = new ArrayList<>();
        // IAM wiring (iam engineer): real identity from the mfa store in the data directory.
        private dev.dualkey.gateway.identity.IdentitySetup identity;
        /**
         * Storage threads mostly wait (a synced RocksDB write waits for its WAL fsync; blob files wait for theirs),
         * and RocksDB commits concurrent writers with one fsync only when they are waiting at the same time: the
         * pool must hold as many threads as requests that commit at once, not as many as cores (8 threads capped
         * 4 KiB PUTs at 8 per fsync). 64 covers the usual client fan-out; a waiting thread costs only its stack.
         */
        private int ioThreads = Math.max(64, Runtime.getRuntime().availableProcessors() * 16);
        private int idleSeconds = 300;
        private boolean sigV2 = true;
        private boolean loopReads = true;
        private dev.dualkey.gateway.http.TransportLimits transportLimits =
                dev.dualkey.gateway.http.TransportLimits.defaults();
        private dev.dualkey.gateway.console.ConsoleLauncher consoleLauncher; // console hook (console branch)
        private dev.dualkey.gateway.lifecycle.LifecycleSettings lifecycle; // lifecycle: null = no worker
        private dev.dualkey.gateway.metrics.DualkeyMetrics metrics; // metrics: null = none
        private int metricsBucketLimit = 1000;
        private InetSocketAddress metricsAddress;
        private dev.dualkey.gateway.metrics.MetricsAccess metricsAccess =
                dev.dualkey.gateway.metrics.MetricsAccess.open();
        // issue 18: client addresses behind proxies, security alerts, audit retention
        private dev.dualkey.gateway.audit.TrustedProxies trustedProxies = dev.dualkey.gateway.audit.TrustedProxies.NONE;
        private dev.dualkey.gateway.alert.AlertSettings alertSettings;
        private dev.dualkey.gateway.alert.AccountAlertTargets accountAlerts; // issue 18: console Settings page
        private java.time.Duration auditRetentionPeriod = dev.dualkey.mfa.audit.AuditRetention.DEFAULT_RETENTION;
        private Clock auditClock = Clock.systemUTC();

        private Builder() {
        }

        /** The store to serve; the caller keeps ownership and closes it after the server. */
        public Builder objectStore(ObjectStore store) {
            this.objectStore = store;
            return this;
        }

        /** Opens the storage engine in this directory at start and closes it on {@link #close()}. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder credentialProvider(CredentialProvider provider) {
            this.credentialProvider = provider;
            return this;
        }

        /** Optional; by default a principal may act on its own account's buckets only. */
        public Builder authorizer(AccessAuthorizer a) {
            this.authorizer = a;
            return this;
        }

        public Builder s3Address(InetSocketAddress address) {
            this.s3Address = address;
            return this;
        }

        /** Optional: serve HTTPS on the S3 listener. */
        public Builder tls(TlsConfig config) {
            this.tls = config;
            return this;
        }

        /** Optional: virtual-hosted-style domain, e.g. {@code s3.example} for {@code bucket.s3.example}. */
        public Builder domain(String d) {
            this.domain = d;
            return this;
        }

        public Builder region(String r) {
            this.region = r;
            return this;
        }

        /** How often server access log records are delivered to their target buckets (default 60 s). */
        public Builder accessLogFlushInterval(java.time.Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("access log flush interval must be positive");
            }
            this.accessLogFlushInterval = interval;
            return this;
        }

        /** The clock SigV4 checks request times against. */
        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /**
         * The clock of S3 requests' policy context ({@code aws:CurrentTime}, {@code aws:MultiFactorAuthAge}); by
         * default {@link #clock}. Give it the identity store's clock: that clock stamps a session's MFA proof, so
         * the proof's age must be measured on it too (tests move that clock instead of sleeping).
         */
        public Builder policyClock(Clock c) {
            this.policyClock = Objects.requireNonNull(c, "policyClock");
            return this;
        }

        /** The PutBucketVersioning MFA seam (default refuses every MFA Delete change). */
        /**
         * The one-time-code verifier and audit log behind MFA Delete, when identity is wired outside the builder
         * (as {@code serve} does). {@link #identity} sets them itself.
         */
        public Builder mfa(dev.dualkey.mfa.device.MfaVerifier verifier, dev.dualkey.mfa.audit.AuditLog audit) {
            this.mfaVerifierSetting = Objects.requireNonNull(verifier, "verifier");
            this.mfaAuditSetting = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /**
         * Whether S3 accepts Signature Version 2 (header and presigned query auth, V2-signed POST forms); true by
         * default, as Amazon S3 still does for these clients. False answers them 400 InvalidRequest "Please use
         * AWS4-HMAC-SHA256".
         */
        public Builder sigV2(boolean accept) {
            this.sigV2 = accept;
            return this;
        }

        /**
         * Accept {@code x-amz-mfa} over plain HTTP on a non-loopback listener (e.g. TLS ends at a trusted proxy).
         * Off by default: S3 requires HTTPS for such requests (spec D4). A loopback-only listener always accepts it.
         */
        public Builder allowMfaOverPlainHttp(boolean allow) {
            this.mfaOverPlainHttpAllowed = allow;
            return this;
        }

        /**
         * Real identity (IAM wiring): with {@link #dataDir}, opens the mfa identity store in the same database,
         * bootstraps the first account, and serves its credentials, policy authorization and the IAM Query API
         * (replacing {@link #credentialProvider} and {@link #authorizer}). TOTP time comes from the setup's own
         * clock; SigV4 keeps {@link #clock}.
         */
        /** SSE-KMS (kms branch): the key registry; set by {@link #identity} itself, else aws:kms answers 501. */
        private dev.dualkey.gateway.kms.KmsRegistry kms;

        /** SSE-KMS: the local KMS key registry ({@code IdentityStore.kms}). */
        public Builder kms(dev.dualkey.gateway.kms.KmsRegistry registry) {
            this.kms = registry;
            return this;
        }

        public Builder identity(dev.dualkey.gateway.identity.IdentitySetup setup) {
            this.identity = setup;
            return this;
        }

        /**
         * An endpoint tried before S3 on the API listener (the IAM Query API plugs in here: it accepts
         * {@code POST /} forms whose SigV4 scope names service {@code iam}).
         */
        public Builder endpoint(Endpoint e) {
            this.extraEndpoints.add(e);
            return this;
        }

        /** console hook (console branch): starts the web console's own listener with the server. */
        public Builder console(dev.dualkey.gateway.console.ConsoleLauncher launcher) {
            this.consoleLauncher = launcher;
            return this;
        }

        /**
         * Runs the lifecycle worker with these settings (its own clock, interval, rates); without this call no
         * worker runs (the configuration API works either way).
         */
        public Builder lifecycle(dev.dualkey.gateway.lifecycle.LifecycleSettings settings) {
            this.lifecycle = settings;
            return this;
        }

        /**
         * metrics: counts this server's requests, exports the store's usage (per bucket for at most
         * {@code bucketLimit} buckets), the MFA checks and sign-ins of its audit log, and, when this server opens
         * the data directory, RocksDB's figures. Serving {@code /metrics} is {@link #metricsListener}'s or the
         * console's ({@code MetricsHttp.onConsole}).
         */
        public Builder metrics(dev.dualkey.gateway.metrics.DualkeyMetrics m, int bucketLimit) {
            this.metrics = Objects.requireNonNull(m, "metrics");
            this.metricsBucketLimit = bucketLimit;
            return this;
        }

        /** metrics: serves {@code /metrics} (only) on its own listener at {@code address}, with the API's TLS. */
        public Builder metricsListener(InetSocketAddress address, dev.dualkey.gateway.metrics.MetricsAccess access) {
            this.metricsAddress = Objects.requireNonNull(address, "address");
            this.metricsAccess = Objects.requireNonNull(access, "access");
            return this;
        }

        /**
         * Proxies whose {@code X-Forwarded-For} names the client (audit records, {@code aws:SourceIp}, access logs);
         * default none: the TCP peer is the client.
         */
        public Builder trustedProxies(dev.dualkey.gateway.audit.TrustedProxies proxies) {
            this.trustedProxies = Objects.requireNonNull(proxies, "proxies");
            return this;
        }

        /** Pushes security events from the audit log to a webhook (null: none, the default). */
        public Builder alerts(dev.dualkey.gateway.alert.AlertSettings settings) {
            this.alertSettings = settings;
            return this;
        }

        /**
         * Also sends each account's security events to the receiver its root set on the console's Settings page
         * (issue 18); the alert webhook then runs even without {@link #alerts} (null: accounts set none).
         */
        public Builder accountAlerts(dev.dualkey.gateway.alert.AccountAlertTargets targets) {
            this.accountAlerts = targets;
            return this;
        }

        /**
         * How long audit records are kept (default 365 days); a background task deletes older ones, checked at start
         * and hourly, on {@code clock}'s time.
         */
        public Builder auditRetention(java.time.Duration retention, Clock clock) {
            this.auditRetentionPeriod = Objects.requireNonNull(retention, "retention");
            this.auditClock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Threads of the storage executor (blocking RocksDB and file IO). */
        public Builder ioThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ioThreads must be positive");
            }
            this.ioThreads = n;
            return this;
        }

        /** Seconds a connection may be idle (no reads, no writes) before it is closed. */
        public Builder idleSeconds(int s) {
            this.idleSeconds = s;
            return this;
        }

        /**
         * Whether GetObject and HeadObject are tried on the event loop from memory first (issue 19; never in upstream
         * mode; {@code serve --loop-reads}, {@code --no-loop-reads}). On by default since session 14: with the blob
         * cache (session 13) a flushed small object is in memory too, and on the quiet 2-core machine (get-side.sh
         * RESTART=1, same jar with and without, 5 rounds alternating, 22:51-22:56 UTC 2026-12-03) it cut server CPU
         * per presigned 4 KiB GET from 52.8 to 45.9 us at 32 connections and from 144 to 81 us at 1 connection
         * (1-connection rate 5.4k -> 8.1k/s median; 32 connections 30.0k -> 31.7k/s median, within the noise).
         * Session 11 had left it off: without the blob cache every flushed GET ran twice. Off: every request runs on
         * the storage executor.
         */
        public Builder loopReads(boolean on) {
            this.loopReads = on;
            return this;
        }

        /**
         * Slow-client timeouts and memory caps of both listeners (request head timeout, body idle timeout,
         * unauthenticated connections, held body bytes); default {@code TransportLimits.defaults()}.
         */
        public Builder transportLimits(dev.dualkey.gateway.http.TransportLimits limits) {
            this.transportLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Opens storage (with {@link #dataDir}), binds the S3 listener and returns once it accepts connections.
         *
         * @throws IllegalStateException when required settings are missing or the port cannot be bound
         */
        public GatewayServer start() {
            if (identity == null) {
                Objects.requireNonNull(credentialProvider, "credentialProvider");
            } else if (dataDir == null) {
                throw new IllegalStateException("identity(...) needs dataDir(...)");
            }
            Objects.requireNonNull(s3Address, "s3Address");
            if ((objectStore == null) == (dataDir == null)) {
                throw new IllegalStateException("set exactly one of objectStore(...) or dataDir(...)");
            }
            StorageEngine engine = dataDir != null
                    ? StorageEngine.open(dataDir, identity != null ? identity.families() : List.of()) : null;
            ObjectStore store = engine != null ? engine.objectStore() : objectStore;
            StorageExecutor executor = new StorageExecutor(ioThreads, 10_000);
            EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
            dev.dualkey.gateway.s3.logging.AccessLogDeliverer accessLog = null;
            dev.dualkey.mfa.device.MfaVerifier mfaVerifier = mfaVerifierSetting;
            java.util.function.Supplier<java.util.Collection<String>> identityStoreAccounts = null;
            dev.dualkey.mfa.audit.AuditLog mfaAudit = mfaAuditSetting;
            dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals knownPrincipals =
                    dev.dualkey.mfa.policy.BucketPolicyParser.KnownPrincipals.ANY;
            try {
                if (identity != null) { // IAM wiring: credentials, authorization and the IAM API from mfa
                    var wired = identity.wire(engine.database(), dataDir, store, clock);
                    credentialProvider = wired.credentials();
                    authorizer = wired.authorizer();
                    extraEndpoints.add(0, wired.iamEndpoint());
                    extraEndpoints.add(1, wired.stsEndpoint()); // STS: GetSessionToken, GetCallerIdentity
                    mfaVerifier = wired.store().verifier();
                    mfaAudit = wired.store().audit();
                    if (kms == null) {
                        kms = wired.store().kms(region, clock); // SSE-KMS
                    }
                }
                if (authorizer instanceof dev.dualkey.gateway.identity.MfaAuthorizer m) {
                    knownPrincipals = m.knownPrincipals(); // bucket policies name this store's principals
                    identityStoreAccounts = m::accountIds; // ACL grantees are resolved against them
                }
                AccessAuthorizer authz = authorizer != null ? authorizer
                        : dev.dualkey.gateway.authz.StoreAuthorization.over(store, r -> dev.dualkey.mfa.policy.Decision.ALLOW);
                // ACLs (issue 14): the canonical ids of the accounts that exist, for grants named by canonical id.
                java.util.function.Supplier<java.util.Collection<String>> accountIds = identityStoreAccounts != null
                        ? identityStoreAccounts : java.util.List::of;
                dev.dualkey.gateway.acl.CanonicalIds canonicalIds =
                        new dev.dualkey.gateway.acl.DerivedCanonicalIds(accountIds);
                // MFA Delete: every protected change goes through one service; codes are checked by mfa's verifier
                // (without an identity store none can be, so every change that needs one is refused).
                ProtectedOperations protect = new ProtectedOperations(store, mfaVerifier, mfaAudit, clock);
                boolean plainHttpMfa = mfaOverPlainHttpAllowed || s3Address.getAddress().isLoopbackAddress();
                Map<S3Operation, OperationHandler> handlers = new EnumMap<>(S3Operation.class);
                new BucketOperations(store, region, protect, plainHttpMfa,
                        new dev.dualkey.gateway.acl.BucketCreation(canonicalIds)).register(handlers);
                dev.dualkey.gateway.s3.sse.KmsEncryption kmsEncryption = kms == null ? null
                        : new dev.dualkey.gateway.s3.sse.KmsEncryption(kms, store); // SSE-KMS (kms branch)
                new ObjectOperations(store, protect, plainHttpMfa, canonicalIds).withKms(kmsEncryption)
                        .register(handlers);
                new ListOperations(store).register(handlers);
                new MultipartOperations(store, protect, plainHttpMfa, canonicalIds).withKms(kmsEncryption)
                        .register(handlers);
                new dev.dualkey.gateway.acl.AclOperations(store, canonicalIds).register(handlers);
                new dev.dualkey.gateway.s3.policy.BucketPolicyOperations(store, knownPrincipals).register(handlers);
                new dev.dualkey.gateway.s3.cors.CorsOperations(store).register(handlers);
                new dev.dualkey.gateway.lifecycle.LifecycleOperations(store).register(handlers); // lifecycle
                new dev.dualkey.gateway.s3.sse.BucketEncryption(store, kms != null).register(handlers); // bucket SSE
                new dev.dualkey.gateway.s3.lock.ObjectLockOperations(store, protect, plainHttpMfa)
                        .register(handlers); // Object Lock: configuration, retention, legal hold
                new dev.dualkey.gateway.s3.tagging.TaggingOperations(store).register(handlers); // object/bucket tags
                new dev.dualkey.gateway.s3.integrity.ObjectAttributesOperation(store).register(handlers);
                accessLog = new dev.dualkey.gateway.s3.logging.AccessLogDeliverer(store, clock,
                        accessLogFlushInterval, 10_000, 100_000, canonicalIds); // TargetGrants: issue 16
                new dev.dualkey.gateway.s3.logging.BucketLoggingOperations(store, accessLog, canonicalIds)
                        .register(handlers);
                // The S3 signature covers the declared payload hash, so the head is checked on the event loop
                // (keys seen recently, from memory) before a small body is held for one storage task.
                dev.dualkey.gateway.http.RecentCredentials recent =
                        new dev.dualkey.gateway.http.RecentCredentials(credentialProvider);
                SigV4Verifier s3Verifier = new SigV4Verifier(recent, clock, "s3", region);
                SigV4Verifier s3HeadVerifier = new SigV4Verifier(recent::cached, clock, "s3", region);
                if (sigV2) { // Signature Version 2 (auth/sigv2), on by default as on Amazon S3; serve --no-sigv2
                    s3Verifier = s3Verifier.withSigV2(domain);
                    s3HeadVerifier = s3HeadVerifier.withSigV2(domain);
                }
                S3Endpoint s3 = new S3Endpoint(s3Verifier, authz,
                        policyClock != null ? policyClock : clock,
                        domain, handlers, dev.dualkey.gateway.s3.policy.ExpectedBucketOwner.over(
                                dev.dualkey.gateway.authz.StoreAuthorization.buckets(store)),
                        new dev.dualkey.gateway.s3.logging.RequestRecorder(accessLog, clock));
                dev.dualkey.gateway.http.LoopReads loopReads = new dev.dualkey.gateway.http.LoopReads();
                if (this.loopReads && !(store instanceof dev.dualkey.gateway.upstream.UpstreamObjectStore)) {
                    // GET/HEAD of inline objects answered on the event loop from memory (issue 19)
                    s3.withLoopReads(loopReads);
                }
                List<Endpoint> endpoints = new ArrayList<>(extraEndpoints);
                // CORS around S3: unauthenticated preflight OPTIONS, Access-Control-* on answers (s3/cors)
                // POST Object (browser form uploads, s3/post) ahead of the S3 endpoint's header authentication
                Endpoint s3Post = new dev.dualkey.gateway.s3.post.PostObjectEndpoint(s3,
                        new dev.dualkey.gateway.s3.post.PostObjectEndpoint.Settings(store, protect, authz, recent,
                                clock, policyClock != null ? policyClock : clock, region, domain, sigV2,
                                plainHttpMfa, canonicalIds));
                Endpoint s3Api = new dev.dualkey.gateway.s3.cors.CorsEndpoint(s3Post, store, domain);
                endpoints.add(new dev.dualkey.gateway.http.HeadAuthenticatedEndpoint(s3Api, s3HeadVerifier));
                AtomicInteger inFlight = new AtomicInteger();
                FrontDoorHandler.InFlight counter = new FrontDoorHandler.InFlight() {
                    @Override
                    public void started() {
                        inFlight.incrementAndGet();
                    }

                    @Override
                    public void finished() {
                        inFlight.decrementAndGet();
                    }

                    @Override
                    public void answered(dev.dualkey.gateway.http.RequestHead head, Endpoint endpoint,
                                         dev.dualkey.gateway.http.Reply reply, long bodyBytes, boolean written) {
                        if (metrics != null) { // metrics
                            metrics.requests().answered(head, endpoint, reply, bodyBytes, written);
                        }
                    }
                };
                if (metrics != null) { // metrics: usage counters, RocksDB figures, MFA/sign-in audit records
                    metrics.bindStore(store, metricsBucketLimit);
                    metrics.bindLoopReads(loopReads); // issue 19: how often the loop's memory-only reads fall back
                    if (engine != null) {
                        metrics.bindDatabase(engine.database());
                    }
                    if (mfaAudit != null) {
                        mfaAudit.addListener(metrics.auditListener());
                    }
                }
                SslContext ssl = tls == null ? null : tls.toSslContext();
                ServerBootstrap b = new ServerBootstrap()
                        .group(boss, workers)
                        .channel(NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.AUTO_READ, false)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new GatewayChannelInitializer(ssl, endpoints, executor, counter, idleSeconds,
                                new dev.dualkey.gateway.http.Admission(transportLimits), trustedProxies));
                Channel ch = b.bind(s3Address).syncUninterruptibly().channel();
                GatewayServer server = new GatewayServer(boss, workers, executor, ch, tls, engine, inFlight);
                server.accessLogDeliverer = accessLog;
                server.loopReads = loopReads;
                if (consoleLauncher != null) { // console hook (console branch)
                    try {
                        server.consoleServer = consoleLauncher.start(store, executor::executeOrRefuse, ssl,
                                transportLimits);
                    } catch (RuntimeException e) {
                        server.close();
                        throw e;
                    }
                }
                if (metricsAddress != null && metrics != null) { // metrics: the dedicated listener
                    try {
                        server.metricsServer = new dev.dualkey.gateway.console.ConsoleServer(metricsAddress, ssl,
                                dev.dualkey.gateway.metrics.MetricsHttp.standalone(metrics, metricsAccess),
                                executor::executeOrRefuse, transportLimits).start();
                    } catch (InterruptedException | RuntimeException e) {
                        server.close();
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                        }
                        throw new IllegalStateException("cannot start the metrics listener on " + metricsAddress
                                + ": " + e.getMessage(), e);
                    }
                    LOG.info("metrics listening on {}", server.metricsAddress().orElse(null));
                }
                if (mfaAudit != null) { // issue 18: alerts and retention over the audit log
                    try {
                        if (alertSettings != null || accountAlerts != null) {
                            server.alerts = dev.dualkey.gateway.alert.WebhookAlerts.start(alertSettings != null
                                    ? alertSettings : dev.dualkey.gateway.alert.AlertSettings.accountsOnly(),
                                    accountAlerts);
                            server.alertedLog = mfaAudit;
                            mfaAudit.addListener(server.alerts);
                            if (metrics != null) {
                                metrics.bindAlerts(server.alerts); // issue 18: delivery counters
                            }
                        }
                        server.auditRetention = dev.dualkey.mfa.audit.AuditRetention.of(mfaAudit, auditClock,
                                auditRetentionPeriod).start(java.time.Duration.ofMinutes(1),
                                java.time.Duration.ofHours(1));
                    } catch (RuntimeException e) {
                        server.close();
                        throw e;
                    }
                }
                if (lifecycle != null) { // lifecycle
                    server.lifecycleWorker = new dev.dualkey.gateway.lifecycle.LifecycleWorker(store, mfaAudit,
                            lifecycle).start();
                    if (metrics != null) {
                        metrics.bindLifecycle(server.lifecycleWorker); // metrics: the worker's progress
                    }
                }
                LOG.info("Dualkey S3 endpoint listening on {}", server.s3Endpoint());
                return server;
            } catch (RuntimeException e) {
                if (accessLog != null) {
                    accessLog.close();
                }
                workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                executor.close();
                if (engine != null) {
                    engine.close();
                }
                throw e;
            }
        }
    }
}
