package dev.dualkey.storage.shared;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract over {@link RocksKv} (one gateway in upstream mode), and the layout promise of {@link KvSharedKv}:
 * over the same database it reads and writes exactly what {@link RocksKv} does.
 */
class RocksKvTest extends SharedKvContractTest {
    @TempDir
    Path dir;
    private RocksDatabase db;

    @BeforeEach
    void open() {
        db = RocksDatabase.open(dir, List.of(RocksKv.FAMILY));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Override
    protected SharedKv kv() {
        return new RocksKv(db);
    }

    @Test
    void kvSharedKvOverTheSameDatabaseIsTheSameMap() {
        SharedKv rocks = new RocksKv(db);
        SharedKv mapped = new KvSharedKv(RocksKvStore.over(db));
        assertTrue(rocks.commit(List.of(), List.of(SharedKv.Write.put(b("Bbucket"), b("record")))));
        assertArrayEquals(b("record"), mapped.get(b("Bbucket")).orElseThrow().value());
        assertFalse(mapped.commit(List.of(new SharedKv.Compare(b("Bbucket"), null)),
                List.of(SharedKv.Write.put(b("Bbucket"), b("other")))));
        assertTrue(mapped.commit(List.of(new SharedKv.Compare(b("Bbucket"), b("record"))),
                List.of(SharedKv.Write.put(b("Bbucket"), b("changed")))));
        assertArrayEquals(b("changed"), rocks.get(b("Bbucket")).orElseThrow().value());
    }
}
