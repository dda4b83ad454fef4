package dev.dualkey.storage.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SharedKv} must do for the upstream store (its index): linearizable get, ordered bounded ranges
 * in unsigned byte order, and all-or-nothing transactions guarded by value compares (absence included). Run against
 * {@link MemoryKv}, {@link RocksKv}, {@link KvSharedKv} over RocksDB, and {@link KvSharedKv} over a real etcd.
 */
public abstract class SharedKvContractTest {

    /** An empty map. */
    protected abstract SharedKv kv();

    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void getPutDeleteThroughCommits() {
        SharedKv kv = kv();
        assertTrue(kv.get(b("k")).isEmpty());
        assertTrue(kv.commit(List.of(), List.of(SharedKv.Write.put(b("k"), b("v1")))));
        SharedKv.Entry e = kv.get(b("k")).orElseThrow();
        assertEquals("k", s(e.key()));
        assertEquals("v1", s(e.value()));
        assertTrue(kv.commit(List.of(), List.of(SharedKv.Write.delete(b("k")))));
        assertTrue(kv.get(b("k")).isEmpty());
        assertTrue(kv.commit(List.of(), List.of(SharedKv.Write.put(b("empty"), new byte[0]))));
        assertArrayEquals(new byte[0], kv.get(b("empty")).orElseThrow().value());
    }

    @Test
    void comparesGuardTheWholeTransaction() {
        SharedKv kv = kv();
        // absence holds for a new key
        assertTrue(kv.commit(List.of(new SharedKv.Compare(b("a"), null)),
                List.of(SharedKv.Write.put(b("a"), b("1")), SharedKv.Write.put(b("b"), b("1")))));
        // absence fails for an existing key: nothing of the transaction is written
        assertFalse(kv.commit(List.of(new SharedKv.Compare(b("a"), null)),
                List.of(SharedKv.Write.put(b("c"), b("x")), SharedKv.Write.delete(b("b")))));
        assertTrue(kv.get(b("c")).isEmpty());
        assertEquals("1", s(kv.get(b("b")).orElseThrow().value()));
        // a value compare against a stale value fails; against the current one it holds
        assertFalse(kv.commit(List.of(new SharedKv.Compare(b("a"), b("0"))),
                List.of(SharedKv.Write.put(b("a"), b("2")))));
        assertEquals("1", s(kv.get(b("a")).orElseThrow().value()));
        // one failing compare among several holding ones refuses all
        assertFalse(kv.commit(List.of(new SharedKv.Compare(b("a"), b("1")), new SharedKv.Compare(b("b"), b("9"))),
                List.of(SharedKv.Write.put(b("a"), b("2")))));
        assertEquals("1", s(kv.get(b("a")).orElseThrow().value()));
        assertTrue(kv.commit(List.of(new SharedKv.Compare(b("a"), b("1")), new SharedKv.Compare(b("b"), b("1"))),
                List.of(SharedKv.Write.put(b("a"), b("2")), SharedKv.Write.delete(b("b")))));
        assertEquals("2", s(kv.get(b("a")).orElseThrow().value()));
        assertTrue(kv.get(b("b")).isEmpty());
        // a value compare on an absent key fails (absent is not any value, not even the empty one)
        assertFalse(kv.commit(List.of(new SharedKv.Compare(b("b"), new byte[0])),
                List.of(SharedKv.Write.put(b("b"), b("x")))));
        assertTrue(kv.get(b("b")).isEmpty());
        // a compare on a key the transaction deletes, then absence holds again
        assertTrue(kv.commit(List.of(new SharedKv.Compare(b("a"), b("2"))), List.of(SharedKv.Write.delete(b("a")))));
        assertTrue(kv.commit(List.of(new SharedKv.Compare(b("a"), null)), List.of(SharedKv.Write.put(b("a"), b("3")))));
    }

    @Test
    void rangesAreUnsignedOrderedBoundedAndLimited() {
        SharedKv kv = kv();
        byte[][] keys = {{'K', 1}, {'K', 1, 0}, {'K', 1, 0x7f}, {'K', 1, (byte) 0x80}, {'K', 1, (byte) 0xff},
            {'K', 2}, {'L'}, {'B', 'x'}};
        List<SharedKv.Write> writes = new ArrayList<>();
        for (byte[] k : keys) {
            writes.add(SharedKv.Write.put(k, k));
        }
        assertTrue(kv.commit(List.of(), writes));
        List<SharedKv.Entry> all = kv.range(new byte[] {'K'}, new byte[] {'L'}, 100);
        assertEquals(6, all.size());
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(keys[i], all.get(i).key());
            assertArrayEquals(keys[i], all.get(i).value());
        }
        // from inclusive, to exclusive
        List<SharedKv.Entry> mid = kv.range(new byte[] {'K', 1, 0x7f}, new byte[] {'K', 1, (byte) 0xff}, 100);
        assertEquals(2, mid.size());
        assertArrayEquals(keys[2], mid.get(0).key());
        assertArrayEquals(keys[3], mid.get(1).key());
        // limit
        List<SharedKv.Entry> two = kv.range(new byte[] {'K'}, new byte[] {'L'}, 2);
        assertEquals(2, two.size());
        assertArrayEquals(keys[1], two.get(1).key());
        // no upper bound: to the end of the map (and nothing of anyone else's space)
        List<SharedKv.Entry> tail = kv.range(new byte[] {'K', 2}, null, 100);
        assertEquals(2, tail.size());
        assertArrayEquals(keys[6], tail.get(1).key());
        // paging as the store does it: from the successor of the last key
        List<byte[]> paged = new ArrayList<>();
        byte[] from = {'K'};
        while (true) {
            List<SharedKv.Entry> page = kv.range(from, new byte[] {'L'}, 4);
            page.forEach(e -> paged.add(e.key()));
            if (page.size() < 4) {
                break;
            }
            byte[] last = page.get(page.size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1);
        }
        assertEquals(6, paged.size());
        assertTrue(kv.range(new byte[] {'M'}, new byte[] {'N'}, 10).isEmpty());
    }

    /**
     * Compare-and-set under contention: every increment is applied exactly once (no lost update, no double
     * apply), as two gateways racing to publish into one key record need.
     */
    @Test
    void compareAndSetLosesNoUpdateUnderContention() throws Exception {
        SharedKv kv = kv();
        byte[] key = b("counter");
        assertTrue(kv.commit(List.of(new SharedKv.Compare(key, null)),
                List.of(SharedKv.Write.put(key, ByteBuffer.allocate(4).putInt(0).array()))));
        int threads = 4;
        int each = 25;
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            byte[] cur = kv.get(key).orElseThrow().value();
                            int n = ByteBuffer.wrap(cur).getInt();
                            if (kv.commit(List.of(new SharedKv.Compare(key, cur)),
                                    List.of(SharedKv.Write.put(key, ByteBuffer.allocate(4).putInt(n + 1).array())))) {
                                break;
                            }
                            conflicts.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * each, ByteBuffer.wrap(kv.get(key).orElseThrow().value()).getInt());
    }
}
