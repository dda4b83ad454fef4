package dev.dualkey.storage.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.error.SlowDownException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LocksTest {
    @Test
    void keyLocksMakeReadCheckWriteAtomic() throws Exception {
        KeyLocks locks = new KeyLocks(16);
        long[] lastStep = {0};
        int[] accepted = {0};
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                for (int step = 1; step <= 500; step++) {
                    final long s = step;
                    locks.withLock("device-1", () -> {
                        if (s > lastStep[0]) {   // replay check and update in one step
                            long seen = lastStep[0];
                            Thread.yield();
                            lastStep[0] = s;
                            assertEquals(seen, s - 1);
                            accepted[0]++;
                        }
                    });
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(500, accepted[0], "each step is accepted exactly once");
    }

    @Test
    void keyLockWaitIsBounded() throws Exception {
        KeyLocks locks = new KeyLocks(1, Duration.ofMillis(50));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread owner = new Thread(() -> locks.withLock("k", () -> {
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        owner.start();
        held.await();
        assertThrows(SlowDownException.class, () -> locks.lock("k"));
        release.countDown();
        owner.join();
    }

    @Test
    void lockManagerEnforcesBucketKeyUploadOrder() {
        LockManager m = new LockManager(64, Duration.ofSeconds(1));
        try (LockManager.Held b = m.bucketRead("b"); LockManager.Held k = m.keyWrite("b", "k");
             LockManager.Held u = m.upload("u")) {
            assertTrue(m.holds(LockManager.Level.UPLOAD));
        }
        try (LockManager.Held k = m.keyWrite("b", "k")) {
            assertThrows(IllegalStateException.class, () -> m.bucketRead("b"));
            assertThrows(IllegalStateException.class, () -> m.keyRead("b", "other"));
        }
        try (LockManager.Held u = m.upload("u")) {
            assertThrows(IllegalStateException.class, () -> m.keyWrite("b", "k"));
        }
        // everything released: the order starts again
        try (LockManager.Held b = m.bucketWrite("b")) {
            assertTrue(m.holds(LockManager.Level.BUCKET));
        }
    }
}
