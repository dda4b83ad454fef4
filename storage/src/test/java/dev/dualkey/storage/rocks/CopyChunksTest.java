package dev.dualkey.storage.rocks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CopyChunksTest {
    @Test
    void noMoreThanItsCapacityIsHandedOutAndAGivenBackChunkIsReused() {
        CopyChunks pool = new CopyChunks(3, 1024);
        byte[] a = pool.tryTake();
        byte[] b = pool.tryTake();
        byte[] c = pool.tryTake();
        assertNotNull(c);
        assertEquals(1024, a.length);
        assertNull(pool.tryTake(), "all three chunks are out");
        pool.give(b);
        assertSame(b, pool.tryTake(), "the chunk given back, not a new one");
        assertNull(pool.tryTake());
        pool.give(a);
        pool.give(b);
        pool.give(c);
        assertEquals(3, pool.available());
    }

    @Test
    void aChunkOfAnotherSizeIsRefused() {
        CopyChunks pool = new CopyChunks(2, 1024);
        assertThrows(IllegalArgumentException.class, () -> pool.give(new byte[512]));
        assertEquals(2, pool.available());
    }

    @Test
    void manyThreadsTakingAndGivingNeverMakeMoreChunksThanTheBound() throws Exception {
        CopyChunks pool = new CopyChunks(4, 64);
        Set<byte[]> seen = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        byte[] chunk = pool.take();
                        seen.add(chunk);
                        pool.give(chunk);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(4, pool.available());
        assertEquals(true, seen.size() <= 4, "distinct chunks ever handed out: " + seen.size());
        // every chunk ever made is free again and handed out first (on a loaded machine the threads may never
        // have held all four at once, so fewer than four were made: a further tryTake would make a new one)
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(true, seen.contains(pool.tryTake()), "only chunks made before are in the pool");
        }
    }
}
