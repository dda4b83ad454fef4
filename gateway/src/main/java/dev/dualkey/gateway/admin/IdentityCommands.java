package dev.dualkey.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.MfaConfig;
import dev.dualkey.mfa.audit.Actor;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.device.ImportResult;
import dev.dualkey.mfa.device.ImportedToken;
import dev.dualkey.mfa.error.IamException;
import dev.dualkey.mfa.identity.AccountCreated;
import dev.dualkey.mfa.identity.IamUser;
import dev.dualkey.mfa.signin.SignInService;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The account, token, root-recovery and audit commands (issue 18), one implementation for both ways of running
 * them: registered on a running server's admin channel, or called directly by the CLI on a data directory opened
 * offline. Arguments and results are JSON objects (below); the CLI prints tables or the JSON itself.
 *
 * <ul>
 *   <li>{@code create-account {alias?}} -> {@code {accountId, alias, accessKeyId, secretAccessKey, password}}
 *       (secrets shown once: they travel only over the owner-only socket)</li>
 *   <li>{@code import-tokens {tokens: [{serial, seed: base64}]}} -> {@code {imported:[], alreadyPresent:[]}}; the
 *       CLI reads and decrypts the vendor file itself (the transport key never leaves it, the server never opens
 *       paths on a client's behalf) and sends the tokens in batches that fit a request line</li>
 *   <li>{@code deactivate-root-mfa {account}} -> {@code {accountId, deactivated:[serials]}}</li>
 *   <li>{@code reset-root-password {account, password?}} -> {@code {accountId, password (generated, else null),
 *       sessionsEnded}}</li>
 *   <li>{@code audit {since: epoch millis, limit, follow}} -> {@code {records:[...]}}; with {@code follow} it sends
 *       each record as an {@code {"event":"record",...}} event and a {@code heartbeat} event every few seconds
 *       (so that a client that went away is noticed) and never returns</li>
 * </ul>
 * Refusals by the identity store become {@link AdminFailure}s ({@code Code: message}); the CLI exits 1 for them.
 */
public final class IdentityCommands implements AutoCloseable {
    /** Names of the commands, for the CLI. */
    public static final List<String> NAMES = List.of("create-account", "import-tokens", "deactivate-root-mfa",
            "reset-root-password", "audit");
    /** A follower re-reads this much of the log before its newest record: records may commit out of order. */
    static final Duration FOLLOW_WINDOW = Duration.ofSeconds(10);
    private static final int FOLLOW_BATCH = 1000;

    private final IdentityStore store;
    private final Supplier<SignInService> signIn;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration heartbeat;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger following = new java.util.concurrent.atomic.AtomicInteger();

    public IdentityCommands(IdentityStore store, Supplier<SignInService> signIn, Clock clock) {
        this(store, signIn, clock, Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    IdentityCommands(IdentityStore store, Supplier<SignInService> signIn, Clock clock, Duration pollInterval,
                     Duration heartbeat) {
        this.store = store;
        this.signIn = signIn;
        this.clock = clock;
        this.pollInterval = pollInterval;
        this.heartbeat = heartbeat;
    }

    /** The console sign-in service over {@code db} and {@code store}, for ending root's sessions. */
    public static SignInService signInService(RocksDatabase db, IdentityStore store, Clock clock) {
        return new SignInService(store.mfaStore(), store.identity(), store.devices(), store.verifier(),
                store.audit(), MfaConfig.defaults(clock), new SecureRandom());
    }

    /** Registers every command of this class on {@code registry}. */
    public AdminRegistry registerOn(AdminRegistry registry) {
        NAMES.forEach(n -> registry.register(n, handler(n)));
        return registry;
    }

    /** The handler of command {@code name} (one of {@link #NAMES}). */
    public AdminHandler handler(String name) {
        AdminHandler h = switch (name) {
            case "create-account" -> (a, e) -> createAccount(a);
            case "import-tokens" -> (a, e) -> importTokens(a);
            case "deactivate-root-mfa" -> (a, e) -> deactivateRootMfa(a);
            case "reset-root-password" -> (a, e) -> resetRootPassword(a);
            case "audit" -> this::audit;
            default -> throw new IllegalArgumentException("no identity command " + name);
        };
        return (args, events) -> {
            try {
                return h.handle(args, events);
            } catch (IamException e) {
                throw new AdminFailure(e.code() + ": " + e.getMessage());
            }
        };
    }

    private JsonNode createAccount(JsonNode args) {
        String alias = text(args, "alias");
        AccountCreated c = store.identity().createAccount(Actor.operator(), alias);
        ObjectNode r = AdminProtocol.object();
        r.put("accountId", c.account().accountId());
        r.put("alias", c.account().alias());
        r.put("accessKeyId", c.rootAccessKey().accessKeyId());
        r.put("secretAccessKey", c.rootAccessKey().secretAccessKey());
        r.put("password", c.rootPassword());
        return r;
    }

    private JsonNode importTokens(JsonNode args) {
        List<ImportedToken> tokens = new ArrayList<>();
        for (JsonNode t : args.path("tokens")) {
            try {
                tokens.add(new ImportedToken(t.path("serial").asText(), Base64.getDecoder().decode(
                        t.path("seed").asText(""))));
            } catch (IllegalArgumentException e) {
                throw new AdminFailure("import-tokens: a seed is not base64");
            }
        }
        ImportResult ir;
        try {
            ir = store.devices().importHardwareTokens(Actor.operator(), tokens);
        } finally {
            tokens.forEach(t -> java.util.Arrays.fill(t.seed(), (byte) 0));
        }
        ObjectNode r = AdminProtocol.object();
        ArrayNode imported = r.putArray("imported");
        ir.imported().forEach(imported::add);
        ArrayNode skipped = r.putArray("alreadyPresent");
        ir.alreadyPresent().forEach(skipped::add);
        return r;
    }

    private JsonNode deactivateRootMfa(JsonNode args) {
        String account = account(args);
        List<String> serials = store.devices().deactivateAll(Actor.operator(), account, IamUser.ROOT);
        ObjectNode r = AdminProtocol.object();
        r.put("accountId", account);
        ArrayNode a = r.putArray("deactivated");
        serials.forEach(a::add);
        return r;
    }

    private JsonNode resetRootPassword(JsonNode args) {
        String account = account(args);
        String given = text(args, "password");
        String generated = store.identity().resetRootPassword(Actor.operator(), account,
                given == null || given.isBlank() ? null : given);
        // Sessions are bound to the password generation, so they would be refused anyway; delete them too.
        int ended = signIn.get().revokeAll(account, IamUser.ROOT);
        ObjectNode r = AdminProtocol.object();
        r.put("accountId", account);
        r.put("password", generated);
        r.put("sessionsEnded", ended);
        return r;
    }

    private JsonNode audit(JsonNode args, AdminHandler.Events events) {
        // Identity and MFA records are stamped in whole seconds (as IAM's dates): a --since taken within the same
        // second as a record would otherwise pass over it (a tail started at 10:00:00.800 never printing the
        // record stamped 10:00:00 of a change made at 10:00:00.900). So the bound is the start of its second.
        Instant since = Instant.ofEpochMilli(Math.max(0, args.path("since").asLong(0)))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        int limit = args.path("limit").asInt(1000);
        if (limit < 1) {
            throw new AdminFailure("audit: limit must be positive");
        }
        if (!args.path("follow").asBoolean(false)) {
            ObjectNode r = AdminProtocol.object();
            ArrayNode a = r.putArray("records");
            store.audit().read(since, limit).forEach(rec -> a.add(toJson(rec)));
            return r;
        }
        following.incrementAndGet();
        try {
            follow(since, events);
        } finally {
            following.decrementAndGet();
        }
        throw new AdminFailure("audit --follow ended"); // not reached: follow ends when the client goes away
    }

    /** Sends every record from {@code since} on, then each new one, until the client goes away. */
    private void follow(Instant since, AdminHandler.Events events) {
        Set<String> seen = new HashSet<>();
        Deque<AuditLog.Positioned> window = new ArrayDeque<>(); // seen records, oldest first, for pruning
        Instant from = since;
        long lastBeat = clock.millis();
        while (true) {
            List<AuditLog.Positioned> batch = store.audit().readPositioned(from, FOLLOW_BATCH);
            boolean fresh = false;
            for (AuditLog.Positioned p : batch) {
                if (seen.add(p.position())) {
                    fresh = true;
                    window.addLast(p);
                    ObjectNode ev = toJson(p.record());
                    ev.put("event", "record");
                    events.send(ev); // throws UncheckedIOException once the client is gone
                }
            }
            if (!window.isEmpty()) {
                Instant keepFrom = window.peekLast().record().time().minus(FOLLOW_WINDOW);
                while (!window.isEmpty() && window.peekFirst().record().time().isBefore(keepFrom)) {
                    seen.remove(window.removeFirst().position());
                }
                if (keepFrom.isAfter(from)) {
                    from = keepFrom;
                }
            }
            if (batch.size() == FOLLOW_BATCH) {
                if (!fresh) { // a full window of seen records: move past it
                    Instant last = batch.get(batch.size() - 1).record().time();
                    from = last.isAfter(from) ? last : from.plusMillis(1);
                }
                continue;
            }
            if (closed) {
                throw new UncheckedIOException(new java.io.IOException("the server is stopping"));
            }
            if (clock.millis() - lastBeat >= heartbeat.toMillis()) {
                ObjectNode beat = AdminProtocol.object();
                beat.put("event", "heartbeat");
                events.send(beat);
                lastBeat = clock.millis();
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(new java.io.InterruptedIOException("admin channel closing"));
            }
        }
    }

    /**
     * Ends every {@code audit --follow} and waits (at most 2 s) until they have stopped reading, so that the
     * database can close after this returns.
     */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (following.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One audit record as JSON (time as an ISO-8601 instant; absent fields null). */
    public static ObjectNode toJson(AuditRecord r) {
        ObjectNode n = AdminProtocol.object();
        n.put("time", r.time().toString());
        n.put("accountId", r.accountId());
        n.put("principal", r.principal());
        n.put("accessKeyId", r.accessKeyId());
        n.put("action", r.action());
        n.put("bucket", r.bucket());
        n.put("key", r.key());
        n.put("versionId", r.versionId());
        n.put("deviceSerial", r.deviceSerial());
        n.put("outcome", r.outcome());
        n.put("clientAddress", r.clientAddress());
        n.put("reason", r.reason());
        n.put("via", r.via()); // trusted proxies the request came through (issue 18), null for a direct client
        return n;
    }

    private String account(JsonNode args) {
        String account = text(args, "account");
        if (account == null) {
            throw new AdminFailure("an account id is required");
        }
        if (store.identity().account(account).isEmpty()) {
            throw new AdminFailure("NoSuchEntity: no account " + account);
        }
        return account;
    }

    private static String text(JsonNode args, String field) {
        JsonNode n = args.path(field);
        return n.isTextual() ? n.asText() : null;
    }
}
