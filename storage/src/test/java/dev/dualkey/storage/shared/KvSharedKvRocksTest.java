package dev.dualkey.storage.shared;

import dev.dualkey.storage.kv.RocksKvStore;
import dev.dualkey.storage.rocks.RocksDatabase;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The contract over {@link KvSharedKv} on RocksDB: the mapping itself, without etcd. */
class KvSharedKvRocksTest extends SharedKvContractTest {
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
        return new KvSharedKv(RocksKvStore.over(db));
    }
}
