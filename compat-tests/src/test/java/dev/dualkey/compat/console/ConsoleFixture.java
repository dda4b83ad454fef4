package dev.dualkey.compat.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.dualkey.gateway.GatewayServer;
import dev.dualkey.gateway.console.ConsoleServer;
import dev.dualkey.gateway.console.MfaConsole;
import dev.dualkey.gateway.settings.AccountSettings;
import dev.dualkey.gateway.usagehistory.UsageHistory;
import dev.dualkey.gateway.usagehistory.UsageSampler;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.MfaServices;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.device.CreatedVirtualDevice;
import dev.dualkey.mfa.otp.Base32;
import dev.dualkey.mfa.otp.TotpGenerator;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.storage.rocks.StorageEngine;

/**
 * A gateway with its console, in-process on free loopback ports, over a fresh data directory, with the mfa
 * layer on the same RocksDB and one {@link MutableClock} for TOTP steps and session timeouts.
 */
public final class ConsoleFixture implements AutoCloseable {
    public static final String ROOT_PASSWORD = "Correct-Horse-Battery-9";

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:10Z"));
    final Path dataDir;
    final StorageEngine engine;
    public final MfaServices mfa;
    public final String accountId;
    /** The usage history the dashboard draws; {@link #sampleUsage()} adds to it (no sampler thread runs). */
    public final UsageHistory history;
    /** The accounts' settings the Settings page changes (issue 18). */
    public final AccountSettings settings;
    final GatewayServer server;
    private ConsoleServer console;

    public ConsoleFixture() {
        try {
            dataDir = Files.createTempDirectory("dualkey-console-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        engine = StorageEngine.open(dataDir, java.util.stream.Stream.concat(MfaSchema.FAMILIES.stream(),
                java.util.stream.Stream.of(UsageHistory.FAMILY, AccountSettings.FAMILY)).toList());
        mfa = MfaServices.open(engine.database(), dataDir, MfaConfig.defaults(clock)
                .withEnvironment(Map.of()).withPasswordParams(PasswordHasher.Params.forTests()));
        history = new UsageHistory(mfa.store().kv());
        // the Settings page's record, its secret sealed under the data directory's master key (issue 18)
        settings = new AccountSettings(mfa.store().kv(), new dev.dualkey.mfa.secret.SecretBox(
                dev.dualkey.mfa.secret.MasterKey.load(dataDir, Map.of())), mfa.audit(), clock);
        accountId = mfa.identity().bootstrap(null, null, ROOT_PASSWORD).account().accountId();
        server = GatewayServer.builder()
                .objectStore(engine.objectStore())
                .credentialProvider(id -> Optional.empty())
                .s3Address(new InetSocketAddress("127.0.0.1", 0))
                .clock(clock)
                .console((store, executor, ssl) -> {
                    AutoCloseable handle = ConsoleServer.launcher(new InetSocketAddress("127.0.0.1", 0),
                            (s, secure) -> MfaConsole.app(s, mfa, clock, secure, true, "us-east-1",
                                    history, settings)).start(store, executor, ssl);
                    console = (ConsoleServer) handle;
                    return handle;
                })
                .start();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + console.port() + path);
    }

    /** Takes one hourly usage sample at the clock's instant (what the server's sampler does each hour). */
    public int sampleUsage() {
        return UsageSampler.defaults(engine.objectStore(), history, clock).sampleOnce();
    }

    /** The TOTP code of {@code seed} for the clock's current step plus {@code stepOffset}. */
    String code(byte[] seed, int stepOffset) {
        return TotpGenerator.code(seed, TotpGenerator.stepOf(clock.instant()) + stepOffset);
    }

    /** Moves to the start of the next 30-second step (a new code). */
    void nextStep() {
        clock.advance(java.time.Duration.ofSeconds(TotpGenerator.STEP_SECONDS));
    }

    /** Creates an IAM user with a console password (what an admin does in the IAM API). */
    public void createUser(String name, String password) {
        Actor op = Actor.operator();
        mfa.identity().createUser(op, accountId, "/", name, Map.of());
        mfa.identity().createLoginProfile(op, accountId, name, password, false);
    }

    /** Gives a user an inline policy. */
    public void putPolicy(String user, String name, String json) {
        mfa.identity().putUserPolicy(Actor.operator(), accountId, user, name, json);
    }

    /** Assigns a new virtual device to a user through the IAM service and returns its seed. */
    byte[] assignDevice(String user) {
        CreatedVirtualDevice d = mfa.devices().createVirtualDevice(Actor.operator(), accountId, "/", user + "-phone",
                Map.of(), user);
        byte[] seed = Base32.decode(d.base32StringSeed());
        mfa.devices().enable(Actor.operator(), accountId, user, d.device().serialNumber(), code(seed, -1),
                code(seed, 0));
        nextStep();
        return seed;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            engine.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // leftover temp files are harmless
            }
        }
    }
}
