package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.RocksDatabase;
import dev.dualkey.storage.rocks.WriteRide;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract over RocksDB column families, and the layout promise: what a Table wrote, the store reads. */
class RocksKvStoreTest extends KvStoreContractTest {
    @TempDir
    Path dir;
    private RocksDatabase db;

    @BeforeEach
    void open() {
        db = RocksDatabase.open(dir, List.of(ColumnFamilySpec.of(A, "test"), ColumnFamilySpec.of(B, "test")));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected KvStore store() {
        return RocksKvStore.over(db);
    }

    @Test
    void oneStorePerDatabaseAndTheTableLayoutIsUnchanged() {
        assertSame(RocksKvStore.over(db), RocksKvStore.over(db));
        db.table(A, Codecs.UTF8, Codecs.UTF8).put("written-by-table", "v");
        assertArrayEquals("v".getBytes(), store().get(A, "written-by-table".getBytes()).orElseThrow());
        new KvTable<>(store(), B, Codecs.UTF8, Codecs.UTF8).put("written-by-kv", "w");
        assertArrayEquals("w".getBytes(),
                db.table(B, Codecs.UTF8, Codecs.BYTES).get("written-by-kv").orElseThrow());
    }
    /**
     * Issue 19, session 19: the stamp a cache of KV records relies on (the gateway's resolved access keys) changes
     * with every write to its space, by the time the write's call returns, whichever way it was committed, and
     * with nothing else: reads, and writes to other spaces, leave it as it was.
     */
    @Test
    void theWriteStampOfASpaceChangesWithEveryWriteToItAndNothingElse() {
        RocksKvStore kv = RocksKvStore.over(db);
        long a0 = kv.localWriteStamp(A).orElseThrow();
        long b0 = kv.localWriteStamp(B).orElseThrow();
        kv.get(A, "k".getBytes());
        kv.scan(A, null, null, 10);
        assertEquals(a0, kv.localWriteStamp(A).orElseThrow(), "a read is no write");

        assertTrue(kv.commit(new KvTxn().put(A, "k".getBytes(), "v1".getBytes())));
        long a1 = kv.localWriteStamp(A).orElseThrow();
        assertNotEquals(a0, a1, "commit");
        assertEquals(b0, kv.localWriteStamp(B).orElseThrow(), "another space's write");

        long ticket = kv.commitDeferringSync(new KvTxn().put(A, "k".getBytes(), "v2".getBytes())).orElseThrow();
        long a2 = kv.localWriteStamp(A).orElseThrow();
        assertNotEquals(a1, a2, "deferred commit, counted once visible");
        kv.awaitDurable(ticket);

        WriteRide ride = new WriteRide(db);
        assertTrue(kv.commitRiding(new KvTxn().put(A, "k".getBytes(), "v3".getBytes()), ride));
        ride.settle(); // nobody's write took it: settle writes it alone
        assertArrayEquals("v3".getBytes(), kv.get(A, "k".getBytes()).orElseThrow());
        assertNotEquals(a2, kv.localWriteStamp(A).orElseThrow(), "a ride, counted when it settles");

        long a3 = kv.localWriteStamp(A).orElseThrow();
        assertTrue(!kv.commit(new KvTxn().expect(A, "k".getBytes(), "not-v3".getBytes())
                .put(A, "k".getBytes(), "v4".getBytes())), "a failed condition");
        assertEquals(a3, kv.localWriteStamp(A).orElseThrow(), "a failed condition writes nothing");
        assertEquals(b0, kv.localWriteStamp(B).orElseThrow());
    }
}
