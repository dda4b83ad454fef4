package dev.dualkey.storage.rocks;

import java.util.Iterator;

/**
 * A forward iterator over a bounded key range of one table. It holds a native RocksDB iterator: always close it
 * (try-with-resources). The database also closes any still-open iterator on shutdown.
 */
public interface KvIterator<K, V> extends Iterator<KvEntry<K, V>>, AutoCloseable {
    @Override
    void close();
}
