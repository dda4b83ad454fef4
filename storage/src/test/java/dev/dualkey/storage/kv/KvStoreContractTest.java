package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.KvEntry;
import dev.dualkey.storage.rocks.KvIterator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link KvStore} must do, run against RocksDB ({@link RocksKvStoreTest}) and etcd
 * ({@link EtcdKvStoreTest}). Spaces {@value #A} and {@value #B} must exist.
 */
public abstract class KvStoreContractTest {
    protected static final String A = "t.a";
    protected static final String B = "t.b";

    /** A store holding nothing in spaces A and B. */
    protected abstract KvStore store();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /**
     * {@link KvTxn#afterCommit}: run once the writes happened (they are visible to the action), in order, once per
     * transaction however often it is committed, never for a commit whose condition failed; a throwing action does
     * not turn the commit into a failure (SECURITY.md AC1: audit listeners hear committed records only).
     */
    @Test
    void afterCommitActionsRunOnceAfterTheWritesAndNeverForAFailedCommit() {
        KvStore kv = store();
        List<String> ran = new ArrayList<>();
        KvTxn lost = new KvTxn().expect(A, b("k"), b("other")).put(A, b("k"), b("v"))
                .afterCommit(() -> ran.add("lost"));
        assertFalse(kv.commit(lost));
        assertEquals(List.of(), ran);
        KvTxn won = new KvTxn().expectAbsent(A, b("k")).put(A, b("k"), b("v"))
                .afterCommit(() -> ran.add("first sees " + s(kv.get(A, b("k")).orElseThrow())))
                .afterCommit(() -> ran.add("second"));
        assertTrue(kv.commit(won));
        assertEquals(List.of("first sees v", "second"), ran);
        KvTxn twice = new KvTxn().put(A, b("t"), b("1")).afterCommit(() -> {
            throw new IllegalStateException("a listener failed");
        }).afterCommit(() -> ran.add("after the throw"));
        assertTrue(kv.commit(twice), "the write happened: the action's failure is not the commit's");
        assertTrue(kv.commit(twice));
        assertEquals(List.of("first sees v", "second", "after the throw"), ran, "once per transaction");
        ran.clear();
        kv.write(t -> t.put(A, b("w"), b("1")).afterCommit(() -> ran.add("write")));
        assertThrows(KvConflictException.class, () -> kv.write(t -> t.expectAbsent(A, b("w")).put(A, b("w"), b("2"))
                .afterCommit(() -> ran.add("conflict"))));
        long ticket = kv.writeDeferringSync(t -> t.put(A, b("d"), b("1")).afterCommit(() -> ran.add("deferred")));
        kv.awaitDurable(ticket);
        assertEquals(List.of("write", "deferred"), ran);
    }

    @Test
    void getPutDeleteAndSpacesAreApart() {
        KvStore kv = store();
        assertTrue(kv.get(A, b("k")).isEmpty());
        kv.write(t -> t.put(A, b("k"), b("va")).put(B, b("k"), b("vb")));
        assertEquals("va", s(kv.get(A, b("k")).orElseThrow()));
        assertEquals("vb", s(kv.get(B, b("k")).orElseThrow()));
        kv.write(t -> t.delete(A, b("k")));
        assertTrue(kv.get(A, b("k")).isEmpty());
        assertEquals("vb", s(kv.get(B, b("k")).orElseThrow()));
        kv.write(t -> t.put(A, b("empty"), new byte[0]));
        assertArrayEquals(new byte[0], kv.get(A, b("empty")).orElseThrow());
    }

    @Test
    void scanIsOrderedAsUnsignedBytesBoundedAndLimited() {
        KvStore kv = store();
        byte[][] keys = {{1}, {1, 0}, {1, (byte) 0x7f}, {1, (byte) 0x80}, {1, (byte) 0xff}, {2}, {(byte) 0xff, 0}};
        kv.write(t -> {
            for (byte[] k : keys) {
                t.put(A, k, k);
            }
            t.put(B, new byte[] {1, 5}, new byte[] {9});
        });
        List<KvPair> all = kv.scan(A, null, null, 100);
        assertEquals(keys.length, all.size());
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(keys[i], all.get(i).key());
            assertArrayEquals(keys[i], all.get(i).value());
        }
        List<KvPair> ones = kv.scan(A, new byte[] {1}, new byte[] {2}, 100);
        assertEquals(5, ones.size());
        assertEquals(2, kv.scan(A, new byte[] {1, 0}, null, 2).size());
        assertArrayEquals(new byte[] {1, 0}, kv.scan(A, new byte[] {1, 0}, null, 2).get(0).key());
        assertEquals(0, kv.scan(A, null, null, 0).size());
        assertEquals(0, kv.scan(A, new byte[] {3}, new byte[] {3}, 10).size());
        assertEquals(1, kv.scan(B, null, null, 10).size());

        // reverse: the LARGEST keys within the bounds, largest first, the limit applied after ordering
        List<KvPair> down = kv.scanReverse(A, null, null, 100);
        assertEquals(keys.length, down.size());
        for (int i = 0; i < keys.length; i++) {
            assertArrayEquals(keys[keys.length - 1 - i], down.get(i).key());
        }
        List<KvPair> top2 = kv.scanReverse(A, new byte[] {1}, new byte[] {2}, 2);
        assertEquals(2, top2.size());
        assertArrayEquals(new byte[] {1, (byte) 0xff}, top2.get(0).key());
        assertArrayEquals(new byte[] {1, (byte) 0x80}, top2.get(1).key());
        assertEquals(0, kv.scanReverse(A, null, null, 0).size());
        assertEquals(0, kv.scanReverse(A, new byte[] {3}, new byte[] {3}, 10).size());
        assertEquals(1, kv.scanReverse(B, null, null, 10).size());
    }

    @Test
    void conditionsHoldOrNothingIsWritten() {
        KvStore kv = store();
        assertTrue(kv.commit(new KvTxn().expectAbsent(A, b("x")).put(A, b("x"), b("1")).put(B, b("y"), b("1"))));
        // absent no more: the whole transaction is refused, including its write to another space
        assertFalse(kv.commit(new KvTxn().expectAbsent(A, b("x")).put(A, b("x"), b("2")).put(B, b("z"), b("2"))));
        assertEquals("1", s(kv.get(A, b("x")).orElseThrow()));
        assertTrue(kv.get(B, b("z")).isEmpty());
        // the expected value must be exactly the stored one
        assertFalse(kv.commit(new KvTxn().expect(A, b("x"), b("2")).delete(B, b("y"))));
        assertFalse(kv.commit(new KvTxn().expect(A, b("x"), b("10")).delete(B, b("y"))));
        assertFalse(kv.commit(new KvTxn().expect(A, b("missing"), b("1")).delete(B, b("y"))));
        assertTrue(kv.get(B, b("y")).isPresent());
        assertTrue(kv.commit(new KvTxn().expect(A, b("x"), b("1")).expectAbsent(B, b("z"))
                .put(A, b("x"), b("2")).delete(B, b("y"))));
        assertEquals("2", s(kv.get(A, b("x")).orElseThrow()));
        assertTrue(kv.get(B, b("y")).isEmpty());
        // a failed condition under write() is a conflict, not silence
        assertThrows(KvConflictException.class, () -> kv.write(t -> t.expect(A, b("x"), b("1")).put(A, b("x"), b("3"))));
        assertEquals("2", s(kv.get(A, b("x")).orElseThrow()));
    }

    @Test
    void deferredCommitIsVisibleAtOnceAndBecomesDurable() {
        KvStore kv = store();
        OptionalLong ticket = kv.commitDeferringSync(new KvTxn().expectAbsent(A, b("d")).put(A, b("d"), b("1")));
        assertTrue(ticket.isPresent());
        assertEquals("1", s(kv.get(A, b("d")).orElseThrow()));
        kv.awaitDurable(ticket.getAsLong());
        assertTrue(kv.commitDeferringSync(new KvTxn().expectAbsent(A, b("d")).put(A, b("d"), b("2"))).isEmpty());
        assertEquals("1", s(kv.get(A, b("d")).orElseThrow()));
    }

    /** Read-modify-write loops from many threads: a lost update would show as a smaller count. */
    @Test
    void compareAndSetLosesNoUpdateUnderContention() throws Exception {
        KvStore kv = store();
        KvTable<String, Long> counters = new KvTable<>(kv, A, Codecs.UTF8, LONG);
        counters.put("n", 0L);
        int threads = 4;
        int each = 30;
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        while (true) {
                            Optional<KvTable.Versioned<Long>> seen = counters.read("n");
                            KvTxn txn = new KvTxn();
                            counters.expect(txn, "n", seen);
                            counters.put(txn, "n", seen.orElseThrow().value() + 1);
                            if (kv.commit(txn)) {
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
        assertEquals(threads * each, counters.get("n").orElseThrow());
    }

    @Test
    void tableIteratorsWalkEveryPage() {
        KvStore kv = store();
        KvTable<String, String> t = new KvTable<>(kv, A, Codecs.UTF8, Codecs.UTF8);
        int n = KvTable.PAGE * 2 + 7;
        for (int from = 0; from < n; from += 100) {
            int start = from;
            kv.write(txn -> {
                for (int i = start; i < Math.min(n, start + 100); i++) {
                    t.put(txn, String.format("p/%05d", i), "v" + i);
                }
            });
        }
        t.put("q", "other prefix");
        int seen = 0;
        try (KvIterator<String, String> it = t.scanPrefix(b("p/"))) {
            while (it.hasNext()) {
                KvEntry<String, String> e = it.next();
                assertEquals(String.format("p/%05d", seen), e.key());
                assertEquals("v" + seen, e.value());
                seen++;
            }
        }
        assertEquals(n, seen);
        // newest-first readers (the audit page) page backwards through the same range
        int back = n;
        try (KvIterator<String, String> it = t.scanRawReverse(b("p/"), b("p0"))) {
            while (it.hasNext()) {
                back--;
                assertEquals(String.format("p/%05d", back), it.next().key());
            }
        }
        assertEquals(0, back, "every page walked backwards");
        assertEquals(3, t.scanPrefix(b("p/"), 3).size());
        assertEquals("q", t.range("p/99999", 10).get(0).key());
    }

    static final dev.dualkey.storage.rocks.Codec<Long> LONG = new dev.dualkey.storage.rocks.Codec<>() {
        @Override
        public byte[] encode(Long v) {
            return ByteBuffer.allocate(8).putLong(v).array();
        }

        @Override
        public Long decode(byte[] bytes) {
            return ByteBuffer.wrap(bytes).getLong();
        }
    };
}
