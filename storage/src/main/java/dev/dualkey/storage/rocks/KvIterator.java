package dev.dualkey.storage.rocks;

import java.util.Iterator;

/**
 * An iterator over a bounded key range of one table (forward, or reverse from {@code Table.scanRawReverse}). It holds a native RocksDB iterator: always close it
 * (try-with-resources). The database also closes any still-open iterator on shutdown.
 */
public interface KvIterator<K, V> extends Iterator<KvEntry<K, V>>, AutoCloseable {
    @Override
    void close();
}
