package dev.dualkey.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dualkey.gateway.identity.IdentityStore;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.secret.PasswordHasher;
import dev.dualkey.storage.rocks.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit} with {@code follow} (the server side of {@code dualkey admin audit --follow}): every record once,
 * also one stamped earlier than a record already sent (commits are not in time order); the tail ends when its
 * client is gone (noticed by the heartbeat even when nothing is written) and when the server stops.
 */
class IdentityCommandsTest {
    @TempDir
    Path dir;

    private static final Instant T = Instant.parse("2026-12-02T10:00:00Z");

    private static AuditRecord rec(Instant time, String action) {
        return AuditRecord.of(time, "123456789012", "operator", action, "OK");
    }

    private static ObjectNode followArgs(Instant since) {
        ObjectNode a = AdminClient.args();
        a.put("since", since.toEpochMilli());
        a.put("follow", true);
        return a;
    }

    /** Runs the tail on its own thread; returns how it ended. */
    private static Thread tail(IdentityCommands commands, ObjectNode args, AdminHandler.Events events,
                               AtomicReference<Throwable> ended) {
        Thread t = new Thread(() -> {
            try {
                commands.handler("audit").handle(args, events);
            } catch (Throwable e) {
                ended.set(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    @Timeout(60) // hang detector only
    void sendsEveryRecordOnceAlsoOneCommittedOutOfTimeOrder() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, IdentityStore.FAMILIES)) {
            IdentityStore store = IdentityStore.open(engine.database(), dir, Map.of(), Clock.systemUTC(),
                    PasswordHasher.Params.forTests());
            store.audit().append(rec(T.minusSeconds(60), "before:Since"));
            store.audit().append(rec(T.plusSeconds(2), "first"));
            BlockingQueue<JsonNode> got = new LinkedBlockingQueue<>();
            IdentityCommands commands = new IdentityCommands(store, () -> null, Clock.systemUTC(),
                    Duration.ofMillis(5), Duration.ofHours(1));
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread t = tail(commands, followArgs(T), got::add, ended);
            assertEquals("first", got.poll(30, TimeUnit.SECONDS).path("action").asText());
            store.audit().append(rec(T.plusSeconds(1), "stamped-earlier")); // committed after "first"
            store.audit().append(rec(T.plusSeconds(3), "later"));
            JsonNode a = got.poll(30, TimeUnit.SECONDS);
            JsonNode b = got.poll(30, TimeUnit.SECONDS);
            assertEquals(List.of("stamped-earlier", "later"), List.of(a.path("action").asText(),
                    b.path("action").asText()));
            assertEquals("record", a.path("event").asText());
            commands.close(); // the server stops
            t.join(30_000);
            assertFalse(t.isAlive());
            assertTrue(ended.get() instanceof UncheckedIOException, String.valueOf(ended.get()));
            assertTrue(got.isEmpty(), "each record once: " + got);
        }
    }

    @Test
    @Timeout(60) // hang detector only
    void aTailWhoseClientLeftEndsAtTheNextHeartbeat() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, IdentityStore.FAMILIES)) {
            IdentityStore store = IdentityStore.open(engine.database(), dir, Map.of(), Clock.systemUTC(),
                    PasswordHasher.Params.forTests());
            IdentityCommands commands = new IdentityCommands(store, () -> null, Clock.systemUTC(),
                    Duration.ofMillis(5), Duration.ofMillis(20));
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread t = tail(commands, followArgs(T), e -> {
                throw new UncheckedIOException(new IOException("client gone"));
            }, ended);
            t.join(30_000);
            assertFalse(t.isAlive(), "nothing was written, yet the heartbeat noticed the client left");
            assertEquals("client gone", ended.get().getCause().getMessage());
        }
    }

    @Test
    void aSinceWithinTheSecondOfARecordStillIncludesIt() throws Exception {
        // identity records are stamped in whole seconds: a change at T+0.9 s carries T
        try (StorageEngine engine = StorageEngine.open(dir, IdentityStore.FAMILIES)) {
            IdentityStore store = IdentityStore.open(engine.database(), dir, Map.of(), Clock.systemUTC(),
                    PasswordHasher.Params.forTests());
            store.audit().append(rec(T.minusSeconds(1), "before"));
            store.audit().append(rec(T, "same-second"));
            IdentityCommands commands = new IdentityCommands(store, () -> null, Clock.systemUTC());
            ObjectNode args = AdminClient.args();
            args.put("since", T.plusMillis(800).toEpochMilli());
            JsonNode r = commands.handler("audit").handle(args, e -> { });
            assertEquals(1, r.path("records").size(), r.toString());
            assertEquals("same-second", r.path("records").get(0).path("action").asText(), r.toString());
        }
    }

    @Test
    void refusesANonPositiveLimitAndUnknownAccounts() throws Exception {
        try (StorageEngine engine = StorageEngine.open(dir, IdentityStore.FAMILIES)) {
            IdentityStore store = IdentityStore.open(engine.database(), dir, Map.of(), Clock.systemUTC(),
                    PasswordHasher.Params.forTests());
            IdentityCommands commands = new IdentityCommands(store, () -> null, Clock.systemUTC());
            ObjectNode zero = AdminClient.args();
            zero.put("limit", 0);
            assertThrows(AdminFailure.class, () -> commands.handler("audit").handle(zero, e -> { }));
            AdminFailure f = assertThrows(AdminFailure.class, () -> commands.handler("deactivate-root-mfa")
                    .handle(AdminClient.args().put("account", "000000000000"), e -> { }));
            assertTrue(f.getMessage().startsWith("NoSuchEntity"), f.getMessage());
        }
    }
}
