package dev.dualkey.gateway.settings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.gateway.alert.AlertTarget;
import dev.dualkey.mfa.audit.AuditLog;
import dev.dualkey.mfa.audit.AuditRecord;
import dev.dualkey.mfa.store.MfaSchema;
import dev.dualkey.mfa.secret.SecretBox;
import dev.dualkey.mfa.secret.SecretBoxException;
import dev.dualkey.mfa.store.MfaStore;
import dev.dualkey.storage.kv.EtcdKvStore;
import dev.dualkey.storage.kv.KvStore;
import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.error.StorageIoException;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.StorageEngine;
import dev.dualkey.testkit.EtcdServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings record over both state stores (RocksDB, a real etcd): set, read back, replace, remove; each change
 * audited in the same commit; the secret never stored in clear and bound to its account.
 */
class AccountSettingsTest {
    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
    private static final String ACCOUNT = "111122223333";
    private static final String ROOT = "arn:aws:iam::111122223333:root";
    @TempDir
    Path dir;
    private final SecretBox box = new SecretBox(new byte[32]);

    private void exercise(KvStore kv) {
        AuditLog audit = new AuditLog(new MfaStore(kv));
        List<AuditRecord> seen = new ArrayList<>();
        audit.addListener(seen::add);
        AccountSettings settings = new AccountSettings(kv, box, audit, Clock.fixed(T, ZoneOffset.UTC));
        assertTrue(settings.webhook(ACCOUNT).isEmpty());
        assertTrue(settings.forAccount(ACCOUNT).isEmpty());

        byte[] secret = "a-signing-secret".getBytes(StandardCharsets.UTF_8);
        URI url = URI.create("https://hooks.example.com/services/T0/B0/tokenInPath?x=1");
        settings.setWebhook(ACCOUNT, ROOT, new AlertTarget(url, secret), "203.0.113.7");
        AccountSettings.Webhook w = settings.webhook(ACCOUNT).orElseThrow();
        assertEquals(url, w.target().url());
        assertArrayEquals(secret, w.target().secret());
        assertEquals(T, w.changedAt());
        assertEquals(ROOT, w.changedBy());
        assertTrue(settings.webhook("444455556666").isEmpty(), "another account has its own record");

        byte[] raw = kv.get(AccountSettings.SPACE, AccountSettings.key(ACCOUNT, "alert-webhook")).orElseThrow();
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("a-signing-secret"), "secret in clear");
        // a record copied to another account's key does not open (the secret is sealed to its account)
        kv.write(t -> t.put(AccountSettings.SPACE, AccountSettings.key("444455556666", "alert-webhook"), raw));
        assertThrows(SecretBoxException.class, () -> settings.webhook("444455556666"));

        settings.setWebhook(ACCOUNT, ROOT, new AlertTarget(URI.create("http://10.0.0.5:8080/x"), null), "203.0.113.7");
        assertEquals(null, settings.webhook(ACCOUNT).orElseThrow().target().secret());
        settings.setWebhook(ACCOUNT, ROOT, null, "203.0.113.8");
        assertTrue(settings.webhook(ACCOUNT).isEmpty());
        settings.refused(ACCOUNT, "arn:aws:iam::111122223333:user/eve", "198.51.100.1", "not the account's root user");

        List<AuditRecord> stored = audit.read(Instant.EPOCH, 100);
        assertEquals(4, stored.size());
        assertEquals(List.of("OK", "OK", "OK", "DENIED"), stored.stream().map(AuditRecord::outcome).toList());
        assertEquals(List.of("receiver https://hooks.example.com (signed)", "receiver http://10.0.0.5:8080",
                "receiver removed", "not the account's root user"), stored.stream().map(AuditRecord::reason).toList());
        assertEquals(List.of("203.0.113.7", "203.0.113.7", "203.0.113.8", "198.51.100.1"),
                stored.stream().map(AuditRecord::clientAddress).toList());
        assertTrue(stored.stream().allMatch(r -> r.action().equals(AccountSettings.ACTION)));
        assertEquals(stored, seen, "listeners (the alert webhook) see each record");
    }

    @Test
    void overRocksDb() {
        try (StorageEngine engine = StorageEngine.open(dir, Stream.concat(MfaSchema.FAMILIES.stream(),
                Stream.of(AccountSettings.FAMILY)).toList())) {
            exercise(RocksKvStore.over(engine.database()));
        }
    }

    @Test
    void overEtcd() throws Exception {
        try (EtcdServer etcd = EtcdServer.start("AccountSettingsTest", dir.resolve("etcd"));
             EtcdKvStore kv = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint())))) {
            exercise(kv);
        }
    }

    /**
     * A receiver change whose commit fails (the database closed under it: the real store's commit throws, as on an
     * I/O error) is heard by no audit listener (the alert webhook must not announce a receiver that was never set)
     * and stores nothing; the retry after a restart is heard exactly once (SECURITY.md AC1).
     */
    @Test
    void aChangeWhoseCommitFailsIsHeardByNoListenerAndItsRetryOnce() {
        List<String> heard = new ArrayList<>();
        AlertTarget target = new AlertTarget(URI.create("https://hooks.example.com/x"), null);
        List<ColumnFamilySpec> families = Stream.concat(MfaSchema.FAMILIES.stream(),
                Stream.of(AccountSettings.FAMILY)).toList();
        try (StorageEngine engine = StorageEngine.open(dir, families)) {
            KvStore kv = RocksKvStore.over(engine.database());
            AuditLog audit = new AuditLog(new MfaStore(kv));
            audit.addListener(r -> heard.add(r.outcome() + " " + r.reason()));
            AccountSettings settings = new AccountSettings(kv, box, audit, Clock.fixed(T, ZoneOffset.UTC));
            engine.database().close();
            assertThrows(StorageIoException.class, () -> settings.setWebhook(ACCOUNT, ROOT, target, "203.0.113.7"));
            assertEquals(List.of(), heard);
        }
        try (StorageEngine engine = StorageEngine.open(dir, families)) {
            KvStore kv = RocksKvStore.over(engine.database());
            AuditLog audit = new AuditLog(new MfaStore(kv));
            audit.addListener(r -> heard.add(r.outcome() + " " + r.reason()));
            AccountSettings settings = new AccountSettings(kv, box, audit, Clock.fixed(T, ZoneOffset.UTC));
            assertTrue(settings.webhook(ACCOUNT).isEmpty(), "nothing was set");
            assertTrue(audit.read(Instant.EPOCH, 100).isEmpty(), "nothing was recorded");
            settings.setWebhook(ACCOUNT, ROOT, target, "203.0.113.7");
            assertEquals(List.of("OK receiver https://hooks.example.com"), heard);
            assertEquals(1, audit.read(Instant.EPOCH, 100).size());
        }
    }

    @Test
    void targetsRefuseWhatIsNotAnHttpReceiver() {
        for (String bad : List.of("file:///etc/passwd", "gopher://h/x", "ftp://h/x", "javascript:alert(1)",
                "http:///x", "https://u:p@h/x", "mailto:a@b", "http://h/x#frag", "", " ")) {
            assertThrows(IllegalArgumentException.class, () -> AlertTarget.parse(bad, null), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> AlertTarget.parse("http://h/" + "a".repeat(2048), null));
        assertEquals("https://h.example:8443", AlertTarget.parse("https://h.example:8443/p?q", null).origin());
    }
}
