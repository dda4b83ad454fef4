package dev.dualkey.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Busy" means four commands really in progress: with three long commands running (an audit tail, say), the
 * CLI's probe-then-call pattern is answered every time; a fifth command while four run is refused as busy.
 */
class AdminSocketSlotsTest {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(120) // hang detector only
    void busyOnlyWhenFourCommandsRun() throws Exception {
        Semaphore entered = new Semaphore(0);
        CountDownLatch release = new CountDownLatch(1);
        AdminRegistry registry = new AdminRegistry()
                .register("ping", (args, events) -> AdminProtocol.object())
                .register("hold", (args, events) -> {
                    entered.release();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return AdminProtocol.object();
                });
        try (AdminSocket s = AdminSocket.start(dataDir, registry)) {
            AdminClient direct = AdminClient.forRunningServer(dataDir).orElseThrow();
            List<Thread> holders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                holders.add(hold(direct));
            }
            assertTrue(entered.tryAcquire(3, 60, TimeUnit.SECONDS));
            for (int i = 0; i < 50; i++) {
                AdminClient c = AdminClient.forRunningServer(dataDir).orElseThrow(); // the probe takes no slot
                assertEquals(0, c.call("ping", AdminClient.args(), e -> { }).size(), "call " + i);
            }
            holders.add(hold(direct));
            assertTrue(entered.tryAcquire(1, 60, TimeUnit.SECONDS));
            AdminFailure busy = assertThrows(AdminFailure.class, () -> direct.call("ping", AdminClient.args(),
                    e -> { }));
            assertTrue(busy.getMessage().contains("busy"), busy.getMessage());
            release.countDown();
            for (Thread t : holders) {
                t.join(60_000);
            }
        }
    }

    /** A thread running {@code hold}, retried while a just-finished command still holds its slot. */
    private static Thread hold(AdminClient c) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    c.call("hold", AdminClient.args(), e -> { });
                    return;
                } catch (AdminFailure e) {
                    if (!e.getMessage().contains("busy")) {
                        throw e;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException ie) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
