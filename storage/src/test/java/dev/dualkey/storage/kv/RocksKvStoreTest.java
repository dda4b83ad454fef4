package dev.dualkey.storage.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dualkey.storage.rocks.Codecs;
import dev.dualkey.storage.rocks.ColumnFamilySpec;
import dev.dualkey.storage.rocks.RocksDatabase;
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
}
