package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.testkit.EtcdServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract over a real etcd (Debian's etcd-server, started on free ports); each test writes under its own
 * key prefix, so they share one etcd. Plus what only a remote store does: it can go away.
 */
class EtcdKvStoreTest extends KvStoreContractTest {
    private static final AtomicInteger RUN = new AtomicInteger();
    @TempDir
    static Path dir;
    private static EtcdServer etcd;
    private EtcdKvStore kv;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdServer.start("EtcdKvStoreTest", dir.resolve("etcd"));
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        if (!etcd.running()) {
            etcd.restart();
        }
        kv = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                .withPrefix("test" + RUN.incrementAndGet() + "/").withTimeout(Duration.ofSeconds(3)));
        // the first call of a new client connects (slow on a loaded machine): readiness polling, bounded
        for (int i = 0; i < 20 && !kv.available(); i++) {
            Thread.sleep(100);
        }
    }

    @AfterEach
    void disconnect() {
        kv.close();
    }

    @Override
    protected KvStore store() {
        return kv;
    }

    @Test
    void prefixesAreApart() {
        byte[] k = "k".getBytes(StandardCharsets.UTF_8);
        kv.write(t -> t.put(A, k, k));
        try (EtcdKvStore other = EtcdKvStore.connect(EtcdKvStore.Settings.of(List.of(etcd.endpoint()))
                .withPrefix("elsewhere/"))) {
            assertTrue(other.get(A, k).isEmpty());
            assertTrue(other.scan(A, null, null, 10).isEmpty());
        }
    }

    /** Etcd away: every call fails within the deadline as unavailable; back: the same client works again. */
    @Test
    void unreachableIsUnavailableThenRecovers() throws Exception {
        byte[] k = "k".getBytes(StandardCharsets.UTF_8);
        kv.write(t -> t.put(A, k, "1".getBytes(StandardCharsets.UTF_8)));
        assertTrue(kv.available());
        etcd.stop();
        assertFalse(kv.available());
        assertThrows(KvStateUnavailableException.class, () -> kv.get(A, k));
        List<String> ran = new ArrayList<>();
        assertThrows(KvStateUnavailableException.class, () -> kv.commit(new KvTxn().expectAbsent(A, "n".getBytes())
                .put(A, "n".getBytes(), k).afterCommit(() -> ran.add("unreachable"))));
        assertEquals(List.of(), ran, "a commit that failed runs no after-commit action");
        etcd.restart();
        // the client reconnects by itself; readiness polling, bounded
        for (int i = 0; i < 20 && !kv.available(); i++) {
            Thread.sleep(100);
        }
        assertTrue(kv.available());
        assertEquals("1", new String(kv.get(A, k).orElseThrow(), StandardCharsets.UTF_8));
    }
}
